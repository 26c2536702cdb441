// The exercise's own tests (pristine; target "contract", run with -race):
// what Compress promises beyond the driver's load, and that the shipped
// lz.wasm computes what the C library computes.
package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
)

const testWorkers = 4

// want is the C library's output for each input, through cgo.
func want(t *testing.T, ins [][]byte) [][]byte {
	t.Helper()
	ref, err := refOpen()
	if err != nil {
		t.Fatal(err)
	}
	defer ref.close()
	out := make([][]byte, len(ins))
	for i, in := range ins {
		out[i] = bytes.Clone(ref.compress(in))
	}
	return out
}

func newCompressor(t *testing.T) *Compressor {
	t.Helper()
	c, err := New(testWorkers)
	if err != nil {
		t.Fatalf("New(%d): %v", testWorkers, err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return c
}

// Callers outnumber the workers, share one Compressor, and each must get the
// library's exact bytes for its own input: an instance used by two callers at
// once mixes their inputs (and -race sees both write its memory).
func TestConcurrentCallersGetTheirOwnBytes(t *testing.T) {
	const goroutines, calls = 2 * testWorkers, 40
	rng := rand.New(rand.NewPCG(1, 2))
	ins := inputs(rng, goroutines*calls, 1, 4096)
	exp := want(t, ins)
	c := newCompressor(t)
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for k := g; k < len(ins); k += goroutines {
				out, err := c.Compress(ins[k])
				if err != nil {
					errs <- fmt.Errorf("input %d (%d bytes): %v", k, len(ins[k]), err)
					return
				}
				if !bytes.Equal(out, exp[k]) {
					errs <- fmt.Errorf("input %d (%d bytes): the %d-byte output differs from the C library's %d bytes",
						k, len(ins[k]), len(out), len(exp[k]))
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// A result belongs to the caller: later calls, which reuse the same
// instances, must not change it.
func TestResultsDoNotChangeAfterReturn(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	ins := inputs(rng, 4*testWorkers+1, 100, 2000)
	exp := want(t, ins)
	c := newCompressor(t)
	outs := make([][]byte, len(ins))
	for i, in := range ins {
		out, err := c.Compress(in)
		if err != nil {
			t.Fatalf("input %d: %v", i, err)
		}
		outs[i] = out
	}
	for i := range ins {
		if !bytes.Equal(outs[i], exp[i]) {
			t.Fatalf("the result of call %d of %d changed after Compress returned it "+
				"(does it return a slice of the instance's memory?)", i+1, len(ins))
		}
	}
}

// The edges: nothing, one byte, exactly maxInput; one byte more is an
// error, not a crash, and the Compressor still works after it.
func TestEdges(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	big := inputs(rng, 1, maxInput+1, maxInput+1)[0]
	ins := [][]byte{{}, {'x'}, big[:maxInput], bytes.Repeat([]byte{'a'}, maxInput)}
	exp := want(t, ins)
	c := newCompressor(t)
	for i, in := range ins {
		out, err := c.Compress(in)
		if err != nil {
			t.Fatalf("%d bytes: %v", len(in), err)
		}
		if !bytes.Equal(out, exp[i]) {
			t.Fatalf("%d bytes: output differs from the C library's", len(in))
		}
	}
	// More failed calls than the Compressor has workers: each failed call
	// must leave its instance (or worker) usable for the next caller.
	done := make(chan error, 1)
	go func() {
		for i := 0; i < 2*testWorkers+1; i++ {
			if _, err := c.Compress(big); err == nil {
				done <- fmt.Errorf("%d bytes (more than maxInput): no error", len(big))
				return
			}
		}
		out, err := c.Compress(ins[1])
		if err != nil || !bytes.Equal(out, exp[1]) {
			done <- fmt.Errorf("after %d failed calls, 1 byte: %v", 2*testWorkers+1, err)
			return
		}
		done <- nil
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("Compress still blocks 5 s after %d failed calls: does a failed call keep its instance?",
			2*testWorkers+1)
	}
}

// The shipped module (lz.wasm) computes the C library's bytes, needs no
// imports, and keeps its state per instance.
func TestShippedModuleMatchesTheCLibrary(t *testing.T) {
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	defer rt.Close(ctx)
	compiled, err := rt.CompileModule(ctx, lzWasm)
	if err != nil {
		t.Fatal(err)
	}
	if imp := compiled.ImportedFunctions(); len(imp) > 0 {
		t.Fatalf("lz.wasm imports %d functions (the first: %v); a freestanding build imports none",
			len(imp), imp[0].Name())
	}
	mod, err := rt.InstantiateModule(ctx, compiled, wazero.NewModuleConfig().WithName(""))
	if err != nil {
		t.Fatal(err)
	}
	call := func(name string, args ...uint64) int32 {
		res, err := mod.ExportedFunction(name).Call(ctx, args...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(res) == 0 {
			return 0
		}
		return int32(uint32(res[0]))
	}
	src, dst := uint64(call("lz_src")), uint64(call("lz_dst"))
	capacity := uint64(call("lz_bound", maxInput))
	if rc := call("lz_compress", src, 1, dst, capacity); rc != -1 {
		t.Fatalf("lz_compress before lz_init returned %d, want -1 (LZ_ENOSTATE)", rc)
	}
	if rc := call("lz_init"); rc != 0 {
		t.Fatalf("lz_init: %d", rc)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	ins := append(inputs(rng, 200, 0, 3000), inputs(rng, 4, maxInput, maxInput)...)
	exp := want(t, ins)
	for i, in := range ins {
		if !mod.Memory().Write(uint32(src), in) {
			t.Fatal("input does not fit")
		}
		n := call("lz_compress", src, uint64(len(in)), dst, capacity)
		if n < 0 {
			t.Fatalf("input %d (%d bytes): lz_compress: %d", i, len(in), n)
		}
		got, _ := mod.Memory().Read(uint32(dst), uint32(n))
		if !bytes.Equal(got, exp[i]) {
			t.Fatalf("input %d (%d bytes): the module's %d bytes differ from the C library's %d",
				i, len(in), n, len(exp[i]))
		}
	}
}
