package main

// From the exercise (not in your workspace): analyse, postprocess and
// deviceWork in stages.go.

import (
	"runtime"
	"sync"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

const workers = 2

// Pipeline processes batches: analyse (pure Go), one call on device 0
// (thread-affine), postprocess (pure Go). Two pinned workers run it, each
// with a context of its own on device 0.
type Pipeline struct {
	jobs chan job
	wg   sync.WaitGroup
}

type job struct {
	batch []int64
	reply chan result
}

type result struct {
	value int64
	err   error
}

// NewPipeline starts the device workers and returns once both are ready.
func NewPipeline() (*Pipeline, error) {
	p := &Pipeline{jobs: make(chan job)}
	ready := make(chan error, workers)
	for i := 0; i < workers; i++ {
		p.wg.Add(1)
		go p.loop(ready)
	}
	var first error
	for i := 0; i < workers; i++ {
		if err := <-ready; err != nil && first == nil {
			first = err
		}
	}
	if first != nil {
		p.Close()
		return nil, first
	}
	return p, nil
}

func (p *Pipeline) loop(ready chan<- error) {
	defer p.wg.Done()
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

// Close stops the workers; each shuts its context down on its own thread.
func (p *Pipeline) Close() {
	close(p.jobs)
	p.wg.Wait()
}
