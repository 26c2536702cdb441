#!/bin/sh
# Builds lz.wasm from lz.c: the same C source that cgo compiles natively,
# compiled to a freestanding WebAssembly module (no libc, no WASI).
#
#   ./build_wasm.sh [OUTPUT]     (default: lz.wasm beside this script)
#
# Needs clang and wasm-ld (Debian: apt-get install clang lld). The shipped
# lz.wasm was built with Debian's clang 14.0.6 (bookworm), which its
# producers section records; another clang version builds a module that
# computes the same bytes but is not the same file. tests/test_wasm_module.py
# rebuilds it with the same version and compares.
#
# -ffreestanding: without it clang turns lz.c's zeroing and copying loops
# into calls to memset and memcpy, which no libc provides here (wasm-ld:
# "undefined symbol: memset").
# --no-entry: a library, no main; lz.c marks its exports with export_name.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/lz.wasm}
exec clang --target=wasm32 -O2 -ffreestanding -nostdlib \
	-Wl,--no-entry -Wl,--strip-debug \
	-o "$out" "$here/lz.c"
