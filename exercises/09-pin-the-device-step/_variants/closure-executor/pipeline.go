package main

// From the exercise (not in your workspace): analyse, postprocess and
// deviceWork in stages.go.

import (
	"runtime"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

// Pipeline processes batches: analyse (pure Go), one call on device 0
// (thread-affine), postprocess (pure Go). A pinned executor runs whatever
// needs device 0's thread; Process gives it the device call and nothing
// else.
type Pipeline struct {
	work chan func()
	done chan struct{}
}

// NewPipeline starts the executor and returns once device 0 is ready.
func NewPipeline() (*Pipeline, error) {
	p := &Pipeline{work: make(chan func()), done: make(chan struct{})}
	ready := make(chan error, 1)
	go p.executor(ready)
	if err := <-ready; err != nil {
		return nil, err
	}
	return p, nil
}

// executor owns device 0's thread and runs each function it receives there.
func (p *Pipeline) executor(ready chan<- error) {
	defer close(p.done)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := device.Init(0); err != nil {
		ready <- err
		return
	}
	harness.Pinned("device 0 executor")
	defer harness.Unpinned()
	defer device.Shutdown(0)
	ready <- nil
	for f := range p.work {
		f()
	}
}

// onDevice runs f on device 0's thread and waits until it has run.
func (p *Pipeline) onDevice(f func()) {
	ran := make(chan struct{})
	p.work <- func() {
		f()
		close(ran)
	}
	<-ran
}

// Process runs one batch through the pipeline and returns its result.
func (p *Pipeline) Process(batch []int64) (int64, error) {
	setup := analyse(batch)
	var out int64
	var err error
	p.onDevice(func() { out, err = device.Compute(0, deviceWork, setup) })
	if err != nil {
		return 0, err
	}
	return postprocess(out, batch), nil
}

// Close stops the executor; it shuts the device down on its own thread.
func (p *Pipeline) Close() {
	close(p.work)
	<-p.done
}
