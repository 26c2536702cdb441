// Driver for exercise 04 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect). It starts one worker per device and,
// the moment NewWorker returns, asks the device whether the worker's context
// exists yet and submits a first job. It asks for a worker on a device that
// does not exist, then runs eight callers through the workers for the
// scenario's duration, checking every answer.
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
	callers    = 8
	kernelTime = 100 * time.Microsecond // how long one job keeps the device busy
	badTimeout = 2 * time.Second        // NewWorker(bad device) must answer within this
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
	h := harness.Start("04-readiness-signal")
	session = h
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
			h.Fail("first job on device %d: got %d, want %d", d, out, device.Expected(d, 7))
		}
		workers[d] = w
	}
	h.Info("not_ready_at_return", float64(early))
	h.Info("bad_device_unreported", badDevice(ndev))

	next := make([]int64, callers) // each caller touches only its own slot
	var wrong atomic.Int64
	st := h.Load(harness.Steady(callers, time.Second), func(c int) error {
		next[c]++
		in := int64(c)<<32 | next[c]
		d := c % ndev
		out, err := workers[d].Submit(in)
		if err != nil {
			return err
		}
		if out != device.Expected(d, in) {
			wrong.Add(1)
			return errWrong
		}
		return nil
	})
	for _, w := range workers {
		w.Close()
	}

	after := device.Total()
	if n := wrong.Load(); n > 0 {
		h.Fail("%d of %d results were wrong", n, st.Calls)
	}
	h.Info("wrong_thread", float64(after.WrongThread-before.WrongThread))
	h.Info("contexts_left", float64(after.Contexts)-float64(before.Contexts))
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
