"""Exercise 16 ships lz.wasm so that a learner needs no C-to-WebAssembly
toolchain. This proves the shipped module is built from the shipped source:
build_wasm.sh rebuilds it from lz.c and the bytes must be the same. It needs
clang and wasm-ld (Debian: clang, lld) and the clang version that built the
shipped module (its producers section names it); elsewhere it skips and says
why. That the module computes the C library's bytes is the exercise's own Go
test (TestShippedModuleMatchesTheCLibrary)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

EXERCISE = Path(__file__).resolve().parent.parent / "exercises" / "16-cgo-to-wasm"
SHIPPED = EXERCISE / "lz.wasm"
SCRIPT = EXERCISE / "build_wasm.sh"
# the producers section: "processed-by", then a name and a version, each
# with its length in one byte before it ("Debian clang", "14.0.6")
_PRODUCER = re.compile(
    rb"processed-by\x01.([^\x00-\x1f]*clang)[\x00-\x1f]([0-9][^\x00-\x1f]*)", re.S
)
# `clang --version`: "Debian clang version 14.0.6"
_LOCAL = re.compile(r"^(.*clang) version (\S+)", re.M)


def _toolchain_or_skip() -> None:
    missing = [tool for tool in ("clang", "wasm-ld") if shutil.which(tool) is None]
    if missing:
        pytest.skip(
            f"{' and '.join(missing)} not found: rebuilding lz.wasm needs clang and wasm-ld "
            "(Debian packages clang and lld)"
        )


def _shipped_clang() -> str:
    m = _PRODUCER.search(SHIPPED.read_bytes())
    assert m, "lz.wasm names no clang in its producers section"
    return f"{m.group(1).decode()} {m.group(2).decode()}"


def _local_clang() -> str:
    out = subprocess.run(["clang", "--version"], capture_output=True, text=True, check=True).stdout
    m = _LOCAL.search(out)
    return f"{m.group(1)} {m.group(2)}" if m else out.splitlines()[0]


def test_shipped_module_is_built_from_the_shipped_source(tmp_path: Path) -> None:
    _toolchain_or_skip()
    shipped, local = _shipped_clang(), _local_clang()
    if shipped != local:
        pytest.skip(
            f"lz.wasm was built by {shipped}, this machine has {local}: "
            "another compiler version builds other bytes, so the comparison needs the same one"
        )
    out = tmp_path / "lz.wasm"
    subprocess.run(["sh", str(SCRIPT), str(out)], check=True, cwd=tmp_path)
    assert out.read_bytes() == SHIPPED.read_bytes(), (
        "exercises/16-cgo-to-wasm/lz.wasm is not what build_wasm.sh builds from lz.c: "
        "run exercises/16-cgo-to-wasm/build_wasm.sh and commit lz.wasm"
    )


def test_the_build_needs_no_libc(tmp_path: Path) -> None:
    """Without -ffreestanding clang turns lz.c's zeroing loop into a call to
    memset, which nothing provides to a module without libc: the script's
    flags are what keeps the module free of imports."""
    _toolchain_or_skip()
    out = tmp_path / "plain.wasm"
    plain = subprocess.run(
        [
            "clang",
            "--target=wasm32",
            "-O2",
            "-nostdlib",
            "-Wl,--no-entry",
            "-o",
            str(out),
            str(EXERCISE / "lz.c"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert plain.returncode != 0 and "undefined symbol: memset" in plain.stderr, plain.stderr
    subprocess.run(["sh", str(SCRIPT), str(out)], check=True, cwd=tmp_path)
    assert out.stat().st_size > 0
