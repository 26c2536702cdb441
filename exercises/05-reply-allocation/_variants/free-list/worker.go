package main

import (
	"fmt"
	"runtime"

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
	jobs chan job
	done chan struct{}
	free chan chan result // reply channels not in use
}

type job struct {
	input int64
	reply chan result
}

type result struct {
	out int64
	err error
}

// NewWorker starts a worker for device dev and returns once the device is
// initialised on the worker's thread (or with Init's error).
func NewWorker(dev int) (*Worker, error) {
	w := &Worker{
		dev: dev, jobs: make(chan job, 16), done: make(chan struct{}),
		free: make(chan chan result, 16),
	}
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
	for j := range w.jobs {
		out, err := device.Compute(w.dev, kernelTime, j.input)
		j.reply <- result{out, err}
	}
	_ = device.Shutdown(w.dev)
	harness.Unpinned()
}

// Submit runs one job on the device and returns its result. It takes a
// reply channel from the free list (making one only when the list is
// empty) and returns it there once the reply has been received.
func (w *Worker) Submit(input int64) (int64, error) {
	var reply chan result
	select {
	case reply = <-w.free:
	default:
		reply = make(chan result, 1)
	}
	w.jobs <- job{input, reply}
	r := <-reply
	select {
	case w.free <- reply:
	default: // the list is full: let this one go
	}
	return r.out, r.err
}

// Close stops the worker and waits until it has shut the device down.
func (w *Worker) Close() {
	close(w.jobs)
	<-w.done
}
