package main

// From the exercise (not in your workspace): analyse, postprocess and
// deviceWork in stages.go.

import (
	"runtime"
	"sync"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

// Pipeline processes batches: analyse (pure Go), one call on device 0
// (thread-affine), postprocess (pure Go). The worker does the device call;
// the caller does the rest.
type Pipeline struct {
	requests chan *request
	done     chan struct{}
	free     sync.Pool // *request
}

// request is one device call; it goes back to the pool once answered.
type request struct {
	setup, out int64
	err        error
	answered   chan struct{} // capacity 1: the worker never waits on it
}

// NewPipeline starts the device worker and returns once device 0 is ready.
func NewPipeline() (*Pipeline, error) {
	p := &Pipeline{requests: make(chan *request), done: make(chan struct{})}
	p.free.New = func() any { return &request{answered: make(chan struct{}, 1)} }
	ready := make(chan error, 1)
	go p.loop(ready)
	if err := <-ready; err != nil {
		return nil, err
	}
	return p, nil
}

func (p *Pipeline) loop(ready chan<- error) {
	defer close(p.done)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := device.Init(0); err != nil {
		ready <- err
		return
	}
	harness.Pinned("device 0 worker")
	defer harness.Unpinned()
	defer device.Shutdown(0)
	ready <- nil
	for r := range p.requests {
		r.out, r.err = device.Compute(0, deviceWork, r.setup)
		r.answered <- struct{}{}
	}
}

// Process runs one batch through the pipeline and returns its result.
func (p *Pipeline) Process(batch []int64) (int64, error) {
	r := p.free.Get().(*request)
	r.setup = analyse(batch)
	p.requests <- r
	<-r.answered
	out, err := r.out, r.err
	p.free.Put(r)
	if err != nil {
		return 0, err
	}
	return postprocess(out, batch), nil
}

// Close stops the worker; it shuts the device down on its own thread.
func (p *Pipeline) Close() {
	close(p.requests)
	<-p.done
}
