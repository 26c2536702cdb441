package main

import (
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

type job struct {
	req   int64
	reply chan result
}

// One pinned worker owns every device: a single thread, a context per
// device, all initialised once and shut down once.
var (
	jobs = make(chan job, 64)
	done = make(chan struct{})
)

// Setup starts the worker and waits until it has initialised every device.
func Setup() error {
	ready := make(chan error, 1)
	go serve(ready)
	return <-ready
}

func serve(ready chan<- error) {
	defer close(done)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	n := device.Count()
	for dev := 0; dev < n; dev++ {
		if err := device.Init(dev); err != nil {
			ready <- err
			return
		}
	}
	harness.Pinned("device worker")
	ready <- nil
	next := 0
	for j := range jobs {
		out, err := device.Compute(next, kernelTime, j.req)
		j.reply <- result{out, err}
		next = (next + 1) % n
	}
	for dev := 0; dev < n; dev++ {
		_ = device.Shutdown(dev)
	}
	harness.Unpinned()
}

// Handle queues the request and waits for its answer.
func Handle(req int64) (int64, error) {
	reply := make(chan result, 1)
	jobs <- job{req, reply}
	r := <-reply
	return r.out, r.err
}

// Teardown stops the worker and waits until it has shut every device down.
func Teardown() error {
	close(jobs)
	<-done
	return nil
}
