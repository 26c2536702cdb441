// Benchmarks behind the README's cost model (pristine, not part of any
// target): each side implemented here, independent of compress.go.
//
//	cd exercises && go test -run '^$' -bench . -benchtime 0.2s -count 5 ./16-cgo-to-wasm
package main

import (
	"bytes"
	"context"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// benchInstance is one module instance, called the cheapest way wazero
// offers (CallWithStack, no allocation).
type benchInstance struct {
	mod      api.Module
	compress api.Function
	stack    []uint64
	src, dst uint64
	capacity uint64
}

func newBenchInstance(b *testing.B, rt wazero.Runtime, compiled wazero.CompiledModule) *benchInstance {
	ctx := context.Background()
	mod, err := rt.InstantiateModule(ctx, compiled, wazero.NewModuleConfig().WithName(""))
	if err != nil {
		b.Fatal(err)
	}
	in := &benchInstance{mod: mod, compress: mod.ExportedFunction("lz_compress"), stack: make([]uint64, 4)}
	get := func(name string, args ...uint64) uint64 {
		res, err := mod.ExportedFunction(name).Call(ctx, args...)
		if err != nil {
			b.Fatal(err)
		}
		if len(res) == 0 {
			return 0
		}
		return res[0]
	}
	get("lz_init")
	in.src, in.dst, in.capacity = get("lz_src"), get("lz_dst"), get("lz_bound", maxInput)
	return in
}

func (in *benchInstance) run(src []byte) []byte {
	mem := in.mod.Memory()
	mem.Write(uint32(in.src), src)
	in.stack[0], in.stack[1], in.stack[2], in.stack[3] = in.src, uint64(len(src)), in.dst, in.capacity
	if err := in.compress.CallWithStack(context.Background(), in.stack); err != nil {
		panic(err)
	}
	out, _ := mem.Read(uint32(in.dst), uint32(in.stack[0]))
	return bytes.Clone(out)
}

func compiledModule(b *testing.B) (wazero.Runtime, wazero.CompiledModule) {
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	b.Cleanup(func() { rt.Close(ctx) })
	compiled, err := rt.CompileModule(ctx, lzWasm)
	if err != nil {
		b.Fatal(err)
	}
	return rt, compiled
}

// The bare crossing: a call that does no work, into C through cgo and into
// the module through wazero.
func BenchmarkCrossing(b *testing.B) {
	b.Run("cgo", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			refBound(64)
		}
	})
	b.Run("wazero", func(b *testing.B) {
		rt, compiled := compiledModule(b)
		in := newBenchInstance(b, rt, compiled)
		fn := in.mod.ExportedFunction("lz_bound")
		stack := make([]uint64, 1)
		ctx := context.Background()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			stack[0] = 64
			if err := fn.CallWithStack(ctx, stack); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// One call from one caller, per input size: the C library on the caller's
// own locked thread (the floor), through a pinned worker (the starter's
// path: a channel round trip to a locked goroutine), and in a wazero
// instance on the caller's goroutine.
func BenchmarkCompress(b *testing.B) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, size := range []struct {
		name string
		n    int
	}{{"64B", 64}, {"64KiB", maxInput}} {
		ins := inputs(rng, 16, size.n, size.n)
		b.Run("native/"+size.name, func(b *testing.B) {
			ref, err := refOpen()
			if err != nil {
				b.Fatal(err)
			}
			defer ref.close()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				ref.compress(ins[i%len(ins)])
			}
		})
		b.Run("pinned/"+size.name, func(b *testing.B) {
			type job struct {
				src   []byte
				reply chan []byte
			}
			jobs := make(chan job)
			go func() {
				ref, err := refOpen() // locks this goroutine to its thread
				if err != nil {
					panic(err)
				}
				defer ref.close()
				for j := range jobs {
					j.reply <- bytes.Clone(ref.compress(j.src))
				}
			}()
			defer close(jobs)
			reply := make(chan []byte, 1)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				jobs <- job{ins[i%len(ins)], reply}
				<-reply
			}
		})
		b.Run("wazero/"+size.name, func(b *testing.B) {
			rt, compiled := compiledModule(b)
			in := newBenchInstance(b, rt, compiled)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				in.run(ins[i%len(ins)])
			}
		})
	}
}

// What a module costs before its first call: compiling it (a fresh runtime
// each time: a runtime keeps what it compiled) and instantiating it.
func BenchmarkSetup(b *testing.B) {
	ctx := context.Background()
	b.Run("compile", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			rt := wazero.NewRuntime(ctx)
			if _, err := rt.CompileModule(ctx, lzWasm); err != nil {
				b.Fatal(err)
			}
			rt.Close(ctx)
		}
	})
	b.Run("instantiate", func(b *testing.B) {
		rt, compiled := compiledModule(b)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			in := newBenchInstance(b, rt, compiled)
			in.mod.Close(ctx)
		}
	})
}

// Callers in parallel (run with -cpu 1,2), 64 KiB each: one instance behind
// a mutex, against one instance per caller from a free list. Only the second
// gets faster per call with a second CPU.
func BenchmarkParallel(b *testing.B) {
	rng := rand.New(rand.NewPCG(11, 12))
	ins := inputs(rng, 16, maxInput, maxInput)
	b.Run("mutex", func(b *testing.B) {
		rt, compiled := compiledModule(b)
		in := newBenchInstance(b, rt, compiled)
		var mu sync.Mutex
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for i := 0; pb.Next(); i++ {
				mu.Lock()
				in.run(ins[i%len(ins)])
				mu.Unlock()
			}
		})
	})
	b.Run("instances", func(b *testing.B) {
		rt, compiled := compiledModule(b)
		free := make(chan *benchInstance, 8)
		for i := 0; i < cap(free); i++ {
			free <- newBenchInstance(b, rt, compiled)
		}
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for i := 0; pb.Next(); i++ {
				in := <-free
				in.run(ins[i%len(ins)])
				free <- in
			}
		})
	})
}
