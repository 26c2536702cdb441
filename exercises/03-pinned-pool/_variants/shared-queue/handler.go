package main

import (
	"errors"
	"fmt"
	"runtime"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

// The driver (main.go, which you do not edit) defines kernelTime, how long
// one kernel keeps a device busy.

type result struct {
	out int64
	err error
}

type request struct {
	req   int64
	reply chan<- result
}

// requests is the one queue every worker serves: a free worker takes the
// next request, whichever device it owns.
var (
	requests chan request
	finished []chan error // one per worker: its Shutdown error
)

// Setup starts one pinned worker per device and returns once each has
// initialised its device, or with the Init errors.
func Setup() error {
	n := device.Count()
	requests = make(chan request, n)
	finished = make([]chan error, n)
	ready := make(chan error, n)
	for dev := 0; dev < n; dev++ {
		finished[dev] = make(chan error, 1)
		go worker(dev, ready, finished[dev])
	}
	var errs []error
	for i := 0; i < n; i++ {
		if err := <-ready; err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		_ = Teardown()
		return errors.Join(errs...)
	}
	return nil
}

func worker(dev int, ready chan<- error, finished chan<- error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := device.Init(dev); err != nil {
		ready <- fmt.Errorf("device %d: %w", dev, err)
		finished <- nil
		return
	}
	harness.Pinned(fmt.Sprintf("device %d worker", dev))
	ready <- nil
	for r := range requests {
		out, err := device.Compute(dev, kernelTime, r.req)
		r.reply <- result{out, err}
	}
	err := device.Shutdown(dev)
	harness.Unpinned()
	finished <- err
}

// Handle queues the request for the first free worker and waits.
func Handle(req int64) (int64, error) {
	reply := make(chan result, 1)
	requests <- request{req, reply}
	r := <-reply
	return r.out, r.err
}

// Teardown closes the queue and waits for every worker's Shutdown.
func Teardown() error {
	close(requests)
	var errs []error
	for _, f := range finished {
		if err := <-f; err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
