package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// Compressor runs the lz library as WebAssembly: no cgo, no pinning, no
// threads held. One instance is enough: wazero calls are plain Go calls.
type Compressor struct {
	rt  wazero.Runtime
	mod api.Module
	src uint32
	dst uint32
	cap uint32
}

// New instantiates the module once (workers is no longer needed).
func New(workers int) (*Compressor, error) {
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	mod, err := rt.Instantiate(ctx, lzWasm)
	if err != nil {
		rt.Close(ctx)
		return nil, err
	}
	c := &Compressor{rt: rt, mod: mod}
	if _, err := c.call("lz_init"); err != nil {
		return nil, err
	}
	if c.src, err = c.call("lz_src"); err != nil {
		return nil, err
	}
	if c.dst, err = c.call("lz_dst"); err != nil {
		return nil, err
	}
	if c.cap, err = c.call("lz_bound", maxInput); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Compressor) call(name string, args ...uint64) (uint32, error) {
	res, err := c.mod.ExportedFunction(name).Call(context.Background(), args...)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	}
	if len(res) == 0 {
		return 0, nil
	}
	return uint32(res[0]), nil
}

// Compress returns the library's output for src.
func (c *Compressor) Compress(src []byte) ([]byte, error) {
	if len(src) > maxInput {
		return nil, errors.New("lz: input longer than LZ_MAX_INPUT")
	}
	mem := c.mod.Memory()
	mem.Write(c.src, src)
	n, err := c.call("lz_compress", uint64(c.src), uint64(len(src)), uint64(c.dst), uint64(c.cap))
	if err != nil {
		return nil, err
	}
	if int32(n) < 0 {
		return nil, fmt.Errorf("lz: error %d", int32(n))
	}
	view, _ := mem.Read(c.dst, n)
	return append([]byte(nil), view...), nil
}

// Close releases the instance.
func (c *Compressor) Close() error {
	return c.rt.Close(context.Background())
}
