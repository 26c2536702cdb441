package main

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

// ErrClosed is what Do returns once Close has begun.
var ErrClosed = errors.New("accelerator closed")

// Pool has one pinned worker per device, each with its own queue; Do sends
// a job to the device with the fewest jobs outstanding.
type Pool struct {
	queues  []chan job
	load    []atomic.Int64 // jobs routed to each device and not finished
	mu      sync.RWMutex
	closed  bool
	workers sync.WaitGroup
}

type job struct {
	ctx   context.Context
	input int64
	reply chan result
}

type result struct {
	dev   int
	value int64
	err   error
}

// NewPool opens every device on its worker's thread.
func NewPool(devices int) (*Pool, error) {
	p := &Pool{queues: make([]chan job, devices), load: make([]atomic.Int64, devices)}
	ready := make(chan error, devices)
	for d := range p.queues {
		p.queues[d] = make(chan job, 4)
		p.workers.Add(1)
		go p.worker(d, ready)
	}
	var errs []error
	for range p.queues {
		errs = append(errs, <-ready)
	}
	if err := errors.Join(errs...); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

func (p *Pool) worker(dev int, ready chan<- error) {
	defer p.workers.Done()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := device.Init(dev); err != nil {
		ready <- fmt.Errorf("accelerator: %w", err)
		return
	}
	defer device.Shutdown(dev)
	harness.Pinned(fmt.Sprintf("device %d worker", dev))
	defer harness.Unpinned()
	ready <- nil
	for j := range p.queues[dev] {
		r := result{dev: dev}
		if r.err = j.ctx.Err(); r.err == nil {
			r.value, r.err = device.Compute(dev, kernel, j.input)
		}
		p.load[dev].Add(-1)
		j.reply <- r
	}
}

func (p *Pool) leastLoaded() int {
	best := 0
	for d := 1; d < len(p.load); d++ {
		if p.load[d].Load() < p.load[best].Load() {
			best = d
		}
	}
	p.load[best].Add(1)
	return best
}

// Do runs input on the least-loaded device; it gives up when ctx ends.
func (p *Pool) Do(ctx context.Context, input int64) (int, int64, error) {
	if err := ctx.Err(); err != nil {
		return -1, 0, err
	}
	p.mu.RLock()
	if p.closed {
		p.mu.RUnlock()
		return -1, 0, ErrClosed
	}
	dev := p.leastLoaded()
	reply := make(chan result, 1)
	select {
	case p.queues[dev] <- job{ctx, input, reply}:
		p.mu.RUnlock()
	case <-ctx.Done():
		p.load[dev].Add(-1)
		p.mu.RUnlock()
		return -1, 0, ctx.Err()
	}
	select {
	case r := <-reply:
		return r.dev, r.value, r.err
	case <-ctx.Done():
		return -1, 0, ctx.Err()
	}
}

// Close drains the queues; each worker shuts its device down.
func (p *Pool) Close() error {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		for _, q := range p.queues {
			close(q)
		}
	}
	p.mu.Unlock()
	p.workers.Wait()
	return nil
}
