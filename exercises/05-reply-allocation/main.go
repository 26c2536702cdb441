// Driver for exercise 05 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect). Two pinned device workers share
// whatever Submit reuses between calls. 28 callers each send one call in 7
// to worker 1 and the rest to worker 0, for the scenario's duration: worker
// 0's 16-job queue stays full, worker 1 answers sooner. Each job keeps its
// device busy for kernelTime. Every answer is checked, so a reply channel
// that reaches a second caller before the first has its answer shows up as
// a wrong result.
package main

import (
	"time"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

const (
	callers    = 28
	toQuiet    = 7 // one call in 7 goes to worker 1, the rest to worker 0
	kernelTime = 50 * time.Microsecond
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

	next := make([]int64, callers) // each caller touches only its own slot
	st := h.Load(harness.Steady(callers, time.Second), func(c int) error {
		next[c]++
		d := 0
		if (next[c]+int64(c))%toQuiet == 0 {
			d = 1
		}
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
