// Driver for exercise 04 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect). It starts one worker per device and,
// the moment NewWorker returns, asks the device whether the worker's context
// exists yet and submits a first job. It asks for a worker on a device that
// does not exist, then runs eight callers through the workers for the
// scenario's duration, checking every answer.
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
	workers := make([]*Worker, ndev)
	early := 0
	for d := range workers {
		inits := device.Read(d).Inits
		w, err := NewWorker(d)
		if err != nil {
			h.Fail("NewWorker(%d): %v", d, err)
		}
		if device.Read(d).Inits == inits {
			early++ // returned before the worker's device.Init finished
		}
		out, err := w.Submit(7)
		if err == nil && out != device.Expected(d, 7) {
			_ = h.WrongAnswer(fmt.Sprintf("first job on device %d: got %d, want %d", d, out, device.Expected(d, 7)))
		}
		workers[d] = w
	}
	h.Info("not_ready_at_return", float64(early))
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

// badDevice asks for a worker on a device that does not exist: 0 when
// NewWorker returns Init's error (device.ErrNoDevice) in time, 1 when it
// reports success, another error, or nothing within badTimeout.
func badDevice(dev int) float64 {
	errc := make(chan error, 1)
	go func() {
		_, err := NewWorker(dev)
		errc <- err
	}()
	select {
	case err := <-errc:
		if errors.Is(err, device.ErrNoDevice) {
			return 0
		}
	case <-time.After(badTimeout):
	}
	return 1
}
