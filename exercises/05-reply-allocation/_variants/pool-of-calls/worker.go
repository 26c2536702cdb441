package main

import (
	"fmt"
	"runtime"
	"sync"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

// The driver (main.go, which you do not edit) defines kernelTime, how long
// one kernel keeps a device busy. harness.Pinned and harness.Unpinned mark a
// long-lived pinned thread on pinlab's CPU map.

// Worker owns one device from a goroutine locked to its OS thread. Many
// goroutines call Submit at once.
type Worker struct {
	dev  int
	jobs chan *call
	done chan struct{}
}

type result struct {
	out int64
	err error
}

// call is one job and, once the worker has run it, its result. Calls are
// reused through a sync.Pool; done says the worker has filled in res.
type call struct {
	input int64
	res   result
	done  chan struct{}
}

var calls = sync.Pool{New: func() any { return &call{done: make(chan struct{}, 1)} }}

// NewWorker starts a worker for device dev and returns once the device is
// initialised on the worker's thread (or with Init's error).
func NewWorker(dev int) (*Worker, error) {
	w := &Worker{dev: dev, jobs: make(chan *call, 16), done: make(chan struct{})}
	ready := make(chan error, 1)
	go w.loop(ready)
	if err := <-ready; err != nil {
		return nil, fmt.Errorf("worker for device %d: %w", dev, err)
	}
	return w, nil
}

func (w *Worker) loop(ready chan<- error) {
	defer close(w.done)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := device.Init(w.dev); err != nil {
		ready <- err
		return
	}
	harness.Pinned(fmt.Sprintf("device %d worker", w.dev))
	ready <- nil
	for c := range w.jobs {
		out, err := device.Compute(w.dev, kernelTime, c.input)
		c.res = result{out, err}
		c.done <- struct{}{}
	}
	_ = device.Shutdown(w.dev)
	harness.Unpinned()
}

// Submit runs one job on the device and returns its result. The call record
// goes back to the pool only after done has been received: the worker has
// finished writing it, and the send on done orders those writes before the
// reads here.
func (w *Worker) Submit(input int64) (int64, error) {
	c := calls.Get().(*call)
	c.input = input
	w.jobs <- c
	<-c.done
	r := c.res
	c.res = result{}
	calls.Put(c)
	return r.out, r.err
}

// Close stops the worker and waits until it has shut the device down.
func (w *Worker) Close() {
	close(w.jobs)
	<-w.done
}
