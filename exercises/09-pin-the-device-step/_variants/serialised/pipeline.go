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
// (thread-affine), postprocess (pure Go). Batches go through one at a
// time, in the order callers arrive.
type Pipeline struct {
	mu    sync.Mutex // one batch in the pipeline at a time
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
	for c := range p.calls {
		v, err := device.Compute(0, deviceWork, c.setup)
		c.reply <- result{v, err}
	}
}

// Process runs one batch through the pipeline and returns its result.
func (p *Pipeline) Process(batch []int64) (int64, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	setup := analyse(batch)
	reply := make(chan result, 1)
	p.calls <- deviceCall{setup: setup, reply: reply}
	r := <-reply
	if r.err != nil {
		return 0, r.err
	}
	return postprocess(r.value, batch), nil
}

// Close stops the worker; it shuts the device down on its own thread.
func (p *Pipeline) Close() {
	close(p.calls)
	<-p.done
}
