package main

import (
	"fmt"
	"runtime"
	"sync"
	"time"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

// Config is the pool's size range and its time constants. The driver
// chooses them (and varies the times between runs).
type Config struct {
	Min, Max  int           // never fewer than Min workers, never more than Max
	DeepQueue int           // this many jobs waiting, or more, is a deep queue
	GrowAfter time.Duration // the queue has stayed deep this long: grow
	IdleAfter time.Duration // a worker has not been needed this long: it leaves
}

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

// ScaleEvent records one change of the pool's size, from From workers to To.
type ScaleEvent struct {
	At       time.Time
	From, To int
}

// Pool runs jobs on pinned workers, each holding a device context on its own
// OS thread. Today it is a fixed pool of cfg.Min workers: it never grows,
// never shrinks, and has no scale events to record.
type Pool struct {
	cfg     Config
	jobs    chan request // one queue for every worker; len(jobs) is its depth
	started int          // workers started so far; the n-th uses device n % device.Count()
	wg      sync.WaitGroup
}

type request struct {
	job   Job
	reply chan reply
}

type reply struct {
	res Result
	err error
}

// NewPool starts cfg.Min workers and returns once their contexts are ready.
func NewPool(cfg Config) (*Pool, error) {
	p := &Pool{cfg: cfg, jobs: make(chan request, 256)}
	ready := make(chan error, cfg.Min)
	for i := 0; i < cfg.Min; i++ {
		dev := p.started % device.Count()
		p.started++
		p.wg.Add(1)
		go p.worker(dev, ready)
	}
	var first error
	for i := 0; i < cfg.Min; i++ {
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

// worker owns one OS thread and one device context for its whole life.
func (p *Pool) worker(dev int, ready chan<- error) {
	defer p.wg.Done()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := device.Init(dev); err != nil {
		ready <- err
		return
	}
	harness.Pinned(fmt.Sprintf("device %d worker", dev))
	defer harness.Unpinned()
	defer device.Shutdown(dev)
	ready <- nil
	for r := range p.jobs {
		v, err := device.Compute(dev, r.job.Work, r.job.Input)
		r.reply <- reply{Result{Device: dev, Value: v}, err}
	}
}

// Submit runs j on a worker's device and waits for its result.
func (p *Pool) Submit(j Job) (Result, error) {
	rc := make(chan reply, 1)
	p.jobs <- request{job: j, reply: rc}
	r := <-rc
	return r.res, r.err
}

// Events are the pool's scale events so far, oldest first.
func (p *Pool) Events() []ScaleEvent { return nil }

// Close stops the workers after the jobs already queued; each shuts its
// device context down on its own thread.
func (p *Pool) Close() {
	close(p.jobs)
	p.wg.Wait()
}
