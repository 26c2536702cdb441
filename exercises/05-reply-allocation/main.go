// Driver for exercise 05 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect). Four callers share one pinned
// device worker for the scenario's duration; every answer is checked. The
// kernels take no device time, so what is measured is the hand-off itself.
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
	callers    = 4
	kernelTime = 50 * time.Microsecond // how long one job keeps the device busy
)

var errWrong = errors.New("wrong result")

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
	h := harness.Start("05-reply-allocation")
	session = h
	before := device.Total() // report what this run adds
	w, err := NewWorker(0)
	if err != nil {
		h.Fail("NewWorker(0): %v", err)
	}

	next := make([]int64, callers) // each caller touches only its own slot
	var wrong atomic.Int64
	st := h.Load(harness.Steady(callers, time.Second), func(c int) error {
		next[c]++
		in := int64(c)<<32 | next[c]
		out, err := w.Submit(in)
		if err != nil {
			return err
		}
		if out != device.Expected(0, in) {
			wrong.Add(1)
			return errWrong
		}
		return nil
	})
	w.Close()

	after := device.Total()
	if n := wrong.Load(); n > 0 {
		h.Fail("%d of %d results were wrong", n, st.Calls)
	}
	if answered := uint64(st.Calls - st.Errors); after.Calls-before.Calls < answered {
		h.Fail("%d results came back without a device call", answered-(after.Calls-before.Calls))
	}
	h.Info("wrong_thread", float64(after.WrongThread-before.WrongThread))
	h.Done()
}
