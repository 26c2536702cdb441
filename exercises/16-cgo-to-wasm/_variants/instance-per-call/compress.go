package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/tetratelabs/wazero"
)

// Compressor runs the lz library as WebAssembly. The module is compiled
// once; every call gets an instance of its own, so no two calls ever share
// one and nothing needs a lock or a pool.
type Compressor struct {
	rt       wazero.Runtime
	compiled wazero.CompiledModule
}

// New compiles the module.
func New(workers int) (*Compressor, error) {
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	compiled, err := rt.CompileModule(ctx, lzWasm)
	if err != nil {
		rt.Close(ctx)
		return nil, err
	}
	return &Compressor{rt: rt, compiled: compiled}, nil
}

// Compress instantiates the module, compresses src in it and closes it.
func (c *Compressor) Compress(src []byte) ([]byte, error) {
	if len(src) > maxInput {
		return nil, errors.New("lz: input longer than LZ_MAX_INPUT")
	}
	ctx := context.Background()
	mod, err := c.rt.InstantiateModule(ctx, c.compiled, wazero.NewModuleConfig().WithName(""))
	if err != nil {
		return nil, err
	}
	defer mod.Close(ctx)
	call := func(name string, args ...uint64) (uint32, error) {
		res, err := mod.ExportedFunction(name).Call(ctx, args...)
		if err != nil || len(res) == 0 {
			return 0, err
		}
		return uint32(res[0]), nil
	}
	if _, err := call("lz_init"); err != nil {
		return nil, err
	}
	in, _ := call("lz_src")
	out, _ := call("lz_dst")
	capacity, _ := call("lz_bound", maxInput)
	mem := mod.Memory()
	mem.Write(in, src)
	n, err := call("lz_compress", uint64(in), uint64(len(src)), uint64(out), uint64(capacity))
	if err != nil {
		return nil, err
	}
	if int32(n) < 0 {
		return nil, fmt.Errorf("lz: error %d", int32(n))
	}
	view, _ := mem.Read(out, n)
	return append([]byte(nil), view...), nil
}

// Close releases the compiled code.
func (c *Compressor) Close() error {
	return c.rt.Close(context.Background())
}
