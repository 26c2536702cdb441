package main

// From the exercise (not in your workspace): analyse, postprocess and
// deviceWork in stages.go. harness.Pinned(role) and harness.Unpinned() mark
// a worker's locked thread on pinlab's CPU map.

import (
	"runtime"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

// Pipeline processes batches: analyse (pure Go), one call on device 0
// (thread-affine), postprocess (pure Go).
//
// Only the device call needs device 0's thread, so only it goes to the
// pinned worker. analyse and postprocess run on the caller's goroutine, on
// whatever thread the scheduler likes, many batches at once, while the
// worker keeps the device busy.
type Pipeline struct {
	calls chan deviceCall
	done  chan struct{}
}

// deviceCall is the one step the worker runs: compute on device 0.
type deviceCall struct {
	setup int64
	reply chan result
}

type result struct {
	value int64
	err   error
}

// NewPipeline starts the device worker. The calls channel is unbuffered, so
// the first Process waits until the worker has initialised the device and
// takes its call: no need to wait here.
func NewPipeline() (*Pipeline, error) {
	p := &Pipeline{calls: make(chan deviceCall), done: make(chan struct{})}
	go p.loop()
	return p, nil
}

// loop owns one OS thread for its whole life: device 0's context lives
// there. It does nothing but device calls.
func (p *Pipeline) loop() {
	defer close(p.done)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := device.Init(0); err != nil {
		for c := range p.calls { // every call gets Init's error
			c.reply <- result{0, err}
		}
		return
	}
	harness.Pinned("device 0 worker")
	defer harness.Unpinned()
	defer device.Shutdown(0)
	for c := range p.calls {
		v, err := device.Compute(0, deviceWork, c.setup)
		c.reply <- result{v, err}
	}
}

// Process runs one batch through the pipeline and returns its result.
func (p *Pipeline) Process(batch []int64) (int64, error) {
	setup := analyse(batch) // any thread
	reply := make(chan result, 1)
	p.calls <- deviceCall{setup: setup, reply: reply}
	r := <-reply // the pinned worker ran the device step
	if r.err != nil {
		return 0, r.err
	}
	return postprocess(r.value, batch), nil // any thread
}

// Close stops the worker; it shuts the device down on its own thread.
func (p *Pipeline) Close() {
	close(p.calls)
	<-p.done
}
