// Driver for exercise 09 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect). Four callers push batches through
// the pipeline for the scenario's duration. The answers for the 16 batches
// in rotation are worked out before the load, with the stages and the
// device's formula, and every result is checked against them. Device
// counters come from the device library.
package main

import (
	"errors"
	"runtime"
	"sync/atomic"
	"time"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

const (
	callers   = 4
	batches   = 16
	batchSize = 64
)

var errWrong = errors.New("wrong pipeline result")

// session lets learner code mark its pinned threads on pinlab's CPU map.
var session *harness.Session

// pinned reports that the calling goroutine is locked to its OS thread for
// good, doing role. Call it after runtime.LockOSThread in a long-lived worker.
func pinned(role string) {
	if session != nil {
		session.Locked(role)
	}
}

// unpinned reports that the calling goroutine is about to let its thread go.
func unpinned() {
	if session != nil {
		session.Unlocked()
	}
}

func main() {
	runtime.GOMAXPROCS(2)
	h := harness.Start("09-pin-the-device-step")
	session = h

	input := make([][]int64, batches)
	want := make([]int64, batches)
	for b := range input {
		input[b] = make([]int64, batchSize)
		for i := range input[b] {
			input[b][i] = int64(b*1000 + i)
		}
		want[b] = postprocess(device.Expected(0, analyse(input[b])), input[b])
	}

	p, err := NewPipeline()
	if err != nil {
		h.Fail("NewPipeline: %v", err)
	}
	next := make([]int, callers) // each caller touches only its own slot
	var wrong atomic.Int64
	st := h.Load(harness.Steady(callers, time.Second), func(w int) error {
		b := (next[w] + w*5) % batches
		next[w]++
		got, err := p.Process(input[b])
		if err != nil {
			return err
		}
		if got != want[b] {
			wrong.Add(1)
			return errWrong
		}
		return nil
	})
	p.Close()
	if n := wrong.Load(); n > 0 {
		h.Fail("%d of %d results were wrong", n, st.Calls)
	}
	tot := device.Total()
	if answered := uint64(st.Calls - st.Errors); tot.Calls < answered {
		h.Fail("%d results came back without a device call", answered-tot.Calls)
	}
	h.Info("wrong_thread", float64(tot.WrongThread))
	h.Info("device_inits", float64(tot.Inits))
	h.Done()
}
