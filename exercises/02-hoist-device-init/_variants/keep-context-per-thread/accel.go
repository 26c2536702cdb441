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

// Open prepares device dev for use.
func Open(dev int) (*Accelerator, error) {
	return &Accelerator{dev: dev}, nil
}

// Run pins for the call and initialises the device on this thread if it has
// no context yet (Init is free on a thread that has one). The context stays
// for the next call that lands here.
func (a *Accelerator) Run(work time.Duration, input int64) (int64, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := device.Init(a.dev); err != nil {
		return 0, err
	}
	return device.Compute(a.dev, work, input)
}

// Close releases the device on whichever thread holds a context for it here.
func (a *Accelerator) Close() error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := device.Init(a.dev); err != nil {
		return err
	}
	return device.Shutdown(a.dev)
}
