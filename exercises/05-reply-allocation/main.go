// Driver for exercise 05 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect). Two pinned device workers share
// whatever Submit reuses between calls. 28 callers each send one call in 7
// to worker 1 and the rest to worker 0, for the scenario's duration: worker
// 0's 16-job queue stays full, worker 1 answers sooner. Each job keeps its
// device busy for kernelTime. Every answer is checked, so a reply channel
// that reaches a second caller before the first has its answer shows up as
// a wrong result. Before the load, the driver asks the device library, the
// moment each NewWorker returns, whether the worker's context exists yet;
// after Close, it asks for a worker on a device that does not exist.
package main

import (
	"errors"
	"time"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

const (
	callers    = 28
	toQuiet    = 7 // one call in 7 goes to worker 1, the rest to worker 0
	kernelTime = 50 * time.Microsecond
	badTimeout = 2 * time.Second // NewWorker(bad device) must answer within this
)

func main() {
	h := harness.Start("05-reply-allocation")
	before := device.Total() // report what this run adds
	var workers [2]*Worker
	notReady := 0
	for d := range workers {
		contexts := device.Read(d).Contexts
		w, err := NewWorker(d)
		if err != nil {
			h.Fail("NewWorker(%d): %v", d, err)
		}
		if device.Read(d).Contexts == contexts {
			notReady++ // returned before the worker's context existed
		}
		workers[d] = w
	}
	h.Info("not_ready_at_return", float64(notReady))

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
	h.Info("bad_device_unreported", badDevice(device.Count()))
	h.Done()
}

// badDevice asks for a worker on a device that does not exist (after the
// device counters are reported: nothing it leaves counts): 0 when NewWorker
// returns no worker and Init's error (device.ErrNoDevice) in time, 1 when it
// returns a worker, another error, or nothing within badTimeout.
func badDevice(dev int) float64 {
	type answer struct {
		w   *Worker
		err error
	}
	got := make(chan answer, 1)
	go func() {
		w, err := NewWorker(dev)
		got <- answer{w, err}
	}()
	select {
	case a := <-got:
		if a.w == nil && errors.Is(a.err, device.ErrNoDevice) {
			return 0
		}
	case <-time.After(badTimeout):
	}
	return 1
}
