package main

import (
	"runtime"
	"time"

	"pinlab/exercises/device"
)

// Accelerator runs kernels on one simulated device.
type Accelerator struct {
	dev int
}

// Open initialises the device once, on a locked thread.
func Open(dev int) (*Accelerator, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := device.Init(dev); err != nil {
		return nil, err
	}
	return &Accelerator{dev: dev}, nil
}

// Run runs one kernel, locked to the thread like Init was.
func (a *Accelerator) Run(work time.Duration, input int64) (int64, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return device.Compute(a.dev, work, input)
}

// Close releases the device, locked too.
func (a *Accelerator) Close() error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return device.Shutdown(a.dev)
}
