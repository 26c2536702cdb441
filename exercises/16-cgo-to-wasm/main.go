// Driver for exercise 16 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect).
//
// Eight callers compress small inputs (32 to 256 bytes of text-like data,
// different every run) through one Compressor of four workers for the
// scenario's duration. Every output must equal, byte for byte, what the C
// library gives for the same input through cgo; each caller also checks,
// after its next call, that its previous result has not changed since
// Compress returned it.
//
// Then a speed probe, one caller at a time, measures both sides in the same
// process, interleaved: the learner's Compress and the C library called
// directly on a locked thread (the fastest the native code can be), on
// inputs of 64 bytes and of 64 KiB that Compress has not seen before.
//
// Last, the held phase: the same eight callers in bursts of burstTime, each
// caller's first call of a burst one byte too long (a call that must fail),
// with two forced garbage collections in the pause after every burst. The
// live Go heap, measured in a pause, is read after heldWarm and after
// heldTime more; what it grew by in between, over what one instance of
// lz.wasm holds (measured here by instantiating a few), is the module
// instances the Compressor made and still holds once its callers had all
// they need. A caller still in Compress stuckAfter past the end of its burst
// ends the phase, and counts as a wrong output. wazero's runtime keeps
// every instance it made until the instance or the runtime is closed, so an
// instance dropped without Close (by a sync.Pool at a collection, on an
// error path, into a growing map) stays in the heap and shows here.
package main

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"pinlab/exercises/harness"
)

const (
	callers  = 8
	poolSize = 4

	loadInputs = 512 // distinct small inputs the load cycles through
	loadMin    = 32
	loadMax    = 256

	smallSize   = 64
	smallBatch  = 64 // calls per side per round
	largeBatch  = 2
	probeRounds = 9

	heldWarm   = 300 * time.Millisecond // callers get the instances they need
	heldTime   = time.Second            // then the live heap must stay put
	burstTime  = 20 * time.Millisecond  // of calls, then a pause with two collections
	stuckAfter = time.Second            // a call still running this long after its burst is stuck
	heapLimit  = 1 << 30                // heap that ends the run (an instance per call, never closed)
)

var (
	errWrong   = errors.New("output differs from the C library's")
	errChanged = errors.New("an earlier result changed after Compress returned it")
)

func main() {
	h := harness.Start("16-cgo-to-wasm")
	go heapWatch(h)
	rng := rand.New(rand.NewPCG(uint64(h.Intn(1<<62)), 16))
	load := inputs(rng, loadInputs, loadMin, loadMax)
	want := expected(h, load)

	c, err := New(poolSize)
	if err != nil {
		h.Fail("New(%d): %v", poolSize, err)
	}

	type last struct {
		out []byte
		i   int
	}
	next := make([]int, callers)  // each caller touches only its own slot
	prev := make([]last, callers) // the caller's previous result
	var wrong, changed atomic.Int64
	h.Load(harness.Steady(callers, time.Second), func(w int) error {
		i := (next[w]*callers + w) % len(load)
		next[w]++
		out, err := c.Compress(load[i])
		if p := prev[w]; p.out != nil && !bytes.Equal(p.out, want[p.i]) {
			changed.Add(1)
			prev[w] = last{}
			return errChanged
		}
		if err != nil {
			return err
		}
		if !bytes.Equal(out, want[i]) {
			wrong.Add(1)
			return errWrong
		}
		prev[w] = last{out, i}
		return nil
	})

	p := speedProbe(h, c, rng)
	h.Info("small_us", p.small*1e6)
	h.Info("native_small_us", p.nativeSmall*1e6)
	h.Info("small_vs_native", p.small/p.nativeSmall)
	h.Info("large_us", p.large*1e6)
	h.Info("native_large_us", p.nativeLarge*1e6)
	h.Info("large_vs_native", p.large/p.nativeLarge)
	hp := heldPhase(h, c, load, want)
	h.Info("instance_kib", hp.instance/1024)
	h.Info("heap_growth_kib", hp.growth/1024)
	h.Info("instances_gained", hp.growth/hp.instance)
	h.Info("held_bursts", float64(hp.bursts))
	h.Info("held_calls", float64(hp.calls))
	h.Info("held_failed_calls", float64(hp.failed))
	h.Info("held_stuck_calls", float64(hp.stuck))
	h.Info("wrong_outputs", float64(wrong.Load()+p.wrong+hp.wrong+hp.stuck))
	h.Info("changed_outputs", float64(changed.Load()))
	if err := c.Close(); err != nil {
		h.Fail("Close: %v", err)
	}
	h.Done()
}

type held struct {
	instance float64 // live heap one instance of lz.wasm holds, bytes
	growth   float64 // live heap gained after the warm-up, bytes
	bursts   int     // bursts after the warm-up
	calls    int64   // calls in them
	failed   int64   // of which too long (each must fail)
	wrong    int64   // outputs that differ, and too-long inputs that did not fail
	stuck    int64   // callers still in Compress stuckAfter past their burst
}

// heldPhase runs the callers in bursts of burstTime, each caller's first call
// of a burst one byte too long, with two forced collections in the pause
// after every burst, and measures the live heap in a pause after heldWarm
// and after heldTime more.
func heldPhase(h *harness.Session, c *Compressor, load, want [][]byte) held {
	h.Phase("held")
	hp := held{instance: instanceBytes(h)}
	tooLong := make([]byte, maxInput+1)
	copy(tooLong, load[0])
	var calls, failed, wrong, finished atomic.Int64
	k := 0
	// burst returns false if a caller is still in Compress stuckAfter past
	// the end of the burst (a failed call that never gave its instance back).
	burst := func() bool {
		end := time.Now().Add(burstTime)
		var wg sync.WaitGroup
		finished.Store(0)
		for w := 0; w < callers; w++ {
			wg.Add(1)
			go func(k int) {
				defer wg.Done()
				defer finished.Add(1)
				n := int64(1)
				if _, err := c.Compress(tooLong); err == nil {
					wrong.Add(1)
				}
				for ; time.Now().Before(end); k += callers {
					i := k % len(load)
					out, err := c.Compress(load[i])
					if err != nil || !bytes.Equal(out, want[i]) {
						wrong.Add(1)
					}
					n++
				}
				calls.Add(n)
				failed.Add(1)
			}(k + w)
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(burstTime + stuckAfter):
			hp.stuck = callers - finished.Load()
			return false
		}
		k += 7919
		runtime.GC() // a sync.Pool keeps what it holds as victims
		runtime.GC() // and drops them
		return true
	}
	ok := true
	for end := time.Now().Add(heldWarm); ok && time.Now().Before(end); {
		ok = burst()
	}
	before := liveHeap()
	calls.Store(0)
	failed.Store(0)
	for end := time.Now().Add(heldTime); ok && time.Now().Before(end); hp.bursts++ {
		ok = burst()
	}
	hp.growth = liveHeap() - before
	runtime.KeepAlive(load) // the scenario's data: live at both readings
	runtime.KeepAlive(want)
	runtime.KeepAlive(tooLong)
	hp.calls, hp.failed, hp.wrong = calls.Load(), failed.Load(), wrong.Load()
	return hp
}

// liveHeap is the bytes of live objects on the Go heap after collections
// that drop everything unreachable: a sync.Pool's contents go at the second,
// and what a finalizer closed at the third.
func liveHeap() float64 {
	for i := 0; i < 3; i++ {
		runtime.GC()
		time.Sleep(5 * time.Millisecond) // finalizers run
	}
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return float64(s[0].Value.Uint64())
}

// instanceBytes is the live heap one instance of lz.wasm, with its state
// set up, holds in wazero's runtime: its linear memory (4 pages of 64 KiB)
// and wazero's own records.
func instanceBytes(h *harness.Session) float64 {
	const n = 16
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	defer rt.Close(ctx)
	compiled, err := rt.CompileModule(ctx, lzWasm)
	if err != nil {
		h.Fail("compiling lz.wasm: %v", err)
	}
	mods := make([]api.Module, 0, n)
	before := liveHeap()
	for range n {
		mod, err := rt.InstantiateModule(ctx, compiled, wazero.NewModuleConfig().WithName(""))
		if err != nil {
			h.Fail("instantiating lz.wasm: %v", err)
		}
		if _, err := mod.ExportedFunction("lz_init").Call(ctx); err != nil {
			h.Fail("lz_init: %v", err)
		}
		mods = append(mods, mod)
	}
	per := (liveHeap() - before) / n
	runtime.KeepAlive(mods)
	return per
}

// heapWatch ends the run once the heap holds more than heapLimit: a
// Compressor that makes an instance per call and never closes it would
// otherwise take gigabytes in the one-second load.
func heapWatch(h *harness.Session) {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	for range time.Tick(20 * time.Millisecond) {
		metrics.Read(s)
		if s[0].Value.Uint64() > heapLimit {
			h.Fail("the Go heap passed %d MiB: module instances made and never closed?", heapLimit>>20)
		}
	}
}

// expected is the C library's output for every input.
func expected(h *harness.Session, ins [][]byte) [][]byte {
	ref, err := refOpen()
	if err != nil {
		h.Fail("%v", err)
	}
	defer ref.close()
	out := make([][]byte, len(ins))
	for i, in := range ins {
		out[i] = bytes.Clone(ref.compress(in))
	}
	return out
}

type probe struct {
	small, nativeSmall float64 // seconds per call, median of rounds
	large, nativeLarge float64
	wrong              int64
}

// speedProbe times the learner's Compress and the C library on the same
// inputs, in alternating rounds, one call at a time. Every input is new to
// Compress, and every output is checked after the clock stops.
func speedProbe(h *harness.Session, c *Compressor, rng *rand.Rand) probe {
	small := inputs(rng, smallBatch*probeRounds, smallSize, smallSize)
	large := inputs(rng, largeBatch*probeRounds, maxInput, maxInput)
	var p probe
	p.small, p.nativeSmall = timeSides(h, c, small, smallBatch, &p.wrong)
	p.large, p.nativeLarge = timeSides(h, c, large, largeBatch, &p.wrong)
	return p
}

// timeSides returns the median time per call of the learner's Compress and
// of the C library called directly, over rounds of batch inputs each; the
// side that goes first alternates. Outputs are checked after the clock stops.
func timeSides(h *harness.Session, c *Compressor, ins [][]byte, batch int, wrong *int64) (mine, native float64) {
	got := make([][]byte, batch)
	var ms, ns []float64
	for r := 0; r+batch <= len(ins); r += batch {
		round := ins[r : r+batch]
		timeNative := func() {
			ref, err := refOpen()
			if err != nil {
				h.Fail("%v", err)
			}
			t0 := time.Now()
			for _, in := range round {
				ref.compress(in)
			}
			ns = append(ns, time.Since(t0).Seconds()/float64(batch))
			ref.close()
		}
		if r/batch%2 == 0 {
			timeNative()
		}
		t0 := time.Now()
		for i, in := range round {
			got[i], _ = c.Compress(in)
		}
		ms = append(ms, time.Since(t0).Seconds()/float64(batch))
		if r/batch%2 == 1 {
			timeNative()
		}
		*wrong += int64(mismatches(h, round, got))
	}
	return median(ms), median(ns)
}

// mismatches counts the outputs that differ from the C library's.
func mismatches(h *harness.Session, ins, got [][]byte) int {
	ref, err := refOpen()
	if err != nil {
		h.Fail("%v", err)
	}
	defer ref.close()
	n := 0
	for i, in := range ins {
		if !bytes.Equal(got[i], ref.compress(in)) {
			n++
		}
	}
	return n
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// inputs makes n inputs of lo to hi bytes, mostly text-like (words from a
// vocabulary drawn for this run, punctuation, numbers), with stretches of
// random bytes and runs of one byte, so that every part of the format is used.
func inputs(rng *rand.Rand, n, lo, hi int) [][]byte {
	words := make([][]byte, 300)
	for i := range words {
		w := make([]byte, 2+rng.IntN(8))
		for j := range w {
			w[j] = byte('a' + rng.IntN(26))
		}
		words[i] = w
	}
	out := make([][]byte, n)
	for i := range out {
		size := lo + rng.IntN(hi-lo+1)
		b := make([]byte, 0, size+512)
		for len(b) < size {
			switch k := rng.IntN(100); {
			case k < 4: // random bytes
				for j := 8 + rng.IntN(56); j > 0; j-- {
					b = append(b, byte(rng.IntN(256)))
				}
			case k < 7: // a run of one byte
				c := byte(rng.IntN(256))
				for j := 4 + rng.IntN(300); j > 0; j-- {
					b = append(b, c)
				}
			case k < 12:
				b = append(b, []byte(". ")...)
			case k < 15:
				b = strconv.AppendInt(b, int64(rng.IntN(100000)), 10)
				b = append(b, ' ')
			default:
				b = append(b, words[rng.IntN(len(words))]...)
				b = append(b, ' ')
			}
		}
		out[i] = b[:size]
	}
	return out
}
