package main

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
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
// OS thread. A controller goroutine owns the count of workers: it grows the
// pool when the queue stays deep and shrinks it after a quiet spell.
type Pool struct {
	cfg     Config
	jobs    chan request  // one queue for every worker; len(jobs) is its depth
	retire  chan struct{} // one token sends one idle worker home
	stop    chan struct{} // closed by Close: the controller returns
	pending atomic.Int64  // jobs submitted and not yet answered: running + waiting

	mu      sync.Mutex
	size    int // workers the controller counts (only it changes this after NewPool)
	started int // workers started so far; the n-th uses device n % device.Count()
	events  []ScaleEvent

	wg     sync.WaitGroup // workers
	ctlWG  sync.WaitGroup // the controller
	closed sync.Once
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
	p := &Pool{
		cfg:    cfg,
		jobs:   make(chan request, 256),
		retire: make(chan struct{}, cfg.Max),
		stop:   make(chan struct{}),
	}
	ready := make(chan error, cfg.Min)
	for i := 0; i < cfg.Min; i++ {
		p.start(ready)
	}
	p.size = cfg.Min
	var first error
	for i := 0; i < cfg.Min; i++ {
		if err := <-ready; err != nil && first == nil {
			first = err
		}
	}
	if first != nil {
		close(p.jobs)
		p.wg.Wait()
		return nil, first
	}
	p.ctlWG.Add(1)
	go p.control()
	return p, nil
}

func (p *Pool) start(ready chan<- error) {
	dev := p.started % device.Count()
	p.started++
	p.wg.Add(1)
	go p.worker(dev, ready)
}

// control looks at the pool a few times per GrowAfter.
func (p *Pool) control() {
	defer p.ctlWG.Done()
	every := p.cfg.GrowAfter / 5
	if every < time.Millisecond {
		every = time.Millisecond
	}
	t := time.NewTicker(every)
	defer t.Stop()
	type sample struct {
		at     time.Time
		needed int
	}
	var window []sample
	born := time.Now()
	var deepSince time.Time
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
		}
		now := time.Now()
		waiting := len(p.jobs)
		needed := int(p.pending.Load())
		window = append(window, sample{now, needed})
		cut := 0
		for cut < len(window) && now.Sub(window[cut].at) > p.cfg.IdleAfter {
			cut++
		}
		window = window[cut:]

		if waiting >= p.cfg.DeepQueue {
			if deepSince.IsZero() {
				deepSince = now
			}
		} else {
			deepSince = time.Time{}
		}

		p.mu.Lock()
		size := p.size
		switch {
		case !deepSince.IsZero() && now.Sub(deepSince) >= p.cfg.GrowAfter && size < p.cfg.Max:
			add := p.growBy(waiting, size)
			p.setSize(now, size+add)
			for i := 0; i < add; i++ {
				p.start(nil)
			}
			deepSince = now // another step needs another GrowAfter of deep queue
		case now.Sub(born) >= p.cfg.IdleAfter:
			peak := 0
			for _, s := range window {
				peak = max(peak, s.needed)
			}
			if target := p.shrinkTo(peak, size); target < size {
				p.setSize(now, target)
				for i := 0; i < size-target; i++ {
					p.retire <- struct{}{}
				}
			}
		}
		p.mu.Unlock()
	}
}

// growBy is how many workers to add for waiting jobs at size workers.
func (p *Pool) growBy(waiting, size int) int {
	return min(waiting, p.cfg.Max-size)
}

// shrinkTo is the size to keep when the pool needed at most peak workers
// during the last IdleAfter.
func (p *Pool) shrinkTo(peak, size int) int {
	if peak <= p.cfg.Min {
		return p.cfg.Min // the burst is over: back to Min
	}
	return size
}

// setSize records a change of size; p.mu is held.
func (p *Pool) setSize(at time.Time, to int) {
	p.events = append(p.events, ScaleEvent{At: at, From: p.size, To: to})
	p.size = to
}

// worker owns one OS thread and one device context for its whole life. When
// it leaves it shuts its context down and returns still locked, so that the
// runtime ends its thread.
func (p *Pool) worker(dev int, ready chan<- error) {
	defer p.wg.Done()
	runtime.LockOSThread()
	if err := device.Init(dev); err != nil {
		runtime.UnlockOSThread() // the thread holds no context: safe to hand back
		if ready != nil {
			ready <- err
		} else {
			p.mu.Lock()
			p.setSize(time.Now(), p.size-1)
			p.mu.Unlock()
		}
		return
	}
	harness.Pinned(fmt.Sprintf("device %d worker", dev))
	if ready != nil {
		ready <- nil
	}
	for {
		select {
		case r, ok := <-p.jobs:
			if !ok {
				p.leave(dev, true)
				return
			}
			v, err := device.Compute(dev, r.job.Work, r.job.Input)
			r.reply <- reply{Result{Device: dev, Value: v}, err}
		case <-p.retire:
			p.leave(dev, false)
			return
		}
	}
}

// leave shuts the context down on this thread; the caller then returns still
// locked and the runtime ends the thread.
func (p *Pool) leave(dev int, closing bool) {
	device.Shutdown(dev)
	harness.Unpinned()
}

// Submit runs j on a worker's device and waits for its result.
func (p *Pool) Submit(j Job) (Result, error) {
	rc := make(chan reply, 1)
	p.pending.Add(1)
	p.jobs <- request{job: j, reply: rc}
	r := <-rc
	p.pending.Add(-1)
	return r.res, r.err
}

// Events are the pool's scale events so far, oldest first.
func (p *Pool) Events() []ScaleEvent {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]ScaleEvent(nil), p.events...)
}

// Close stops the workers after the jobs already queued; each shuts its
// device context down on its own thread.
func (p *Pool) Close() {
	p.closed.Do(func() {
		close(p.stop)
		p.ctlWG.Wait()
		close(p.jobs)
		p.wg.Wait()
	})
}
