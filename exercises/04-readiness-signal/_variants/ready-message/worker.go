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
	tid  int // set by NewWorker from the worker's ready message
}

// started is what a worker sends once, when Init has finished on its thread.
type started struct {
	tid int
	err error
}

type job struct {
	input int64
	reply chan result
}

type result struct {
	out int64
	err error
}

// NewWorker starts a worker for device dev and waits for its one message.
func NewWorker(dev int) (*Worker, error) {
	w := &Worker{dev: dev, jobs: make(chan job, 16), done: make(chan struct{})}
	hello := make(chan started, 1)
	go w.loop(hello)
	s := <-hello
	if s.err != nil {
		return nil, fmt.Errorf("worker for device %d: %w", dev, s.err)
	}
	w.tid = s.tid
	return w, nil
}

func (w *Worker) loop(hello chan<- started) {
	defer close(w.done)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := device.Init(w.dev); err != nil {
		hello <- started{err: err}
		return
	}
	harness.Pinned(fmt.Sprintf("device %d worker", w.dev))
	hello <- started{tid: syscall.Gettid()}
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
