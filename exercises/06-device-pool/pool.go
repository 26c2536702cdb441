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

// Pool runs jobs on the simulated devices.
//
// Today it is one pinned worker that owns device 0; the other three devices
// sit idle, and Submit ignores its context.
type Pool struct {
	w *worker
}

type worker struct {
	dev  int
	jobs chan request
	done chan struct{}
}

type request struct {
	job   Job
	reply chan reply
}

type reply struct {
	res Result
	err error
}

// NewPool starts the pool's workers and returns once their devices are ready.
func NewPool() (*Pool, error) {
	w, err := startWorker(0)
	if err != nil {
		return nil, err
	}
	return &Pool{w: w}, nil
}

func startWorker(dev int) (*worker, error) {
	w := &worker{dev: dev, jobs: make(chan request, 16), done: make(chan struct{})}
	ready := make(chan error, 1)
	go w.loop(ready)
	if err := <-ready; err != nil {
		return nil, err
	}
	return w, nil
}

// loop owns one OS thread for its whole life: the device context lives there.
func (w *worker) loop(ready chan<- error) {
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
	for r := range w.jobs {
		v, err := device.Compute(w.dev, r.job.Work, r.job.Input)
		r.reply <- reply{Result{Device: w.dev, Value: v}, err}
	}
}

// Submit runs j on a device and waits for its result.
func (p *Pool) Submit(ctx context.Context, j Job) (Result, error) {
	rc := make(chan reply, 1)
	p.w.jobs <- request{job: j, reply: rc}
	r := <-rc
	return r.res, r.err
}

// Close stops the workers after the jobs already queued.
func (p *Pool) Close() {
	close(p.w.jobs)
	<-p.w.done
}
