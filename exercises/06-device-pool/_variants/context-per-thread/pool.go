package main

import (
	"context"
	"runtime"
	"sync/atomic"
	"time"

	"pinlab/exercises/device"
)

// harness.Pinned and harness.Unpinned mark a worker's locked thread on
// pinlab's CPU map; the driver (main.go, not in your workspace) calls NewPool,
// Submit and Close.

// Job is one device call: the device stays busy for Work and computes on Input.
type Job struct {
	Input int64
	Work  time.Duration
}

// Result says which device answered and what it returned.
type Result struct {
	Device int
	Value  int64
}

// Pool runs each job on the caller's own thread, one job per device at a
// time: a device's slot is a channel of capacity 1.
type Pool struct {
	slots []chan struct{}
	load  []atomic.Int64 // jobs waiting for or holding each device
	next  atomic.Uint64
}

// NewPool makes a slot per device. Threads get their contexts when they
// first run a job.
func NewPool() (*Pool, error) {
	n := device.Count()
	p := &Pool{slots: make([]chan struct{}, n), load: make([]atomic.Int64, n)}
	for d := range p.slots {
		p.slots[d] = make(chan struct{}, 1)
	}
	return p, nil
}

// Submit takes the least-loaded device's slot (or gives up when ctx ends),
// locks its goroutine to the thread it runs on for the call, makes sure that
// thread holds a context for the device, and runs the job there.
func (p *Pool) Submit(ctx context.Context, j Job) (Result, error) {
	n := len(p.slots)
	start := int(p.next.Add(1) % uint64(n))
	d := start
	for i := 1; i < n; i++ {
		if e := (start + i) % n; p.load[e].Load() < p.load[d].Load() {
			d = e
		}
	}
	p.load[d].Add(1)
	defer p.load[d].Add(-1)
	select {
	case p.slots[d] <- struct{}{}:
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
	defer func() { <-p.slots[d] }()
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := device.Init(d); err != nil {
		return Result{}, err
	}
	v, err := device.Compute(d, j.Work, j.Input)
	return Result{Device: d, Value: v}, err
}

// Close has nothing to stop: no goroutine belongs to the pool.
func (p *Pool) Close() {}
