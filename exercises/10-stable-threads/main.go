// Driver for exercise 10 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect). Bursty load: 2 callers all the
// time, 32 during the first 30% of every 300 ms. Every answer is checked
// against the device that gave it. pinlab counts the OS threads and, in a
// private PID namespace, every thread created while the load runs. The
// driver samples how many devices compute at once, counts the contexts
// created and the threads that hold them, and after Stop the contexts still
// open.
package main

import (
	"fmt"
	"time"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

const (
	baseCallers  = 2
	burstCallers = 32
	// Shutdown costs a tenth of an Init: 30 ms from Stop on, so that a Stop
	// returning before its workers have shut their devices down is seen.
	stopInitTime = 300 * time.Millisecond
)

func main() {
	// The sampler's thread exists before the idle baseline, like the
	// runtime's own threads.
	samplerErr := newBusySampler()
	h := harness.Start("10-stable-threads")
	if samplerErr != nil {
		h.Fail("device sampler: %v", samplerErr)
	}
	before := device.Total()
	if err := Start(); err != nil {
		h.Fail("Start: %v", err)
	}
	ndev := device.Count()
	next := make([]int64, burstCallers) // each caller touches only its own slot
	startBusySampling()
	profile := harness.Bursty(baseCallers, burstCallers, 300*time.Millisecond, 0.3, 1500*time.Millisecond)
	h.Load(profile, func(w int) error {
		next[w]++
		in := int64(w)<<32 | next[w]
		r, err := Work(in)
		if err != nil {
			return err
		}
		if r.Device < 0 || r.Device >= ndev || r.Value != device.Expected(r.Device, in) {
			return h.WrongAnswer(fmt.Sprintf("Work(%d) gave device %d, value %d", in, r.Device, r.Value))
		}
		return nil
	})
	h.Info("peak_busy_devices", float64(stopBusySampling()))
	h.Info("context_threads", float64(contextThreads()))

	device.SetInitTime(stopInitTime)
	Stop()
	device.ReportSince(h, before)
	waitContexts(before.Contexts, 2*stopInitTime/10)
	h.Done()
}

// waitContexts gives workers that outlive Stop up to wait to close their
// contexts, so that they end before the run does.
func waitContexts(want uint64, wait time.Duration) {
	deadline := time.Now().Add(wait)
	for device.Total().Contexts > want && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(5 * time.Millisecond)
}
