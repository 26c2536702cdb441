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
// Today the whole pipeline runs on the pinned worker: because one step needs
// the device's thread, every step was put on it.
type Pipeline struct {
	jobs chan job
	done chan struct{}
}

type job struct {
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
		v, err := processBatch(j.batch)
		j.reply <- result{v, err}
	}
}

// processBatch runs every stage of the pipeline on the calling thread.
func processBatch(batch []int64) (int64, error) {
	setup := analyse(batch)
	out, err := device.Compute(0, deviceWork, setup)
	if err != nil {
		return 0, err
	}
	return postprocess(out, batch), nil
}

// Process runs one batch through the pipeline and returns its result.
func (p *Pipeline) Process(batch []int64) (int64, error) {
	reply := make(chan result, 1)
	p.jobs <- job{batch: batch, reply: reply}
	r := <-reply
	return r.value, r.err
}

// Close stops the worker; it shuts the device down on its own thread.
func (p *Pipeline) Close() {
	close(p.jobs)
	<-p.done
}
