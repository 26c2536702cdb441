// Driver for exercise 05 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect). Four callers share one pinned
// device worker for the scenario's duration; every answer is checked. The
// kernels take no device time, so what is measured is the hand-off itself.
package main

import (
	"time"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

const (
	callers    = 4
	kernelTime = 50 * time.Microsecond // how long one job keeps the device busy
)

func main() {
	h := harness.Start("05-reply-allocation")
	before := device.Total() // report what this run adds
	w, err := NewWorker(0)
	if err != nil {
		h.Fail("NewWorker(0): %v", err)
	}

	next := make([]int64, callers) // each caller touches only its own slot
	st := h.Load(harness.Steady(callers, time.Second), func(c int) error {
		next[c]++
		in := int64(c)<<32 | next[c]
		out, err := w.Submit(in)
		if err != nil {
			return err
		}
		if out != device.Expected(0, in) {
			return h.WrongAnswer("a caller received another caller's answer, or none")
		}
		return nil
	})
	w.Close()

	after := device.Total()
	if answered := uint64(st.Calls - st.Errors); after.Calls-before.Calls < answered {
		h.Fail("%d results came back without a device call", answered-(after.Calls-before.Calls))
	}
	device.ReportSince(h, before)
	h.Done()
}
