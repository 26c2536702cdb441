package main

import (
	"fmt"
	"runtime"
	"time"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

// Accelerator owns one device from a goroutine locked to one OS thread.
type Accelerator struct {
	dev     int
	queue   chan request
	quit    chan struct{}
	ready   chan struct{} // closed once initErr is set
	initErr error
	stopped chan error // Shutdown's error, once
}

type request struct {
	work  time.Duration
	input int64
	reply chan<- answer
}

type answer struct {
	value int64
	err   error
}

// Open starts the owner goroutine and returns when the device is ready.
func Open(dev int) (*Accelerator, error) {
	a := &Accelerator{
		dev:     dev,
		queue:   make(chan request, 8),
		quit:    make(chan struct{}),
		ready:   make(chan struct{}),
		stopped: make(chan error, 1),
	}
	go a.own()
	<-a.ready
	if a.initErr != nil {
		return nil, a.initErr
	}
	return a, nil
}

func (a *Accelerator) own() {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	a.initErr = device.Init(a.dev)
	close(a.ready)
	if a.initErr != nil {
		return
	}
	harness.Pinned(fmt.Sprintf("device %d owner", a.dev))
	for {
		select {
		case r := <-a.queue:
			v, err := device.Compute(a.dev, r.work, r.input)
			r.reply <- answer{v, err}
		case <-a.quit:
			err := device.Shutdown(a.dev)
			harness.Unpinned()
			a.stopped <- err
			return
		}
	}
}

// Run queues one kernel and waits for its answer.
func (a *Accelerator) Run(work time.Duration, input int64) (int64, error) {
	reply := make(chan answer, 1)
	a.queue <- request{work, input, reply}
	ans := <-reply
	return ans.value, ans.err
}

// Close asks the owner to shut the device down and waits until it has. Run
// is not called after Close, so nothing is left in the queue.
func (a *Accelerator) Close() error {
	close(a.quit)
	return <-a.stopped
}
