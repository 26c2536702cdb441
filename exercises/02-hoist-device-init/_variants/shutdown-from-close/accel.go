package main

import (
	"fmt"
	"runtime"
	"time"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

// Accelerator runs kernels on one simulated device. The device is
// thread-affine: its context lives on the OS thread that called device.Init.
// So one goroutine, locked to one thread for its whole life, owns the
// context; Run hands it jobs over a channel.
type Accelerator struct {
	dev  int
	jobs chan job
	done chan error // the worker's last word: Shutdown's error
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

// Open starts the device's worker and returns once the worker has
// initialised the device on its own thread, or with the error that Init gave.
func Open(dev int) (*Accelerator, error) {
	a := &Accelerator{dev: dev, jobs: make(chan job), done: make(chan error, 1)}
	ready := make(chan error, 1)
	go a.loop(ready)
	if err := <-ready; err != nil {
		return nil, err
	}
	return a, nil
}

// loop is the worker: it pins itself, initialises the device once, serves
// jobs until Close, and shuts the device down on the same thread.
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
		j.reply <- result{out, err}
	}
	harness.Unpinned()
	a.done <- nil
}

// Run hands one kernel to the worker and waits for its result.
func (a *Accelerator) Run(work time.Duration, input int64) (int64, error) {
	reply := make(chan result, 1)
	a.jobs <- job{work, input, reply}
	r := <-reply
	return r.out, r.err
}

// Close stops the worker, waits for it to finish, and shuts the device down.
func (a *Accelerator) Close() error {
	close(a.jobs)
	<-a.done
	return device.Shutdown(a.dev)
}
