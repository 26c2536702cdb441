package main

// From the exercise (not in your workspace): analyse, postprocess and
// deviceWork in stages.go.

import (
	"runtime"

	"pinlab/exercises/device"
)

// Pipeline processes batches: analyse (pure Go), one call on device 0
// (thread-affine), postprocess (pure Go). Only the device step is pinned.
type Pipeline struct {
	calls chan deviceCall
	done  chan struct{}
}

type deviceCall struct {
	setup int64
	reply chan result
}

type result struct {
	value int64
	err   error
}

// NewPipeline starts the device worker and returns once device 0 is ready.
func NewPipeline() (*Pipeline, error) {
	p := &Pipeline{calls: make(chan deviceCall), done: make(chan struct{})}
	ready := make(chan error, 1)
	go p.loop(ready)
	if err := <-ready; err != nil {
		return nil, err
	}
	return p, nil
}

// loop holds its thread only while it talks to the device.
func (p *Pipeline) loop(ready chan<- error) {
	defer close(p.done)
	runtime.LockOSThread()
	err := device.Init(0)
	runtime.UnlockOSThread()
	ready <- err
	if err != nil {
		return
	}
	for c := range p.calls {
		runtime.LockOSThread()
		v, err := device.Compute(0, deviceWork, c.setup)
		runtime.UnlockOSThread()
		c.reply <- result{v, err}
	}
	runtime.LockOSThread()
	device.Shutdown(0)
	runtime.UnlockOSThread()
}

// Process runs one batch through the pipeline and returns its result.
func (p *Pipeline) Process(batch []int64) (int64, error) {
	setup := analyse(batch)
	reply := make(chan result, 1)
	p.calls <- deviceCall{setup: setup, reply: reply}
	r := <-reply
	if r.err != nil {
		return 0, r.err
	}
	return postprocess(r.value, batch), nil
}

// Close stops the worker.
func (p *Pipeline) Close() {
	close(p.calls)
	<-p.done
}
