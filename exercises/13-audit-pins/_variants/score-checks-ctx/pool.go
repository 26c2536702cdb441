package main

import (
	"errors"
	"fmt"
	"runtime"
	"sync"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

// ErrClosed is what Do returns once Close has begun.
var ErrClosed = errors.New("accelerator closed")

// Pool owns the devices: one goroutine per device, locked to its OS thread
// for its whole life, holding that device's context and running every
// kernel for it. Callers wait on a channel, which costs no thread.
type Pool struct {
	jobs    chan job
	mu      sync.RWMutex // Do holds it shared while it hands a job over, Close alone
	closed  bool
	workers sync.WaitGroup
}

type job struct {
	input int64
	reply chan result // buffered: a worker never waits for a caller who left
}

type result struct {
	dev   int
	value int64
	err   error
}

// NewPool starts one worker per device and returns once every device is
// open, or the first error (after stopping the workers already started).
func NewPool(devices int) (*Pool, error) {
	p := &Pool{jobs: make(chan job, 2*devices)}
	ready := make(chan error, devices)
	for d := 0; d < devices; d++ {
		p.workers.Add(1)
		go p.worker(d, ready)
	}
	var first error
	for d := 0; d < devices; d++ {
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

// worker is the only place in the service that pins: the device context
// lives on this thread, so every call for the device runs here.
func (p *Pool) worker(dev int, ready chan<- error) {
	defer p.workers.Done()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := device.Init(dev); err != nil {
		ready <- fmt.Errorf("accelerator: %w", err)
		return
	}
	harness.Pinned(fmt.Sprintf("device %d worker", dev))
	defer harness.Unpinned()
	defer device.Shutdown(dev)
	ready <- nil
	for j := range p.jobs {
		v, err := device.Compute(dev, kernel, j.input)
		j.reply <- result{dev, v, err}
	}
}

// Do runs input on the first device free and waits for the answer.
func (p *Pool) Do(input int64) (int, int64, error) {
	reply := make(chan result, 1)
	p.mu.RLock()
	if p.closed {
		p.mu.RUnlock()
		return -1, 0, ErrClosed
	}
	p.jobs <- job{input: input, reply: reply}
	p.mu.RUnlock()
	r := <-reply
	return r.dev, r.value, r.err
}

// Close lets the workers finish the jobs already handed over, then each
// shuts its device down on its own thread. Later calls of Do get ErrClosed.
func (p *Pool) Close() error {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.jobs)
	}
	p.mu.Unlock()
	p.workers.Wait()
	return nil
}
