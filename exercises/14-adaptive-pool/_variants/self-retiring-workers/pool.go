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
// OS thread. There is no controller goroutine: the pool's size changes on
// events.
//
//   - Growing: every change of the queue's depth (a Submit that queues, a
//     worker that takes a job) is noted under p.mu. When the queue turns
//     deep, a deep spell begins and a timer is armed for GrowAfter. The
//     spell ends when the queue is seen shallower for longer than a dip
//     (GrowAfter/20: the moment between a worker taking the next job and
//     its caller queueing again is not a shallow queue). If the timer fires
//     in the same spell, the queue has stayed deep for GrowAfter: start
//     workers for the jobs waiting, up to Max, in one step.
//   - Shrinking: "needed" is jobs submitted and not answered (running plus
//     waiting), kept exactly by Submit. For every rank k (the k-th worker)
//     the pool stamps the last moment at which k workers or more were
//     needed. The pool needs as many workers as the highest rank needed now
//     or stamped within the last IdleAfter (never fewer than Min). Idle
//     workers look a few times per IdleAfter; one that finds the pool
//     bigger than that takes one off the count, shuts its own context down
//     and returns still locked.
type Pool struct {
	cfg  Config
	jobs chan request // one queue for every worker; len(jobs) is its depth

	mu       sync.Mutex
	size     int // workers counted in the pool (started, not yet leaving)
	started  int // workers started so far; the n-th uses device n % device.Count()
	events   []ScaleEvent
	needed   int         // jobs submitted and not yet answered
	lastNeed []time.Time // lastNeed[k]: the last moment needed was k or more (k = 1..Max)
	deep     bool        // the queue was deep at the last change of its depth
	shallow  time.Time   // when it last turned shallower than DeepQueue
	inSpell  bool        // a deep spell is going on (dips shorter than dip allowed)
	spell    uint64      // the current spell's number; a grow timer counts for it only
	closed   bool

	wg sync.WaitGroup // every worker, until it has shut its context down
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
		cfg:      cfg,
		jobs:     make(chan request, 256),
		lastNeed: make([]time.Time, cfg.Max+1),
	}
	ready := make(chan error, cfg.Min)
	p.mu.Lock()
	for i := 0; i < cfg.Min; i++ {
		p.startLocked(ready)
	}
	p.size = cfg.Min
	p.mu.Unlock()
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

// startLocked starts one worker; p.mu is held.
func (p *Pool) startLocked(ready chan<- error) {
	dev := p.started % device.Count()
	p.started++
	p.wg.Add(1)
	go p.worker(dev, ready)
}

// setSizeLocked records a change of size; p.mu is held.
func (p *Pool) setSizeLocked(at time.Time, to int) {
	p.events = append(p.events, ScaleEvent{At: at, From: p.size, To: to})
	p.size = to
}

// dip is how long the queue may be seen shallower without ending a deep spell.
func (p *Pool) dip() time.Duration { return max(p.cfg.GrowAfter/20, 500*time.Microsecond) }

// depthChangedLocked is called after every change of len(p.jobs); p.mu is held.
func (p *Pool) depthChangedLocked() {
	now := time.Now()
	deepNow := len(p.jobs) >= p.cfg.DeepQueue
	switch {
	case deepNow && !p.deep:
		p.deep = true
		if !p.inSpell || now.Sub(p.shallow) > p.dip() {
			p.beginSpellLocked() // a new spell: the last one ended in a real gap
		}
	case !deepNow && p.deep:
		p.deep = false
		p.shallow = now
	}
}

// beginSpellLocked starts a deep spell and its GrowAfter timer; p.mu is held.
func (p *Pool) beginSpellLocked() {
	p.inSpell = true
	p.spell++
	n := p.spell
	time.AfterFunc(p.cfg.GrowAfter, func() { p.deepFor(n) })
}

// deepFor runs GrowAfter after spell n began: if the queue has stayed deep
// since (dips aside), grow for the jobs waiting, in one step.
func (p *Pool) deepFor(n uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || !p.inSpell || n != p.spell {
		return
	}
	if !p.deep && time.Since(p.shallow) > p.dip() {
		p.inSpell = false // the queue went shallow and stayed so: no growth
		return
	}
	if add := min(len(p.jobs), p.cfg.Max-p.size); add > 0 {
		p.setSizeLocked(time.Now(), p.size+add)
		for i := 0; i < add; i++ {
			p.startLocked(nil)
		}
	}
	p.beginSpellLocked() // another step needs another GrowAfter of deep queue
}

// wantedLocked is the size the pool needs now: the highest rank needed now or
// within the last IdleAfter, between Min and Max; p.mu is held.
func (p *Pool) wantedLocked(now time.Time) int {
	for k := p.cfg.Max; k > p.cfg.Min; k-- {
		if p.needed >= k || now.Sub(p.lastNeed[k]) < p.cfg.IdleAfter {
			return k
		}
	}
	return p.cfg.Min
}

// worker owns one OS thread and one device context for its whole life. When
// it leaves, for a quiet spell or for Close, it shuts its context down on
// its own thread and returns still locked: the runtime ends the thread.
func (p *Pool) worker(dev int, ready chan<- error) {
	defer p.wg.Done()
	runtime.LockOSThread()
	if err := device.Init(dev); err != nil {
		runtime.UnlockOSThread() // no context on it: the thread is clean
		if ready != nil {
			ready <- err
		} else {
			p.mu.Lock()
			p.setSizeLocked(time.Now(), p.size-1)
			p.mu.Unlock()
		}
		return
	}
	harness.Pinned(fmt.Sprintf("device %d worker", dev))
	if ready != nil {
		ready <- nil
	}
	look := max(p.cfg.IdleAfter/10, time.Millisecond)
	t := time.NewTicker(look)
	defer t.Stop()
	for {
		select {
		case r, ok := <-p.jobs:
			if !ok {
				p.leave(dev)
				return
			}
			p.mu.Lock()
			p.depthChangedLocked()
			p.mu.Unlock()
			v, err := device.Compute(dev, r.job.Work, r.job.Input)
			r.reply <- reply{Result{Device: dev, Value: v}, err}
		case <-t.C:
			if p.tryRetire() {
				p.leave(dev)
				return
			}
		}
	}
}

// tryRetire takes the calling idle worker off the count if the pool is
// bigger than it has needed for IdleAfter.
func (p *Pool) tryRetire() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if p.closed || p.size <= p.wantedLocked(now) {
		return false
	}
	p.setSizeLocked(now, p.size-1)
	return true
}

// leave shuts the context down on this thread. The caller returns without
// runtime.UnlockOSThread, and the runtime ends the thread.
func (p *Pool) leave(dev int) {
	device.Shutdown(dev)
	harness.Unpinned()
}

// Submit runs j on a worker's device and waits for its result.
func (p *Pool) Submit(j Job) (Result, error) {
	rc := make(chan reply, 1)
	p.mu.Lock()
	p.needed++
	p.mu.Unlock()
	p.jobs <- request{job: j, reply: rc}
	p.mu.Lock()
	p.depthChangedLocked()
	p.mu.Unlock()
	r := <-rc
	p.mu.Lock()
	if p.needed <= p.cfg.Max {
		p.lastNeed[p.needed] = time.Now() // rank p.needed was needed until now
	}
	p.needed--
	p.mu.Unlock()
	return r.res, r.err
}

// Events are the pool's scale events so far, oldest first.
func (p *Pool) Events() []ScaleEvent {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]ScaleEvent(nil), p.events...)
}

// Close stops the workers after the jobs already queued; each shuts its
// device context down on its own thread. It waits for every worker, those
// already leaving included.
func (p *Pool) Close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	p.mu.Unlock()
	close(p.jobs)
	p.wg.Wait()
}
