package main

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"

	"pinlab/exercises/device"
)

// Accel runs the model on the accelerator's devices (pinlab's simulated
// device library). A device context belongs to the OS thread that created
// it: a call from any other thread fails. A device runs one kernel at a
// time.
type Accel struct {
	busy []sync.Mutex // one per device
	next atomic.Uint64
}

// NewAccel opens the accelerator.
func NewAccel() (*Accel, error) {
	return &Accel{busy: make([]sync.Mutex, device.Count())}, nil
}

// Score runs input on the next device in turn and says which device it was.
func (a *Accel) Score(ctx context.Context, input int64) (int, int64, error) {
	dev := int(a.next.Add(1) % uint64(len(a.busy)))
	runtime.LockOSThread() // Init and Compute must run on the same thread
	defer runtime.UnlockOSThread()
	if err := device.Init(dev); err != nil { // free when this thread has one already
		return dev, 0, err
	}
	a.busy[dev].Lock()
	defer a.busy[dev].Unlock()
	if err := ctx.Err(); err != nil { // the client has gone: spend no device time
		return dev, 0, err
	}
	v, err := device.Compute(dev, kernel, input)
	return dev, v, err
}

// Close closes the accelerator. The contexts live on whichever threads
// served a request; there is no reaching them from here.
func (a *Accel) Close() error { return nil }
