package main

import (
	"errors"
	"runtime"
	"time"

	"pinlab/exercises/device"
)

// Accelerator runs kernels on one simulated device.
type Accelerator struct {
	dev int
}

// Open initialises the device once, up front.
func Open(dev int) (*Accelerator, error) {
	if err := device.Init(dev); err != nil {
		return nil, err
	}
	return &Accelerator{dev: dev}, nil
}

// Run runs one kernel. A call that lands on another thread than Init's fails
// with ErrWrongThread; let the scheduler move us and try again, a few times.
func (a *Accelerator) Run(work time.Duration, input int64) (int64, error) {
	for try := 0; ; try++ {
		out, err := device.Compute(a.dev, work, input)
		if !errors.Is(err, device.ErrWrongThread) || try == 1000 {
			return out, err
		}
		runtime.Gosched()
	}
}

// Close releases the device.
func (a *Accelerator) Close() error {
	return device.Shutdown(a.dev)
}
