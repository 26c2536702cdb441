package main

// WRONG answer "close-leaks-successor": chain-succession, but successors are
// not tracked by Close and never look at quit while they retry.
// Original text: no supervisor goroutine. Each worker is a
// link in a chain per device: when it fails (more than faultLimit panics whose
// times all lie within faultWindow, kept in a ring of faultLimit+1 stamps) it
// shuts its context down on its own thread, hands off to its successor and
// returns still locked. The successor waits a little, locks a thread of its
// own, inits, probes with the kernel itself, and either joins or hands off
// again. The breaker is one atomic count of failed workers.

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

var (
	// ErrUnavailable: more than half the pool is failed; try again later.
	ErrUnavailable = errors.New("pool: unavailable, most workers are failed")
	// ErrClosed: the pool was closed.
	ErrClosed = errors.New("pool: closed")
)

// retryPause: how long a successor waits before it tries a device again.
const retryPause = 20 * time.Millisecond

// Result says which device answered and what it returned.
type Result struct {
	Device int
	Value  int64
}

type answer struct {
	res Result
	err error
}

type job struct {
	in    int64
	reply chan answer // buffered (1): a worker never waits for a caller
}

// Pool runs jobs on one pinned worker per device.
type Pool struct {
	jobs chan job
	quit chan struct{}
	wg   sync.WaitGroup
	n    int

	failed atomic.Int32 // workers retired and not yet succeeded by one that passed its probe

	mu     sync.Mutex
	closed bool
}

// NewPool starts a worker per device and returns once every one holds its
// device's context.
func NewPool() (*Pool, error) {
	n := device.Count()
	p := &Pool{jobs: make(chan job), quit: make(chan struct{}), n: n}
	ready := make(chan error, n)
	for d := 0; d < n; d++ {
		p.wg.Add(1)
		go p.link(d, ready, false)
	}
	var first error
	for d := 0; d < n; d++ {
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

// Submit runs in on some device, or returns ctx's error if ctx ends first.
func (p *Pool) Submit(ctx context.Context, in int64) (Result, error) {
	p.mu.Lock()
	closed := p.closed
	p.mu.Unlock()
	if closed {
		return Result{}, ErrClosed
	}
	if 2*int(p.failed.Load()) > p.n {
		return Result{}, ErrUnavailable
	}
	j := job{in: in, reply: make(chan answer, 1)}
	select {
	case p.jobs <- j:
	case <-p.quit:
		return Result{}, ErrClosed
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
	select {
	case a := <-j.reply:
		return a.res, a.err
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
}

// Close stops every worker and waits until each has shut its context down.
func (p *Pool) Close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	close(p.quit)
	p.mu.Unlock()
	p.wg.Wait()
}

// safeKernel runs one kernel call and turns its panic into an error.
func safeKernel(dev int, in int64) (v int64, err error, panicked bool) {
	defer func() {
		if r := recover(); r != nil {
			v, err, panicked = 0, fmt.Errorf("device %d: kernel panic: %v", dev, r), true
		}
	}()
	v, err = kernel(dev, in)
	return v, err, false
}

// handOff starts the successor of a retired link (the caller still holds its
// wg slot, so Add cannot race with Close's Wait reaching zero).
func (p *Pool) handOff(dev int) {
	go p.link(dev, nil, true) // fire and forget: Close does not wait for it
}

// link is one worker of dev's chain. A successor (ready == nil) waits a
// little first, then must pass the probe before it takes any job.
func (p *Pool) link(dev int, ready chan<- error, successor bool) {
	if !successor {
		defer p.wg.Done()
	}
	if successor {
		time.Sleep(retryPause)
	}
	runtime.LockOSThread()
	// From here on this goroutine never unlocks: when it returns, the
	// runtime ends its thread and whatever the library left in it.
	if err := device.Init(dev); err != nil {
		if ready != nil {
			ready <- err
			return
		}
		p.handOff(dev)
		return
	}
	harness.Pinned(fmt.Sprintf("device %d worker", dev))
	if successor {
		v, err, _ := safeKernel(dev, probeInput)
		if err != nil || v != device.Expected(dev, probeInput) {
			device.Shutdown(dev)
			p.handOff(dev) // still failed: the count stays as it is
			return
		}
		p.failed.Add(-1)
	} else {
		ready <- nil
	}

	var stamps [faultLimit + 1]time.Time // ring of the latest panics
	next, seen := 0, 0
	for {
		select {
		case <-p.quit:
			device.Shutdown(dev)
			return
		case j := <-p.jobs:
			v, err, panicked := safeKernel(dev, j.in)
			j.reply <- answer{Result{Device: dev, Value: v}, err}
			if !panicked {
				continue
			}
			now := time.Now()
			stamps[next] = now
			next = (next + 1) % len(stamps)
			seen++
			// stamps[next] is now the oldest of the last faultLimit+1 panics.
			if seen > faultLimit && now.Sub(stamps[next]) <= faultWindow {
				p.failed.Add(1)
				device.Shutdown(dev)
				p.handOff(dev)
				return
			}
		}
	}
}
