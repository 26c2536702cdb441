// Driver for exercise 02 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect). It opens devices 0 and 1, lets four
// callers run short kernels on them for the scenario's duration, checks every
// answer against the device, closes both and reports the device's counters.
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
	devices = 2
	callers = 4
	kernel  = 200 * time.Microsecond
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
	h := harness.Start("02-hoist-device-init")
	session = h
	before := device.Total() // report what this run adds
	accels := make([]*Accelerator, devices)
	for d := range accels {
		a, err := Open(d)
		if err != nil {
			h.Fail("Open(%d): %v", d, err)
		}
		accels[d] = a
	}

	next := make([]int64, callers) // each caller touches only its own slot
	var wrong atomic.Int64
	st := h.Load(harness.Steady(callers, time.Second), func(w int) error {
		next[w]++
		in := int64(w)<<32 | next[w]
		d := w % devices
		out, err := accels[d].Run(kernel, in)
		if err != nil {
			return err
		}
		if out != device.Expected(d, in) {
			wrong.Add(1)
			return errWrong
		}
		return nil
	})
	for _, a := range accels {
		_ = a.Close() // a failed Shutdown shows in the counters below
	}

	after := device.Total()
	calls := after.Calls - before.Calls
	if n := wrong.Load(); n > 0 {
		h.Fail("%d of %d results were wrong", n, st.Calls)
	}
	if answered := uint64(st.Calls - st.Errors); calls < answered {
		h.Fail("%d results came back without a device call", answered-calls)
	}
	h.Info("device_inits", float64(after.Inits-before.Inits))
	h.Info("wrong_thread", float64(after.WrongThread-before.WrongThread))
	h.Info("contexts_left", float64(after.Contexts)-float64(before.Contexts))
	h.Done()
}
