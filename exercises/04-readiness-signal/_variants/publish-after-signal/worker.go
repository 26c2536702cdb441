package main

import (
	"fmt"
	"runtime"
	"syscall"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

// The driver (main.go, which you do not edit) defines kernelTime, how long
// one kernel keeps a device busy. harness.Pinned and harness.Unpinned mark a
// long-lived pinned thread on pinlab's CPU map.

// Worker owns one device from a goroutine locked to its OS thread.
type Worker struct {
	dev  int
	jobs chan job
	done chan struct{}
	tid  int // written by the worker before it signals ready; read-only after
}

type job struct {
	input int64
	reply chan result
}

type result struct {
	out int64
	err error
}

// NewWorker starts a worker for device dev and waits for its readiness
// signal: nil once the device is initialised on the worker's thread, or
// Init's error, which NewWorker returns.
func NewWorker(dev int) (*Worker, error) {
	w := &Worker{dev: dev, jobs: make(chan job, 16), done: make(chan struct{})}
	ready := make(chan error, 1)
	go w.loop(ready)
	if err := <-ready; err != nil {
		return nil, fmt.Errorf("worker for device %d: %w", dev, err)
	}
	return w, nil
}

// loop pins itself, initialises the device, signals ready exactly once, and
// serves jobs. The channel receive in NewWorker happens after the send here,
// so everything written before the send (w.tid) is visible to the caller.
func (w *Worker) loop(ready chan<- error) {
	defer close(w.done)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := device.Init(w.dev); err != nil {
		ready <- err
		return
	}
	ready <- nil // the device is ready: let NewWorker return
	w.tid = syscall.Gettid()
	harness.Pinned(fmt.Sprintf("device %d worker", w.dev))
	for j := range w.jobs {
		out, err := device.Compute(w.dev, kernelTime, j.input)
		j.reply <- result{out, err}
	}
	_ = device.Shutdown(w.dev)
	harness.Unpinned()
}

// Thread is the OS thread (its kernel TID) that holds the device context.
func (w *Worker) Thread() int {
	return w.tid
}

// Submit runs one job on the device and returns its result.
func (w *Worker) Submit(input int64) (int64, error) {
	reply := make(chan result, 1)
	w.jobs <- job{input, reply}
	r := <-reply
	return r.out, r.err
}

// Close stops the worker and waits until it has shut the device down.
func (w *Worker) Close() {
	close(w.jobs)
	<-w.done
}
