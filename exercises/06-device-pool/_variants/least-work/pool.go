package main

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
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
// each holding its device's context on its own OS thread. Submit routes a job
// to the worker with the least outstanding work.
type Pool struct {
	workers []*worker
	next    atomic.Uint64 // where the next scan starts, so ties rotate
}

type worker struct {
	dev  int
	jobs chan request
	done chan struct{}
	// load is the work routed here and not finished, queued and running, in
	// nanoseconds of device time: a 16 ms job weighs eight 2 ms ones.
	load atomic.Int64
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
	p := &Pool{}
	for d := 0; d < device.Count(); d++ {
		w, err := startWorker(d)
		if err != nil {
			p.Close()
			return nil, err
		}
		p.workers = append(p.workers, w)
	}
	return p, nil
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
		if err := r.ctx.Err(); err != nil { // the caller has gone: skip the work
			r.reply <- reply{err: err}
			w.load.Add(-int64(r.job.Work))
			continue
		}
		v, err := device.Compute(w.dev, r.job.Work, r.job.Input)
		w.load.Add(-int64(r.job.Work))
		r.reply <- reply{Result{Device: w.dev, Value: v}, err}
	}
}

// leastLoaded is the worker with the least outstanding work. The scan
// starts one further each time, so that ties spread over every device. It
// adds j's work to the chosen worker before returning.
func (p *Pool) leastLoaded(j Job) *worker {
	n := len(p.workers)
	start := int(p.next.Add(1) % uint64(n))
	best := p.workers[start]
	bestLoad := best.load.Load()
	for i := 1; i < n; i++ {
		w := p.workers[(start+i)%n]
		if l := w.load.Load(); l < bestLoad {
			best, bestLoad = w, l
		}
	}
	best.load.Add(int64(j.Work))
	return best
}

// Submit runs j on the device with the least work and waits for its result. If ctx
// ends first, while the queue is full or while the job waits or runs, Submit
// returns ctx.Err() at once; a job whose caller has gone is not started.
func (p *Pool) Submit(ctx context.Context, j Job) (Result, error) {
	w := p.leastLoaded(j)
	rc := make(chan reply, 1)
	select {
	case w.jobs <- request{ctx: ctx, job: j, reply: rc}:
	case <-ctx.Done():
		w.load.Add(-int64(j.Work))
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
	for _, w := range p.workers {
		close(w.jobs)
	}
	for _, w := range p.workers {
		<-w.done
	}
}
