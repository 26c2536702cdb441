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
	tid  int // written by the worker before it closes ready; read-only after

	ready   chan struct{} // closed when Init has succeeded or failed
	initErr error         // Init's error, written before ready is closed
}

type job struct {
	input int64
	reply chan result
}

type result struct {
	out int64
	err error
}

// NewWorker starts a worker for device dev and waits for it to close ready.
func NewWorker(dev int) (*Worker, error) {
	w := &Worker{dev: dev, jobs: make(chan job, 16), done: make(chan struct{}), ready: make(chan struct{})}
	go w.loop()
	<-w.ready
	if w.initErr != nil {
		return nil, fmt.Errorf("worker for device %d: %w", dev, w.initErr)
	}
	return w, nil
}

func (w *Worker) loop() {
	defer close(w.done)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := device.Init(w.dev); err != nil {
		w.initErr = err
		close(w.ready)
		return
	}
	w.tid = syscall.Gettid()
	harness.Pinned(fmt.Sprintf("device %d worker", w.dev))
	close(w.ready)
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
