package main

import (
	"fmt"
	"runtime"
	"sync"
	"time"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

// Accelerator owns one device through a goroutine locked to the thread that
// holds the context. Anything that needs the context is sent to that
// goroutine as a function and runs there.
type Accelerator struct {
	dev      int
	do       chan func()
	stopped  sync.WaitGroup
	closeErr error // written by the worker before stopped.Done
}

// Open starts the worker and returns once it has initialised the device, or
// with Init's error.
func Open(dev int) (*Accelerator, error) {
	a := &Accelerator{dev: dev, do: make(chan func())}
	initErr := make(chan error, 1)
	a.stopped.Add(1)
	go func() {
		defer a.stopped.Done()
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := device.Init(dev); err != nil {
			initErr <- err
			return
		}
		harness.Pinned(fmt.Sprintf("device %d", dev))
		initErr <- nil
		for f := range a.do {
			f()
		}
		a.closeErr = device.Shutdown(dev)
		harness.Unpinned()
	}()
	if err := <-initErr; err != nil {
		return nil, fmt.Errorf("open device %d: %w", dev, err)
	}
	return a, nil
}

// Run runs one kernel on the device's thread and waits for its result.
func (a *Accelerator) Run(work time.Duration, input int64) (int64, error) {
	var out int64
	var err error
	finished := make(chan struct{})
	a.do <- func() {
		out, err = device.Compute(a.dev, work, input)
		close(finished)
	}
	<-finished
	return out, err
}

// Close stops the worker and waits until it has shut the device down.
func (a *Accelerator) Close() error {
	close(a.do)
	a.stopped.Wait()
	return a.closeErr
}
