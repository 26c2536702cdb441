package main

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
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

// Pool runs jobs on every simulated device: one pinned worker per device,
// each holding its device's context on its own OS thread, all taking jobs
// from one shared queue. A worker takes the next job only when its device
// is free, so no job waits behind another while a device is idle.
type Pool struct {
	jobs    chan request
	workers []*worker
}

type worker struct {
	dev  int
	done chan struct{}
}

type request struct {
	ctx   context.Context
	job   Job
	reply chan reply // buffered: the worker never waits for a caller who left
}

type reply struct {
	res Result
	err error
}

// NewPool starts one worker per device and returns once every device is
// ready, or the first error (after stopping the workers already started).
func NewPool() (*Pool, error) {
	p := &Pool{jobs: make(chan request, 64)}
	for d := 0; d < device.Count(); d++ {
		w := &worker{dev: d, done: make(chan struct{})}
		ready := make(chan error, 1)
		go w.loop(p.jobs, ready)
		if err := <-ready; err != nil {
			p.Close()
			return nil, err
		}
		p.workers = append(p.workers, w)
	}
	return p, nil
}

// loop owns one OS thread for its whole life: the device context lives there.
func (w *worker) loop(jobs <-chan request, ready chan<- error) {
	defer close(w.done)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := device.Init(w.dev); err != nil {
		ready <- err
		return
	}
	harness.Pinned(fmt.Sprintf("device %d worker", w.dev))
	defer harness.Unpinned()
	defer device.Shutdown(w.dev)
	ready <- nil
	for r := range jobs {
		if err := r.ctx.Err(); err != nil { // the caller has gone: skip the work
			r.reply <- reply{err: err}
			continue
		}
		v, err := device.Compute(w.dev, r.job.Work, r.job.Input)
		r.reply <- reply{Result{Device: w.dev, Value: v}, err}
	}
}

// Submit queues j for whichever device is free first and waits for its
// result; if ctx ends first, it returns ctx.Err() at once.
func (p *Pool) Submit(ctx context.Context, j Job) (Result, error) {
	rc := make(chan reply, 1)
	select {
	case p.jobs <- request{ctx: ctx, job: j, reply: rc}:
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
	select {
	case r := <-rc:
		return r.res, r.err
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
}

// Close stops the workers after the jobs already queued; each shuts its
// device down on its own thread.
func (p *Pool) Close() {
	close(p.jobs)
	for _, w := range p.workers {
		<-w.done
	}
}
