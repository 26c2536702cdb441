// Driver for exercise 03 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect). 48 callers send requests through
// Handle for the scenario's duration, as a busy server's handlers would; every
// answer is checked.
package main

import (
	"runtime"
	"sync/atomic"
	"time"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

const (
	callers    = 48
	kernelTime = time.Millisecond // how long one request keeps a device busy
)

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
	h := harness.Start("03-pinned-pool")
	session = h
	before := device.Total() // report what this run adds
	if err := Setup(); err != nil {
		h.Fail("Setup: %v", err)
	}

	next := make([]int64, callers) // each caller touches only its own slot
	ndev := int64(device.Count())
	var wrong atomic.Int64
	st := h.Load(harness.Steady(callers, time.Second), func(w int) error {
		next[w]++
		req := int64(w)<<32 | next[w]
		out, err := Handle(req)
		if err != nil {
			return err
		}
		// the answer is Expected(dev, req) for the device that ran it
		if dev := out - 2*req; dev < 0 || dev >= ndev {
			wrong.Add(1)
		}
		return nil
	})
	if err := Teardown(); err != nil {
		h.Fail("Teardown: %v", err)
	}

	after := device.Total()
	if n := wrong.Load(); n > 0 {
		h.Fail("%d of %d answers were wrong", n, st.Calls)
	}
	if answered := uint64(st.Calls - st.Errors); after.Calls-before.Calls < answered {
		h.Fail("%d answers came back without a device call", answered-(after.Calls-before.Calls))
	}
	h.Info("device_inits", float64(after.Inits-before.Inits))
	h.Info("wrong_thread", float64(after.WrongThread-before.WrongThread))
	h.Info("contexts_left", float64(after.Contexts)-float64(before.Contexts))
	h.Done()
}
