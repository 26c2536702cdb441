package main

// From the exercise (not in your workspace): analyse, postprocess and
// deviceWork in stages.go.

import (
	"runtime"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

// Pipeline processes batches: analyse (pure Go), one call on device 0
// (thread-affine), postprocess (pure Go).
type Pipeline struct {
	jobs chan job
	done chan struct{}
}

// job carries analyse's result and the batch, which postprocess needs.
type job struct {
	setup int64
	batch []int64
	reply chan result
}

type result struct {
	value int64
	err   error
}

// NewPipeline starts the device worker and returns once device 0 is ready.
func NewPipeline() (*Pipeline, error) {
	p := &Pipeline{jobs: make(chan job), done: make(chan struct{})}
	ready := make(chan error, 1)
	go p.loop(ready)
	if err := <-ready; err != nil {
		return nil, err
	}
	return p, nil
}

// loop owns one OS thread for its whole life: device 0's context lives there.
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
	for j := range p.jobs {
		out, err := device.Compute(0, deviceWork, j.setup)
		if err != nil {
			j.reply <- result{0, err}
			continue
		}
		j.reply <- result{postprocess(out, j.batch), nil}
	}
}

// Process runs one batch through the pipeline and returns its result.
func (p *Pipeline) Process(batch []int64) (int64, error) {
	setup := analyse(batch) // the caller's thread
	reply := make(chan result, 1)
	p.jobs <- job{setup: setup, batch: batch, reply: reply}
	r := <-reply
	return r.value, r.err
}

// Close stops the worker; it shuts the device down on its own thread.
func (p *Pipeline) Close() {
	close(p.jobs)
	<-p.done
}
