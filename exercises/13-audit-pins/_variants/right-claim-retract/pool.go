package main

// The device pool: one goroutine per device, locked to its OS thread for its
// whole life, holding that device's context and running every kernel for it.
//
// Unlike a shared queue whose worker reads each job's context, here every
// device has its own queue (jobs go round-robin, as the starter's did) and
// a job carries a claim: the worker claims a job just before its kernel, the
// caller retracts it when its client goes. Whichever comes first wins, so a
// job whose client went while it waited is skipped at its turn, and the
// worker never touches a context.

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"

	"pinlab/exercises/device"
)

var errClosed = errors.New("accelerator closed")

const (
	jobWaiting int32 = iota
	jobClaimed       // the worker has begun its kernel
	jobRetracted     // its client went first: no kernel
)

type job struct {
	input int64
	state atomic.Int32
	value int64
	err   error
	done  chan struct{} // closed once value and err are set
}

// Pool owns the devices.
type Pool struct {
	mu     sync.RWMutex // read-held across a hand-over; Close write-holds it to close the queues
	closed bool
	queues []chan *job // one per device
	next   atomic.Uint64
	wg     sync.WaitGroup
}

// NewPool starts one pinned worker per device and returns once each has
// created its device's context (or the first error, pool closed).
func NewPool() (*Pool, error) {
	n := device.Count()
	p := &Pool{queues: make([]chan *job, n)}
	ready := make(chan error, n)
	for dev := 0; dev < n; dev++ {
		p.queues[dev] = make(chan *job, 64)
		p.wg.Add(1)
		go p.worker(dev, ready)
	}
	var first error
	for i := 0; i < n; i++ {
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

// worker is the one function of the service that pins. It never unlocks:
// the thread holds the context until Shutdown, and the goroutine exits
// locked, so the runtime discards that thread.
func (p *Pool) worker(dev int, ready chan<- error) {
	defer p.wg.Done()
	runtime.LockOSThread() // lockosthread:allow owns the device's context
	if err := device.Init(dev); err != nil {
		ready <- err
		for j := range p.queues[dev] { // until Close
			if j.state.CompareAndSwap(jobWaiting, jobClaimed) {
				j.err = err
				close(j.done)
			}
		}
		return
	}
	ready <- nil
	for j := range p.queues[dev] { // until Close, after the queue drains
		if !j.state.CompareAndSwap(jobWaiting, jobClaimed) {
			continue // retracted: its client has gone, spend no device time
		}
		j.value, j.err = device.Compute(dev, kernel, j.input)
		close(j.done)
	}
	_ = device.Shutdown(dev)
}

// Do runs input on the next device in turn and waits for the result, or
// for the client to go.
func (p *Pool) Do(ctx context.Context, input int64) (int, int64, error) {
	j := &job{input: input, done: make(chan struct{})}
	p.mu.RLock()
	if p.closed {
		p.mu.RUnlock()
		return 0, 0, errClosed
	}
	dev := int(p.next.Add(1) % uint64(len(p.queues)))
	if err := ctx.Err(); err != nil {
		p.mu.RUnlock()
		return dev, 0, err
	}
	select {
	case p.queues[dev] <- j:
	case <-ctx.Done():
		p.mu.RUnlock()
		return dev, 0, ctx.Err()
	}
	p.mu.RUnlock()
	select {
	case <-j.done:
		return dev, j.value, j.err
	case <-ctx.Done():
		if j.state.CompareAndSwap(jobWaiting, jobRetracted) {
			return dev, 0, ctx.Err()
		}
		<-j.done // its kernel had begun before the client went
		return dev, j.value, j.err
	}
}

// Close stops taking jobs, lets each worker run what is queued and shut its
// device down on its own thread, and returns once all have.
func (p *Pool) Close() {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		for _, q := range p.queues {
			close(q)
		}
	}
	p.mu.Unlock()
	p.wg.Wait()
}
