package main

import (
	"fmt"
	"runtime"
	"slices"
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
// OS thread, between cfg.Min and cfg.Max of them. Submit hands a job to the
// worker that became idle most recently (the top of a stack), or queues it
// when none is idle. So when the pool is larger than the load, the same few
// workers take every job and the others stay idle: a worker that has waited
// IdleAfter for a job leaves by itself (never below Min). A controller grows
// the pool when the queue has stayed deep for GrowAfter.
type Pool struct {
	cfg   Config
	queue chan request // jobs no idle worker could take; len(queue) is the depth

	mu     sync.Mutex // guards idle, size, closed, events
	idle   []*worker  // idle workers, the most recently idle last
	size   int        // workers started and not gone
	closed bool
	events []ScaleEvent

	started int // owned by the controller (and NewPool): the n-th worker uses device n % device.Count()

	stop    chan struct{}
	stopped chan struct{}
	wg      sync.WaitGroup
}

type worker struct {
	dev int
	job chan request // capacity 1: Submit hands a job to this idle worker here
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
		queue:   make(chan request, 256),
		stop:    make(chan struct{}),
		stopped: make(chan struct{}),
	}
	n, err := p.start(cfg.Min)
	p.size = n
	if err != nil {
		close(p.stopped)
		p.Close()
		return nil, err
	}
	go p.control()
	return p, nil
}

// start launches n workers and waits until each has its context (or
// failed); it returns how many are running, and the first error.
func (p *Pool) start(n int) (int, error) {
	ready := make(chan error, n)
	for i := 0; i < n; i++ {
		w := &worker{dev: p.started % device.Count(), job: make(chan request, 1)}
		p.started++
		p.wg.Add(1)
		go p.run(w, ready)
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

// run is one worker: one OS thread and one device context for its whole
// life. When it leaves it shuts the context down on this thread and returns
// still locked, so that the runtime ends the thread.
func (p *Pool) run(w *worker, ready chan<- error) {
	defer p.wg.Done()
	runtime.LockOSThread() // never unlocked
	if err := device.Init(w.dev); err != nil {
		ready <- err
		return
	}
	harness.Pinned(fmt.Sprintf("device %d worker", w.dev))
	ready <- nil
	defer func() {
		device.Shutdown(w.dev)
		harness.Unpinned()
	}()
	for {
		r, ok := p.next(w)
		if !ok {
			return
		}
		v, err := device.Compute(w.dev, r.job.Work, r.job.Input)
		r.reply <- reply{Result{Device: w.dev, Value: v}, err}
	}
}

// next is w's next job: a queued one, else one handed to w while it waits
// on the idle stack. false: w leaves (idle for IdleAfter, or Close).
func (p *Pool) next(w *worker) (request, bool) {
	p.mu.Lock()
	select {
	case r := <-p.queue: // Submit queues under p.mu too: nothing slips past
		p.mu.Unlock()
		return r, true
	default:
	}
	if p.closed {
		p.size--
		p.mu.Unlock()
		return request{}, false
	}
	p.idle = append(p.idle, w)
	p.mu.Unlock()

	t := time.NewTimer(p.cfg.IdleAfter)
	defer t.Stop()
	for {
		select {
		case r, ok := <-w.job:
			return r, ok
		case <-t.C:
			if p.retire(w) {
				return request{}, false
			}
			t.Reset(p.cfg.IdleAfter)
		}
	}
}

// retire takes w off the idle stack if it is still there and the pool is
// above Min. If Submit has popped it, a job is on its way: w stays.
func (p *Pool) retire(w *worker) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	i := slices.Index(p.idle, w)
	if i < 0 || p.size <= p.cfg.Min {
		return false
	}
	p.idle = slices.Delete(p.idle, i, i+1)
	p.record(p.size, p.size-1)
	p.size--
	return true
}

// control grows the pool when the queue has stayed deep for GrowAfter.
func (p *Pool) control() {
	defer close(p.stopped)
	t := time.NewTicker(p.cfg.GrowAfter / 4)
	defer t.Stop()
	var deepSince time.Time // zero while the queue is not deep
	for {
		var now time.Time
		select {
		case <-p.stop:
			return
		case now = <-t.C:
		}
		queued := len(p.queue)
		switch {
		case queued < p.cfg.DeepQueue:
			deepSince = time.Time{}
		case deepSince.IsZero():
			deepSince = now
		case now.Sub(deepSince) >= p.cfg.GrowAfter:
			p.mu.Lock()
			from := p.size
			p.mu.Unlock()
			if n := min(queued, p.cfg.Max-from); n > 0 {
				if ok, _ := p.start(n); ok > 0 {
					p.mu.Lock()
					p.record(p.size, p.size+ok)
					p.size += ok
					p.mu.Unlock()
				}
			}
			deepSince = time.Time{}
		}
	}
}

// record appends a scale event; p.mu is held.
func (p *Pool) record(from, to int) {
	p.events = append(p.events, ScaleEvent{At: time.Now(), From: from, To: to})
}

// Submit runs j on a worker's device and waits for its result.
func (p *Pool) Submit(j Job) (Result, error) {
	r := request{job: j, reply: make(chan reply, 1)}
	p.mu.Lock()
	if n := len(p.idle); n > 0 {
		w := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		w.job <- r // w was idle and its channel holds one: this never waits
	} else {
		p.queue <- r
		p.mu.Unlock()
	}
	a := <-r.reply
	return a.res, a.err
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
	p.mu.Lock()
	p.closed = true
	for _, w := range p.idle {
		close(w.job)
		p.size--
	}
	p.idle = nil
	p.mu.Unlock()
	p.wg.Wait()
}
