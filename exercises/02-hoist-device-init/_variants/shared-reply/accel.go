package main

import (
	"fmt"
	"runtime"
	"time"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

// Accelerator runs kernels on one simulated device, from one goroutine locked
// to the thread that owns the context.
type Accelerator struct {
	dev     int
	jobs    chan job
	replies chan result // made once: no allocation per call
	done    chan error
}

type job struct {
	work  time.Duration
	input int64
}

type result struct {
	out int64
	err error
}

// Open starts the device's worker and waits until it has initialised the
// device, or returns Init's error.
func Open(dev int) (*Accelerator, error) {
	a := &Accelerator{dev: dev, jobs: make(chan job), replies: make(chan result, 1), done: make(chan error, 1)}
	ready := make(chan error, 1)
	go a.loop(ready)
	if err := <-ready; err != nil {
		return nil, err
	}
	return a, nil
}

func (a *Accelerator) loop(ready chan<- error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := device.Init(a.dev); err != nil {
		ready <- err
		return
	}
	harness.Pinned(fmt.Sprintf("device %d worker", a.dev))
	ready <- nil
	for j := range a.jobs {
		out, err := device.Compute(a.dev, j.work, j.input)
		a.replies <- result{out, err}
	}
	err := device.Shutdown(a.dev)
	harness.Unpinned()
	a.done <- err
}

// Run hands one kernel to the worker and waits for the reply.
func (a *Accelerator) Run(work time.Duration, input int64) (int64, error) {
	a.jobs <- job{work, input}
	r := <-a.replies
	return r.out, r.err
}

// Close stops the worker and waits until it has shut the device down.
func (a *Accelerator) Close() error {
	close(a.jobs)
	return <-a.done
}
