package main

// From the driver (native.go, not in your workspace): maxInput, the longest
// input the library accepts (LZ_MAX_INPUT, 64 KiB), and lzWasm, the same
// library built to WebAssembly (lz.wasm, built from lz.c by build_wasm.sh).

/*
#include "lz.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"unsafe"

	"pinlab/exercises/harness"
)

// Compressor compresses with the lz library (lz.c). The library keeps its
// working state per OS thread: lz_init creates the calling thread's state,
// and lz_compress fails with LZ_ENOSTATE on a thread that has none. So every
// call runs on one of a few workers, each locked to its own thread for good.
type Compressor struct {
	jobs chan job
	wg   sync.WaitGroup
}

type job struct {
	src   []byte
	reply chan result // buffered: the worker never waits for the caller
}

type result struct {
	out []byte
	err error
}

// New starts workers pinned workers and returns once each has created its
// thread's state.
func New(workers int) (*Compressor, error) {
	c := &Compressor{jobs: make(chan job)}
	ready := make(chan error, workers)
	for i := 0; i < workers; i++ {
		c.wg.Add(1)
		go c.worker(i, ready)
	}
	var first error
	for i := 0; i < workers; i++ {
		if err := <-ready; err != nil && first == nil {
			first = err
		}
	}
	if first != nil {
		c.Close()
		return nil, first
	}
	return c, nil
}

// worker owns one OS thread for its whole life: the library's state for
// that thread lives there.
func (c *Compressor) worker(i int, ready chan<- error) {
	defer c.wg.Done()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if rc := C.lz_init(); rc != 0 {
		ready <- lzError(int(rc))
		return
	}
	defer C.lz_shutdown()
	harness.Pinned(fmt.Sprintf("lz worker %d", i))
	defer harness.Unpinned()
	ready <- nil
	out := make([]byte, int(C.lz_bound(maxInput)))
	for j := range c.jobs {
		j.reply <- compressHere(j.src, out)
	}
}

// compressHere runs the library on the calling thread, which must hold its
// state, and returns a copy of the output (out is reused by the next call).
func compressHere(src, out []byte) result {
	n := C.lz_compress((*C.uchar)(unsafe.Pointer(unsafe.SliceData(src))), C.int(len(src)),
		(*C.uchar)(unsafe.Pointer(&out[0])), C.int(len(out)))
	if n < 0 {
		return result{err: lzError(int(n))}
	}
	return result{out: append([]byte(nil), out[:n]...)}
}

// Compress returns the library's output for src (at most maxInput bytes).
// It is safe for concurrent use.
func (c *Compressor) Compress(src []byte) ([]byte, error) {
	reply := make(chan result, 1)
	c.jobs <- job{src: src, reply: reply}
	r := <-reply
	return r.out, r.err
}

// Close stops the workers; each releases its thread's state first.
func (c *Compressor) Close() error {
	close(c.jobs)
	c.wg.Wait()
	return nil
}

// lzError turns a negative lz_compress result into an error.
func lzError(rc int) error {
	switch rc {
	case -1:
		return errors.New("lz: no state on this thread (lz_init not called here)")
	case -2:
		return errors.New("lz: input longer than LZ_MAX_INPUT")
	case -3:
		return errors.New("lz: output buffer smaller than lz_bound")
	}
	return fmt.Errorf("lz: error %d", rc)
}
