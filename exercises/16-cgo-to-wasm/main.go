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
package main

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"sort"
	"strconv"
	"sync/atomic"
	"time"

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
)

var (
	errWrong   = errors.New("output differs from the C library's")
	errChanged = errors.New("an earlier result changed after Compress returned it")
)

func main() {
	h := harness.Start("16-cgo-to-wasm")
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
	h.Info("wrong_outputs", float64(wrong.Load()+p.wrong))
	h.Info("changed_outputs", float64(changed.Load()))
	if err := c.Close(); err != nil {
		h.Fail("Close: %v", err)
	}
	h.Done()
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
