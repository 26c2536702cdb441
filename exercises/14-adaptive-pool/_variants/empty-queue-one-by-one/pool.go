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
// OS thread, between cfg.Min and cfg.Max of them. One controller goroutine
// decides the size: it grows the pool when the queue has stayed deep for
// GrowAfter, and retires one worker each time the queue has stayed empty for
// another IdleAfter, a gentle step down.
type Pool struct {
	cfg  Config
	jobs chan request  // one queue for every worker; len(jobs) is its depth
	quit chan struct{} // one token: one worker (whichever is free) leaves

	// owned by the controller (and by NewPool before it starts)
	size    int // workers running or told to start, not told to leave
	started int // workers ever started; the n-th uses device n % device.Count()

	mu     sync.Mutex // guards events
	events []ScaleEvent

	stop    chan struct{}
	stopped chan struct{}
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

// NewPool starts cfg.Min workers and the controller, and returns once the
// workers' contexts are ready.
func NewPool(cfg Config) (*Pool, error) {
	p := &Pool{
		cfg:     cfg,
		jobs:    make(chan request, 256),
		quit:    make(chan struct{}, cfg.Max),
		stop:    make(chan struct{}),
		stopped: make(chan struct{}),
	}
	if n, err := p.start(cfg.Min); err != nil {
		p.size = n
		close(p.stopped)
		p.Close()
		return nil, err
	}
	p.size = cfg.Min
	go p.control()
	return p, nil
}

// start launches n workers and waits until each has its context (or
// failed); it returns how many are running, and the first error.
func (p *Pool) start(n int) (int, error) {
	ready := make(chan error, n)
	for i := 0; i < n; i++ {
		dev := p.started % device.Count()
		p.started++
		p.wg.Add(1)
		go p.worker(dev, ready)
	}
	ok, first := 0, error(nil)
	for i := 0; i < n; i++ {
		if err := <-ready; err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		ok++
	}
	return ok, first
}

// worker owns one OS thread and one device context for its whole life. When
// it leaves it shuts the context down on this thread, then returns still
// locked: the runtime ends a thread whose goroutine exits locked, so the OS
// thread goes away with the worker. (UnlockOSThread would hand the thread to
// the runtime, which keeps idle threads for good; and a thread that still
// held a context would then run any goroutine.)
func (p *Pool) worker(dev int, ready chan<- error) {
	defer p.wg.Done()
	runtime.LockOSThread() // never unlocked: see above
	if err := device.Init(dev); err != nil {
		ready <- err
		return
	}
	harness.Pinned(fmt.Sprintf("device %d worker", dev))
	ready <- nil
	defer func() {
		device.Shutdown(dev)
		harness.Unpinned()
	}()
	for {
		select {
		case r, ok := <-p.jobs:
			if !ok {
				return
			}
			v, err := device.Compute(dev, r.job.Work, r.job.Input)
			r.reply <- reply{Result{Device: dev, Value: v}, err}
		case <-p.quit:
			return
		}
	}
}

// control looks at the queue a few times per time constant. Two timers: one
// for how long the queue has been deep, one for how long it has been empty.
func (p *Pool) control() {
	defer close(p.stopped)
	t := time.NewTicker(min(p.cfg.GrowAfter, p.cfg.IdleAfter) / 4)
	defer t.Stop()
	var now, deepSince, emptySince time.Time // zero: not deep, not empty
	for {
		select {
		case <-p.stop:
			return
		case now = <-t.C:
		}
		queued := len(p.jobs)

		if queued < p.cfg.DeepQueue {
			deepSince = time.Time{}
		} else if deepSince.IsZero() {
			deepSince = now
		} else if now.Sub(deepSince) >= p.cfg.GrowAfter && p.size < p.cfg.Max {
			p.grow(min(queued, p.cfg.Max-p.size))
			deepSince = time.Time{} // the next step waits for another deep spell
		}

		// idle: nothing has waited in the queue for IdleAfter; one worker
		// goes, and the next may go after another IdleAfter
		if queued > 0 {
			emptySince = time.Time{}
		} else if emptySince.IsZero() {
			emptySince = now
		} else if now.Sub(emptySince) >= p.cfg.IdleAfter && p.size > p.cfg.Min {
			p.quit <- struct{}{}
			p.record(p.size, p.size-1)
			p.size--
			emptySince = now
		}
	}
}

// grow starts n more workers; those that fail to start do not count.
func (p *Pool) grow(n int) {
	ok, _ := p.start(n)
	if ok == 0 {
		return
	}
	p.record(p.size, p.size+ok)
	p.size += ok
}

func (p *Pool) record(from, to int) {
	p.mu.Lock()
	p.events = append(p.events, ScaleEvent{At: time.Now(), From: from, To: to})
	p.mu.Unlock()
}

// Submit runs j on a worker's device and waits for its result.
func (p *Pool) Submit(j Job) (Result, error) {
	rc := make(chan reply, 1)
	p.jobs <- request{job: j, reply: rc}
	r := <-rc
	return r.res, r.err
}

// Events are the pool's scale events so far, oldest first.
func (p *Pool) Events() []ScaleEvent {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]ScaleEvent(nil), p.events...)
}

// Close stops the controller, then the workers after the jobs already
// queued; each shuts its device context down on its own thread.
func (p *Pool) Close() {
	close(p.stop)
	<-p.stopped
	close(p.jobs)
	p.wg.Wait()
}
