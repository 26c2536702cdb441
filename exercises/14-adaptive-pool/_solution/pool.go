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
// OS thread, between cfg.Min and cfg.Max of them. One controller goroutine
// decides the size and is the only one that counts workers: it grows the
// pool when the queue has stayed deep for GrowAfter, and retires workers the
// pool has not needed for IdleAfter.
type Pool struct {
	cfg  Config
	jobs chan request  // one queue for every worker; len(jobs) is its depth
	quit chan struct{} // one token: one worker (whichever is free) leaves
	busy atomic.Int32  // workers running a job right now

	// owned by the controller (and by NewPool before it starts)
	size     int         // workers running or told to start, not told to leave
	started  int         // workers ever started; the n-th uses device n % device.Count()
	lastNeed []time.Time // lastNeed[k]: the last time k workers had work (busy or queued)

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
		cfg:      cfg,
		jobs:     make(chan request, 256),
		quit:     make(chan struct{}, cfg.Max),
		lastNeed: make([]time.Time, cfg.Max+1),
		stop:     make(chan struct{}),
		stopped:  make(chan struct{}),
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
			p.busy.Add(1)
			v, err := device.Compute(dev, r.job.Work, r.job.Input)
			p.busy.Add(-1)
			r.reply <- reply{Result{Device: dev, Value: v}, err}
		case <-p.quit:
			return
		}
	}
}

// control looks at the queue a few times per time constant.
func (p *Pool) control() {
	defer close(p.stopped)
	t := time.NewTicker(min(p.cfg.GrowAfter, p.cfg.IdleAfter) / 4)
	defer t.Stop()
	now := time.Now()
	for k := range p.lastNeed {
		p.lastNeed[k] = now
	}
	var deepSince time.Time // zero while the queue is not deep
	for {
		select {
		case <-p.stop:
			return
		case now = <-t.C:
		}
		queued := len(p.jobs)
		need := min(int(p.busy.Load())+queued, p.cfg.Max)
		for k := 0; k <= need; k++ {
			p.lastNeed[k] = now
		}

		if queued < p.cfg.DeepQueue {
			deepSince = time.Time{}
		} else if deepSince.IsZero() {
			deepSince = now
		} else if now.Sub(deepSince) >= p.cfg.GrowAfter && p.size < p.cfg.Max {
			p.grow(min(queued, p.cfg.Max-p.size))
			deepSince = time.Time{} // the next step waits for another deep spell
			continue
		}

		// keep as many workers as were needed at any time in the last IdleAfter
		keep := p.cfg.Min
		for k := p.size; k > p.cfg.Min; k-- {
			if now.Sub(p.lastNeed[k]) < p.cfg.IdleAfter {
				keep = k
				break
			}
		}
		if keep < p.size {
			for i := keep; i < p.size; i++ {
				p.quit <- struct{}{}
			}
			p.record(p.size, keep)
			p.size = keep
		}
	}
}

// grow starts n more workers; those that fail to start do not count.
func (p *Pool) grow(n int) {
	ok, _ := p.start(n)
	if ok == 0 {
		return
	}
	now := time.Now()
	for k := p.size + 1; k <= p.size+ok; k++ {
		p.lastNeed[k] = now // a new worker gets a full IdleAfter before it may go
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
