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
	dev  int
	jobs chan job
	done chan error
}

type job struct {
	work  time.Duration
	input int64
	reply chan result
}

type result struct {
	out int64
	err error
}

// Open starts the worker and gives it time to initialise the device: Init
// takes at most 60 ms here, so 100 ms is safe. Then it looks whether the
// worker has reported an Init error.
func Open(dev int) (*Accelerator, error) {
	a := &Accelerator{dev: dev, jobs: make(chan job), done: make(chan error, 1)}
	failed := make(chan error, 1)
	go a.loop(failed)
	time.Sleep(100 * time.Millisecond)
	select {
	case err := <-failed:
		return nil, err
	default:
		return a, nil
	}
}

func (a *Accelerator) loop(failed chan<- error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := device.Init(a.dev); err != nil {
		failed <- err
		return
	}
	harness.Pinned(fmt.Sprintf("device %d worker", a.dev))
	for j := range a.jobs {
		out, err := device.Compute(a.dev, j.work, j.input)
		j.reply <- result{out, err}
	}
	err := device.Shutdown(a.dev)
	harness.Unpinned()
	a.done <- err
}

// Run hands one kernel to the worker and waits for its result.
func (a *Accelerator) Run(work time.Duration, input int64) (int64, error) {
	reply := make(chan result, 1)
	a.jobs <- job{work, input, reply}
	r := <-reply
	return r.out, r.err
}

// Close stops the worker and waits until it has shut the device down.
func (a *Accelerator) Close() error {
	close(a.jobs)
	return <-a.done
}
