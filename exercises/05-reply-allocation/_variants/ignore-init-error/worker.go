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

type result struct {
	out int64
	err error
}

// NewWorker starts a worker for device dev and returns once the worker has
// started up.
func NewWorker(dev int) (*Worker, error) {
	w := &Worker{dev: dev, jobs: make(chan job, 16), done: make(chan struct{})}
	ready := make(chan struct{})
	go w.loop(ready)
	<-ready
	return w, nil
}

func (w *Worker) loop(ready chan<- struct{}) {
	defer close(w.done)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err := device.Init(w.dev)
	close(ready)
	if err != nil {
		for j := range w.jobs { // every job gets Init's error
			j.reply <- result{0, err}
		}
		return
	}
	harness.Pinned(fmt.Sprintf("device %d worker", w.dev))
	for j := range w.jobs {
		out, err := device.Compute(w.dev, kernelTime, j.input)
		j.reply <- result{out, err}
	}
	_ = device.Shutdown(w.dev)
	harness.Unpinned()
}

// replies holds reply channels between calls. A channel is pointer-shaped,
// so storing it in the pool's interface values allocates nothing.
var replies = sync.Pool{New: func() any { return make(chan result, 1) }}

// Submit runs one job on the device and returns its result. Its reply
// channel comes from the pool and goes back only after the reply has been
// received: the channel is empty again, and the worker is done with it.
func (w *Worker) Submit(input int64) (int64, error) {
	reply := replies.Get().(chan result)
	w.jobs <- job{input, reply}
	r := <-reply
	replies.Put(reply)
	return r.out, r.err
}

// Close stops the worker and waits until it has shut the device down.
func (w *Worker) Close() {
	close(w.jobs)
	<-w.done
}
