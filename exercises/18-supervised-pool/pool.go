package main

// From the driver (kernel.go, not in your workspace): kernel(dev, in) runs a
// job on the calling thread's context for dev and may panic; faultLimit and
// faultWindow say when a worker is failing; probeInput is the input of a
// health probe. harness.Pinned(role) and harness.Unpinned() mark a locked
// thread on pinlab's CPU map.

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

var (
	// ErrUnavailable: more than half the pool is failed; try again later.
	ErrUnavailable = errors.New("pool: unavailable, most workers are failed")
	// ErrClosed: the pool was closed.
	ErrClosed = errors.New("pool: closed")
)

// Result says which device answered and what it returned.
type Result struct {
	Device int
	Value  int64
}

type answer struct {
	res Result
	err error
}

type job struct {
	in    int64
	reply chan answer // buffered (1): a worker never waits for a caller
}

// Pool runs jobs on one pinned worker per device.
type Pool struct {
	jobs chan job
	quit chan struct{}
	wg   sync.WaitGroup

	mu     sync.Mutex
	closed bool
}

// NewPool starts a worker per device and returns once every one holds its
// device's context.
func NewPool() (*Pool, error) {
	n := device.Count()
	p := &Pool{jobs: make(chan job), quit: make(chan struct{})}
	ready := make(chan error, n)
	for d := 0; d < n; d++ {
		p.wg.Add(1)
		go p.worker(d, ready)
	}
	var first error
	for d := 0; d < n; d++ {
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

// Submit runs in on some device, or returns ctx's error if ctx ends first.
func (p *Pool) Submit(ctx context.Context, in int64) (Result, error) {
	p.mu.Lock()
	closed := p.closed
	p.mu.Unlock()
	if closed {
		return Result{}, ErrClosed
	}
	j := job{in: in, reply: make(chan answer, 1)}
	select {
	case p.jobs <- j:
	case <-p.quit:
		return Result{}, ErrClosed
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
	select {
	case a := <-j.reply:
		return a.res, a.err
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
}

// Close stops every worker and waits until each has shut its context down.
func (p *Pool) Close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	close(p.quit)
	p.mu.Unlock()
	p.wg.Wait()
}

// worker serves dev from a thread of its own, for the pool's whole life.
//
// The kernel is trusted: when it panics, the panic ends the program.
func (p *Pool) worker(dev int, ready chan<- error) {
	defer p.wg.Done()
	runtime.LockOSThread()
	if err := device.Init(dev); err != nil {
		ready <- err
		return
	}
	harness.Pinned(fmt.Sprintf("device %d worker", dev))
	ready <- nil
	for {
		select {
		case <-p.quit:
			device.Shutdown(dev)
			return
		case j := <-p.jobs:
			v, err := kernel(dev, j.in)
			j.reply <- answer{Result{Device: dev, Value: v}, err}
		}
	}
}
