// The lz library called directly through cgo, for the driver and the tests
// (pristine, like main.go): it gives the bytes every answer must equal, and
// the native side of the speed comparison.
package main

/*
#include "lz.h"
*/
import "C"

import (
	_ "embed"
	"fmt"
	"runtime"
	"unsafe"
)

// lzWasm is lz.c built to WebAssembly by build_wasm.sh (exports: memory,
// lz_init, lz_shutdown, lz_bound, lz_compress, lz_src, lz_dst; no imports).
//
//go:embed lz.wasm
var lzWasm []byte

// maxInput is the longest input the library accepts (LZ_MAX_INPUT in lz.h).
const maxInput = C.LZ_MAX_INPUT

// refLib is the library's state on one OS thread: refOpen locks the calling
// goroutine to its thread and creates the state there; close releases both.
// Use it from that goroutine only.
type refLib struct {
	out []byte
}

func refOpen() (*refLib, error) {
	runtime.LockOSThread()
	if rc := C.lz_init(); rc != 0 {
		runtime.UnlockOSThread()
		return nil, fmt.Errorf("lz_init: %d", int(rc))
	}
	return &refLib{out: make([]byte, int(C.lz_bound(maxInput)))}, nil
}

// compress returns the library's output for src, in a buffer that the next
// call reuses.
func (r *refLib) compress(src []byte) []byte {
	n := C.lz_compress((*C.uchar)(unsafe.Pointer(unsafe.SliceData(src))), C.int(len(src)),
		(*C.uchar)(unsafe.Pointer(&r.out[0])), C.int(len(r.out)))
	if n < 0 {
		panic(fmt.Sprintf("lz_compress: %d", int(n)))
	}
	return r.out[:n]
}

func (r *refLib) close() {
	C.lz_shutdown()
	runtime.UnlockOSThread()
}

// refBound is lz_bound(n) through cgo: a call that does no work, for
// measuring what crossing into C costs.
func refBound(n int) int { return int(C.lz_bound(C.int(n))) }
