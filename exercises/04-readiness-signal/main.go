// Driver for exercise 04 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect). It starts one worker per device,
// each device taking its own, drawn, time to initialise. The moment NewWorker
// returns it asks the device library whether the worker's context exists yet,
// and how long NewWorker took beyond the device's init time; it submits a
// first job at once. It asks for a worker on a device that does not exist,
// then runs eight callers through the workers for the scenario's duration,
// checking every answer.
package main

import (
	"errors"
	"fmt"
	"time"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

const (
	callers    = 8
	kernelTime = 100 * time.Microsecond // how long one job keeps the device busy
	badTimeout = 2 * time.Second        // NewWorker(bad device) must answer within this
)

func main() {
	h := harness.Start("04-readiness-signal")
	before := device.Total() // report what this run adds

	ndev := device.Count()
	initTimes := spreadInitTimes(h, ndev)
	workers := make([]*Worker, ndev)
	early := 0
	late := 0.0 // the most a NewWorker took beyond its device's init time, ms
	for d := range workers {
		device.SetInitTime(initTimes[d])
		contexts := device.Read(d).Contexts
		t0 := time.Now()
		w, err := NewWorker(d)
		took := time.Since(t0)
		if err != nil {
			h.Fail("NewWorker(%d): %v", d, err)
		}
		if device.Read(d).Contexts == contexts {
			early++ // returned before a context for the device existed
		}
		late = max(late, ms(took-initTimes[d]))
		out, err := w.Submit(7)
		if err == nil && out != device.Expected(d, 7) {
			_ = h.WrongAnswer(fmt.Sprintf("first job on device %d: got %d, want %d", d, out, device.Expected(d, 7)))
		}
		workers[d] = w
	}
	h.Info("not_ready_at_return", float64(early))
	h.Info("return_after_ready_ms", late)
	h.Info("bad_device_unreported", badDevice(ndev))

	next := make([]int64, callers) // each caller touches only its own slot
	h.Load(harness.Steady(callers, time.Second), func(c int) error {
		next[c]++
		in := int64(c)<<32 | next[c]
		d := c % ndev
		out, err := workers[d].Submit(in)
		if err != nil {
			return err
		}
		if out != device.Expected(d, in) {
			return h.WrongAnswer("a job's result was not its device's answer")
		}
		return nil
	})
	for _, w := range workers {
		w.Close()
	}
	device.ReportSince(h, before)
	h.Done()
}

// spreadInitTimes draws how long each device takes to initialise: one short
// (2-6 ms), one long (60-80 ms), two in between, dealt to the devices in a
// drawn order. No fixed sleep suits them all: one shorter than the long init
// returns before that device is ready, one as long waits 50 ms or more
// after the short one was.
func spreadInitTimes(h *harness.Session, n int) []time.Duration {
	drawn := []float64{
		h.Between("init_short_ms", 2, 6),
		h.Between("init_long_ms", 60, 80),
		h.Between("init_mid_ms", 10, 40),
		h.Between("init_mid2_ms", 10, 40),
	}
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = time.Duration(drawn[i%len(drawn)] * float64(time.Millisecond))
	}
	for i := n - 1; i > 0; i-- { // Fisher-Yates, with the run's seed
		j := h.Intn(i + 1)
		out[i], out[j] = out[j], out[i]
	}
	return out
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// badDevice asks for a worker on a device that does not exist: 0 when
// NewWorker returns no worker and Init's error (device.ErrNoDevice) in time,
// 1 when it reports success, returns a worker, another error, or nothing
// within badTimeout.
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
