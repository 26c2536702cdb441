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
// OS thread, between cfg.Min and cfg.Max of them. A controller goroutine
// grows the pool when the queue has stayed deep for GrowAfter; a worker that
// has had no job for IdleAfter leaves by itself (never below Min).
type Pool struct {
	cfg  Config
	jobs chan request // one queue for every worker; len(jobs) is its depth

	started int // owned by the controller: the n-th worker uses device n % device.Count()

	mu     sync.Mutex // guards size and events
	size   int        // workers running, not gone
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
	idle := time.NewTimer(p.cfg.IdleAfter)
	defer idle.Stop()
	for {
		select {
		case r, ok := <-p.jobs:
			if !ok {
				return
			}
			v, err := device.Compute(dev, r.job.Work, r.job.Input)
			r.reply <- reply{Result{Device: dev, Value: v}, err}
			idle.Reset(p.cfg.IdleAfter)
		case <-idle.C:
			if p.leave() {
				return
			}
			idle.Reset(p.cfg.IdleAfter)
		}
	}
}

// control looks at the queue a few times per time constant.
func (p *Pool) control() {
	defer close(p.stopped)
	t := time.NewTicker(min(p.cfg.GrowAfter, p.cfg.IdleAfter) / 4)
	defer t.Stop()
	var now time.Time
	var deepSince time.Time // zero while the queue is not deep
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
		} else if size := p.current(); now.Sub(deepSince) >= p.cfg.GrowAfter && size < p.cfg.Max {
			p.grow(min(queued, p.cfg.Max-size))
			deepSince = time.Time{} // the next step waits for another deep spell
			continue
		}

	}
}

// grow starts n more workers; those that fail to start do not count.
func (p *Pool) grow(n int) {
	ok, _ := p.start(n)
	if ok == 0 {
		return
	}
	p.mu.Lock()
	p.record(p.size, p.size+ok)
	p.size += ok
	p.mu.Unlock()
}

// leave says whether a worker that has been idle for IdleAfter may go.
func (p *Pool) leave() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.size <= p.cfg.Min {
		return false
	}
	p.record(p.size, p.size-1)
	p.size--
	return true
}

// record appends an event; p.mu is held.
func (p *Pool) record(from, to int) {
	p.events = append(p.events, ScaleEvent{At: time.Now(), From: from, To: to})
}

func (p *Pool) current() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.size
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
