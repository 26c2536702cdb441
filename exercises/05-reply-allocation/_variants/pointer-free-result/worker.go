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
	jobs chan job
	done chan struct{}
}

type job struct {
	input int64
	reply chan result
}

// result holds no pointer, so a channel of results is one allocation, not
// two: the error travels as an index into errs.
type result struct {
	out   int64
	errNo int32 // 0: no error; else errs[errNo-1]
}

var (
	errsMu sync.Mutex
	errs   []error
)

func errIndex(err error) int32 {
	if err == nil {
		return 0
	}
	errsMu.Lock()
	defer errsMu.Unlock()
	errs = append(errs, err)
	return int32(len(errs))
}

func errAt(i int32) error {
	if i == 0 {
		return nil
	}
	errsMu.Lock()
	defer errsMu.Unlock()
	return errs[i-1]
}

// NewWorker starts a worker for device dev and returns once the device is
// initialised on the worker's thread (or with Init's error).
func NewWorker(dev int) (*Worker, error) {
	w := &Worker{dev: dev, jobs: make(chan job, 16), done: make(chan struct{})}
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
		j.reply <- result{out, errIndex(err)}
	}
	_ = device.Shutdown(w.dev)
	harness.Unpinned()
}

// Submit runs one job on the device and returns its result.
func (w *Worker) Submit(input int64) (int64, error) {
	reply := make(chan result, 1)
	w.jobs <- job{input, reply}
	r := <-reply
	return r.out, errAt(r.errNo)
}

// Close stops the worker and waits until it has shut the device down.
func (w *Worker) Close() {
	close(w.jobs)
	<-w.done
}
