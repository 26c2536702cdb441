package main

import (
	"errors"
	"fmt"
	"runtime"
	"sync"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

// ErrClosed is what Run returns once Close has begun.
var ErrClosed = errors.New("accelerator closed")

// Pool runs functions on the device threads: each worker is locked to its
// thread for good and holds its device's context there.
type Pool struct {
	work    chan func(dev int)
	quit    chan struct{}
	once    sync.Once
	workers sync.WaitGroup
}

// NewPool opens every device on its worker's thread.
func NewPool(devices int) (*Pool, error) {
	p := &Pool{work: make(chan func(int)), quit: make(chan struct{})}
	ready := make(chan error, devices)
	for d := 0; d < devices; d++ {
		p.workers.Add(1)
		go p.worker(d, ready)
	}
	var first error
	for d := 0; d < devices; d++ {
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

func (p *Pool) worker(dev int, ready chan<- error) {
	defer p.workers.Done()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := device.Init(dev); err != nil {
		ready <- fmt.Errorf("accelerator: %w", err)
		return
	}
	harness.Pinned(fmt.Sprintf("device %d worker", dev))
	defer func() {
		_ = device.Shutdown(dev)
		harness.Unpinned()
	}()
	ready <- nil
	for {
		select {
		case fn := <-p.work:
			fn(dev)
		case <-p.quit:
			return
		}
	}
}

// Run hands fn to the first worker free, or gives up when done closes or
// the pool does.
func (p *Pool) Run(done <-chan struct{}, fn func(dev int)) error {
	select {
	case p.work <- fn:
		return nil
	case <-done:
		return errors.New("cancelled")
	case <-p.quit:
		return ErrClosed
	}
}

// Close stops the workers; each shuts its device down on its own thread.
func (p *Pool) Close() error {
	p.once.Do(func() { close(p.quit) })
	p.workers.Wait()
	return nil
}
