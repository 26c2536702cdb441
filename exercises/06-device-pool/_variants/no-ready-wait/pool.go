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
	// load counts jobs routed here and not finished: queued and running.
	// len(jobs) alone misses the job the device is busy with right now.
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
	// No need to wait for the device: a job routed here before Init is done
	// waits in the queue.
	go w.loop(make(chan error, 1))
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
			w.load.Add(-1)
			continue
		}
		v, err := device.Compute(w.dev, r.job.Work, r.job.Input)
		w.load.Add(-1)
		r.reply <- reply{Result{Device: w.dev, Value: v}, err}
	}
}

// leastLoaded is the worker with the fewest outstanding jobs. The scan
// starts one further each time, so that ties spread over every device. It
// reserves a slot on the chosen worker before returning.
func (p *Pool) leastLoaded() *worker {
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
	best.load.Add(1)
	return best
}

// Submit runs j on the least-loaded device and waits for its result. If ctx
// ends first, while the queue is full or while the job waits or runs, Submit
// returns ctx.Err() at once; a job whose caller has gone is not started.
func (p *Pool) Submit(ctx context.Context, j Job) (Result, error) {
	w := p.leastLoaded()
	rc := make(chan reply, 1)
	select {
	case w.jobs <- request{ctx: ctx, job: j, reply: rc}:
	case <-ctx.Done():
		w.load.Add(-1)
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
