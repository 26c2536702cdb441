// Driver for exercise 05 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect). Two pinned device workers share
// whatever Submit reuses between calls: 24 callers keep worker 0's 16-job
// queue full, 4 callers use worker 1, for the scenario's duration. Each job
// keeps its device busy for kernelTime. Every answer is checked, so a reply
// channel that reaches a second caller before the first has its answer
// shows up as a wrong result.
package main

import (
	"time"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

const (
	busyCallers  = 24 // on worker 0: more than its job queue holds
	quietCallers = 4  // on worker 1, whose answers come back sooner
	kernelTime   = 50 * time.Microsecond
)

func main() {
	h := harness.Start("05-reply-allocation")
	before := device.Total() // report what this run adds
	var workers [2]*Worker
	for d := range workers {
		w, err := NewWorker(d)
		if err != nil {
			h.Fail("NewWorker(%d): %v", d, err)
		}
		workers[d] = w
	}

	next := make([]int64, busyCallers+quietCallers) // each caller touches only its own slot
	st := h.Load(harness.Steady(busyCallers+quietCallers, time.Second), func(c int) error {
		d := 0
		if c >= busyCallers {
			d = 1
		}
		next[c]++
		in := int64(c)<<32 | next[c]
		out, err := workers[d].Submit(in)
		if err != nil {
			return err
		}
		if out != device.Expected(d, in) {
			return h.WrongAnswer("a caller received another caller's answer")
		}
		return nil
	})
	for _, w := range workers {
		w.Close()
	}

	after := device.Total()
	if answered := uint64(st.Calls - st.Errors); after.Calls-before.Calls < answered {
		h.Fail("%d results came back without a device call", answered-(after.Calls-before.Calls))
	}
	device.ReportSince(h, before)
	h.Done()
}
