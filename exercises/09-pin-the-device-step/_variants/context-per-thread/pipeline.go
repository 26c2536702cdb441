package main

// From the exercise (not in your workspace): analyse, postprocess and
// deviceWork in stages.go.

import (
	"runtime"
	"sync"
	"syscall"

	"pinlab/exercises/device"
)

// Pipeline processes batches: analyse (pure Go), one call on device 0
// (thread-affine), postprocess (pure Go). There is no worker: the caller
// pins its own thread for the device step, and a thread gets a context the
// first time it needs one.
type Pipeline struct {
	mu    sync.Mutex
	ready map[int]bool // threads holding a context for device 0
}

// NewPipeline checks that device 0 can be initialised.
func NewPipeline() (*Pipeline, error) {
	p := &Pipeline{ready: map[int]bool{}}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := p.attach(); err != nil {
		return nil, err
	}
	return p, nil
}

// attach makes sure the calling (locked) thread holds a context.
func (p *Pipeline) attach() error {
	tid := syscall.Gettid()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ready[tid] {
		return nil
	}
	if err := device.Init(0); err != nil {
		return err
	}
	p.ready[tid] = true
	return nil
}

// Process runs one batch through the pipeline and returns its result.
func (p *Pipeline) Process(batch []int64) (int64, error) {
	setup := analyse(batch)
	runtime.LockOSThread()
	err := p.attach()
	var out int64
	if err == nil {
		out, err = device.Compute(0, deviceWork, setup)
	}
	runtime.UnlockOSThread()
	if err != nil {
		return 0, err
	}
	return postprocess(out, batch), nil
}

// Close has nothing to stop.
func (p *Pipeline) Close() {}
