// Driver for exercise 10 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect). Bursty load: 2 callers all the
// time, 32 during the first 30% of every 300 ms. Every answer is checked
// against the device that gave it. pinlab counts the OS threads and, in a
// private PID namespace, every thread created while the load runs.
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
	baseCallers  = 2
	burstCallers = 32
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
	h := harness.Start("10-stable-threads")
	session = h
	if err := Start(); err != nil {
		h.Fail("Start: %v", err)
	}
	ndev := device.Count()
	next := make([]int64, burstCallers) // each caller touches only its own slot
	var wrong atomic.Int64
	profile := harness.Bursty(baseCallers, burstCallers, 300*time.Millisecond, 0.3, 1500*time.Millisecond)
	st := h.Load(profile, func(w int) error {
		next[w]++
		in := int64(w)<<32 | next[w]
		r, err := Work(in)
		if err != nil {
			return err
		}
		if r.Device < 0 || r.Device >= ndev || r.Value != device.Expected(r.Device, in) {
			wrong.Add(1)
			return errWrong
		}
		return nil
	})
	Stop()
	if n := wrong.Load(); n > 0 {
		h.Fail("%d of %d results were wrong", n, st.Calls)
	}
	tot := device.Total()
	h.Info("wrong_thread", float64(tot.WrongThread))
	h.Info("device_inits", float64(tot.Inits))
	h.Done()
}
