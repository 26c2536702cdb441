package main

// From the driver (kernel.go, not in your workspace): kernel(dev, in) runs a
// job on the calling thread's context for dev and may panic; faultLimit and
// faultWindow say when a worker is failing; probeInput is the input of a
// health probe. harness.Pinned(role) and harness.Unpinned() mark a locked
// thread on pinlab's CPU map.

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

// retryEvery is how long a replacement whose probe failed waits before the
// next one starts.
const retryEvery = 20 * time.Millisecond

var (
	// ErrUnavailable: more than half the pool is failed; try again later.
	ErrUnavailable = errors.New("pool: unavailable, most workers are failed")
	// ErrClosed: the pool was closed.
	ErrClosed = errors.New("pool: closed")
)

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

// Pool runs jobs on one pinned worker per device. A worker whose jobs keep
// panicking is retired with its thread and replaced by a fresh one.
type Pool struct {
	jobs chan job
	quit chan struct{}
	wg   sync.WaitGroup

	mu     sync.Mutex
	size   int
	failed int // workers retired whose replacement has not passed its probe
	closed bool
}

// NewPool starts a worker per device and returns once every one holds its
// device's context.
func NewPool() (*Pool, error) {
	p := &Pool{jobs: make(chan job), quit: make(chan struct{}), size: device.Count()}
	ready := make(chan error, p.size)
	for d := 0; d < p.size; d++ {
		p.wg.Add(1)
		go p.worker(d, ready)
	}
	var first error
	for d := 0; d < p.size; d++ {
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

// Submit runs in on some device. It returns ErrUnavailable at once while
// more than half the pool is failed, and ctx's error if ctx ends first.
func (p *Pool) Submit(ctx context.Context, in int64) (Result, error) {
	p.mu.Lock()
	closed, unhealthy := p.closed, 2*p.failed > p.size
	p.mu.Unlock()
	if closed {
		return Result{}, ErrClosed
	}
	if unhealthy {
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

// worker serves dev from a thread of its own. ready is nil for a
// replacement, which is healthy as soon as its context is initialised.
//
// The goroutine never unlocks its thread: when it returns, the runtime
// destroys the thread, and with it whatever state the kernel library left
// there. A retired worker's thread is never handed to other goroutines.
func (p *Pool) worker(dev int, ready chan<- error) {
	defer p.wg.Done()
	runtime.LockOSThread()
	if err := device.Init(dev); err != nil {
		if ready != nil {
			ready <- err
		} else {
			p.replace(dev)
		}
		return
	}
	harness.Pinned(fmt.Sprintf("device %d worker", dev))
	if ready != nil {
		ready <- nil
	} else {
		// A fresh thread with a fresh context: back in service.
		p.mu.Lock()
		p.failed--
		p.mu.Unlock()
	}
	var faults []time.Time // when this worker's jobs panicked, within the window
	for {
		select {
		case <-p.quit:
			device.Shutdown(dev)
			return
		case j := <-p.jobs:
			v, err := p.run(dev, j.in)
			j.reply <- answer{Result{Device: dev, Value: v}, err}
			if !errors.Is(err, errPanic) {
				continue
			}
			now := time.Now()
			faults = append(faults, now)
			for len(faults) > 0 && now.Sub(faults[0]) > faultWindow {
				faults = faults[1:]
			}
			if len(faults) > faultLimit {
				p.mu.Lock()
				p.failed++
				p.mu.Unlock()
				device.Shutdown(dev)
				p.replace(dev)
				return // locked: the thread ends with this goroutine
			}
		}
	}
}

// replace starts a fresh worker for dev after retryEvery, unless the pool is
// closing. The caller's goroutine returns locked right after.
func (p *Pool) replace(dev int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.wg.Add(1)
	go func() {
		select {
		case <-time.After(retryEvery):
			p.worker(dev, nil)
		case <-p.quit:
			p.wg.Done()
		}
	}()
}

var errPanic = errors.New("kernel panicked")

// run calls the kernel and turns a panic into an error for this job.
func (p *Pool) run(dev int, in int64) (v int64, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", errPanic, r)
		}
	}()
	return kernel(dev, in)
}
