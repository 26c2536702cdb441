package main

// From the driver (native.go, not in your workspace): maxInput, the longest
// input the library accepts (LZ_MAX_INPUT, 64 KiB), and lzWasm, the same
// library built to WebAssembly (lz.wasm, built from lz.c by build_wasm.sh).

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// Compressor runs the lz library as WebAssembly, inside this process, with
// no cgo: wazero compiles the module to machine code once, and each module
// instance gets its own linear memory, which holds what the C library keeps
// per thread. An instance runs one call at a time, so the Compressor keeps
// its idle instances in a sync.Pool: a caller takes one (or the pool makes
// one) and puts it back, so there are as many as callers at once. The pool
// drops idle instances at a garbage collection; wazero's runtime would keep
// each one until the runtime is closed, so a cleanup closes the module of
// every instance the pool drops.
type Compressor struct {
	rt   wazero.Runtime
	pool sync.Pool
}

// instance is one module instance and what a call needs from it.
type instance struct {
	mod      api.Module
	compress api.Function
	src, dst uint32   // the module's input and output buffers (lz_src, lz_dst)
	capacity uint32   // lz_bound(maxInput)
	stack    []uint64 // CallWithStack's parameters and result, reused
}

// New compiles the module and creates workers instances, each with its
// state set up (lz_init).
func New(workers int) (*Compressor, error) {
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	compiled, err := rt.CompileModule(ctx, lzWasm)
	if err != nil {
		rt.Close(ctx)
		return nil, err
	}
	c := &Compressor{rt: rt}
	c.pool.New = func() any {
		in, err := newInstance(ctx, rt, compiled)
		if err != nil {
			return err
		}
		return in
	}
	// Warm the pool: workers instances ready before the first call.
	for i := 0; i < workers; i++ {
		in, err := newInstance(ctx, rt, compiled)
		if err != nil {
			rt.Close(ctx)
			return nil, err
		}
		c.pool.Put(in)
	}
	return c, nil
}

func newInstance(ctx context.Context, rt wazero.Runtime, compiled wazero.CompiledModule) (*instance, error) {
	// No name: a runtime refuses a second instance under the same name
	// ("module[lz] has already been instantiated").
	mod, err := rt.InstantiateModule(ctx, compiled, wazero.NewModuleConfig().WithName(""))
	if err != nil {
		return nil, err
	}
	call := func(name string, args ...uint64) (uint32, error) {
		res, err := mod.ExportedFunction(name).Call(ctx, args...)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", name, err)
		}
		return uint32(res[0]), nil
	}
	in := &instance{mod: mod, compress: mod.ExportedFunction("lz_compress"), stack: make([]uint64, 4)}
	// Once nothing holds in (the pool dropped it), close its module. The
	// cleanup must not refer to in itself, or in never becomes unreachable.
	runtime.AddCleanup(in, func(mod api.Module) { mod.Close(context.Background()) }, mod)
	if rc, err := call("lz_init"); err != nil || rc != 0 {
		return nil, errors.Join(err, lzError(int(int32(rc))))
	}
	if in.src, err = call("lz_src"); err != nil {
		return nil, err
	}
	if in.dst, err = call("lz_dst"); err != nil {
		return nil, err
	}
	if in.capacity, err = call("lz_bound", maxInput); err != nil {
		return nil, err
	}
	return in, nil
}

// Compress returns the library's output for src (at most maxInput bytes).
// It is safe for concurrent use: each call has an instance to itself.
func (c *Compressor) Compress(src []byte) ([]byte, error) {
	if len(src) > maxInput {
		return nil, lzError(-2)
	}
	var in *instance
	switch v := c.pool.Get().(type) {
	case *instance:
		in = v
	case error:
		return nil, v
	}
	defer c.pool.Put(in)
	return in.run(src)
}

// run copies src into the instance's memory, compresses it there and copies
// the output out: the output buffer is this instance's, and its next call
// overwrites it.
func (in *instance) run(src []byte) ([]byte, error) {
	mem := in.mod.Memory()
	if !mem.Write(in.src, src) {
		return nil, errors.New("lz: input does not fit the module's buffer")
	}
	in.stack[0], in.stack[1] = uint64(in.src), uint64(len(src))
	in.stack[2], in.stack[3] = uint64(in.dst), uint64(in.capacity)
	if err := in.compress.CallWithStack(context.Background(), in.stack); err != nil {
		return nil, err
	}
	n := int32(uint32(in.stack[0]))
	if n < 0 {
		return nil, lzError(int(n))
	}
	view, ok := mem.Read(in.dst, uint32(n))
	if !ok {
		return nil, errors.New("lz: output outside the module's memory")
	}
	return append([]byte(nil), view...), nil
}

// Close releases every instance and the compiled code (closing the runtime
// closes every module it instantiated).
func (c *Compressor) Close() error {
	return c.rt.Close(context.Background())
}

// lzError turns a negative lz_compress result into an error.
func lzError(rc int) error {
	switch rc {
	case -1:
		return errors.New("lz: no state in this instance (lz_init not called)")
	case -2:
		return errors.New("lz: input longer than LZ_MAX_INPUT")
	case -3:
		return errors.New("lz: output buffer smaller than lz_bound")
	}
	return fmt.Errorf("lz: error %d", rc)
}
