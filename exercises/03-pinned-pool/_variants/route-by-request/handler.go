package main

import (
	"fmt"
	"runtime"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

// The driver (main.go, which you do not edit) defines kernelTime, how long
// one kernel keeps a device busy.

type result struct {
	out int64
	err error
}

type call struct {
	req   int64
	reply chan result
}

// worker owns one device from a goroutine locked to its OS thread.
type worker struct {
	dev   int
	calls chan call
	done  chan struct{}
}

var workers []*worker

func (w *worker) run(ready chan<- error) {
	defer close(w.done)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := device.Init(w.dev); err != nil {
		ready <- err
		return
	}
	harness.Pinned(fmt.Sprintf("device %d", w.dev))
	ready <- nil
	for c := range w.calls {
		out, err := device.Compute(w.dev, kernelTime, c.req)
		c.reply <- result{out, err}
	}
	_ = device.Shutdown(w.dev)
	harness.Unpinned()
}

// Setup starts the workers one after another, each ready before the next.
func Setup() error {
	for dev := 0; dev < device.Count(); dev++ {
		w := &worker{dev: dev, calls: make(chan call, 4), done: make(chan struct{})}
		ready := make(chan error, 1)
		go w.run(ready)
		if err := <-ready; err != nil {
			_ = Teardown()
			return fmt.Errorf("device %d: %w", dev, err)
		}
		workers = append(workers, w)
	}
	return nil
}

// Handle sends the request to the worker of its device, req mod the count.
func Handle(req int64) (int64, error) {
	w := workers[uint64(req)%uint64(len(workers))]
	reply := make(chan result, 1)
	w.calls <- call{req, reply}
	r := <-reply
	return r.out, r.err
}

// Teardown stops every worker and waits until each has shut its device down.
func Teardown() error {
	for _, w := range workers {
		close(w.calls)
	}
	for _, w := range workers {
		<-w.done
	}
	return nil
}
