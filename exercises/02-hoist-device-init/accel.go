package main

import (
	"runtime"
	"time"

	"pinlab/exercises/device"
)

// harness.Pinned(role) and harness.Unpinned() (package
// pinlab/exercises/harness) mark a long-lived pinned thread on pinlab's CPU
// map: call them in your worker after locking and before letting go.

// Accelerator runs kernels on one simulated device. The device is
// thread-affine, like a CUDA context: device.Init binds a context to the OS
// thread that calls it, and only that thread can use it.
//
// The driver calls Open once per device, then Run from several goroutines at
// once, then Close. Keep these signatures.
type Accelerator struct {
	dev int
}

// Open prepares device dev for use.
func Open(dev int) (*Accelerator, error) {
	return &Accelerator{dev: dev}, nil
}

// Run runs one kernel that keeps the device busy for work and returns its
// result.
func (a *Accelerator) Run(work time.Duration, input int64) (int64, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := device.Init(a.dev); err != nil {
		return 0, err
	}
	defer device.Shutdown(a.dev)
	return device.Compute(a.dev, work, input)
}

// Close releases the device. Run is not called after Close.
func (a *Accelerator) Close() error {
	return nil
}
