package main

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

// The driver (main.go, which you do not edit) defines kernelTime, how long
// one kernel keeps a device busy. harness.Pinned(role) and harness.Unpinned()
// (package pinlab/exercises/harness) mark a long-lived pinned thread on
// pinlab's CPU map: call them in a worker after locking and before letting go.

type result struct {
	out int64
	err error
}

type job struct {
	req   int64
	reply chan result
}

// A pool of pinned workers, one per device. Each worker locks its goroutine
// to an OS thread once, initialises its device there, and serves requests
// from its queue. At most len(workers) kernels are in flight, so at most that
// many threads sit blocked in the device.
type pool struct {
	workers []chan job
	next    atomic.Uint64
	wg      sync.WaitGroup
}

var thePool *pool

// Setup starts one pinned worker per device and waits until every one of
// them has initialised its device (or returns the first Init error).
func Setup() error {
	p := &pool{workers: make([]chan job, device.Count())}
	ready := make(chan error, len(p.workers))
	for dev := range p.workers {
		p.workers[dev] = make(chan job, 16)
		p.wg.Add(1)
		go p.serve(dev, ready)
	}
	for range p.workers {
		<-ready // a worker whose Init failed answers every request with its error
	}
	thePool = p
	return nil
}

func (p *pool) serve(dev int, ready chan<- error) {
	defer p.wg.Done()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := device.Init(dev); err != nil {
		ready <- err
		for j := range p.workers[dev] { // keep answering, with the error
			j.reply <- result{0, err}
		}
		return
	}
	harness.Pinned(fmt.Sprintf("device %d worker", dev))
	ready <- nil
	for j := range p.workers[dev] {
		out, err := device.Compute(dev, kernelTime, j.req)
		j.reply <- result{out, err}
	}
	_ = device.Shutdown(dev)
	harness.Unpinned()
}

// Handle queues the request on the next worker, round robin, and waits for
// the answer. The caller's goroutine is parked on a channel, not on a thread.
func Handle(req int64) (int64, error) {
	p := thePool
	q := p.workers[p.next.Add(1)%uint64(len(p.workers))]
	reply := make(chan result, 1)
	q <- job{req, reply}
	r := <-reply
	return r.out, r.err
}

// Teardown stops the workers and waits until each has shut its device down.
func Teardown() error {
	for _, q := range thePool.workers {
		close(q)
	}
	thePool.wg.Wait()
	return nil
}
