package main

import (
	"context"
	"sync"
	"sync/atomic"

	"pinlab/exercises/device"
)

// Accel runs the model on the accelerator's devices. A device runs one
// kernel at a time: the request that holds its mutex pins its thread for
// the call, and only then.
type Accel struct {
	busy []sync.Mutex // one per device
	next atomic.Uint64
	pool Pool
}

// NewAccel opens the accelerator.
func NewAccel() (*Accel, error) {
	return &Accel{busy: make([]sync.Mutex, device.Count())}, nil
}

// Score runs input on the next device in turn and says which device it was.
func (a *Accel) Score(ctx context.Context, input int64) (int, int64, error) {
	dev := int(a.next.Add(1) % uint64(len(a.busy)))
	a.busy[dev].Lock()
	defer a.busy[dev].Unlock()
	if err := ctx.Err(); err != nil {
		return dev, 0, err
	}
	var v int64
	err := a.pool.worker(dev, func() (err error) {
		v, err = device.Compute(dev, kernel, input)
		return err
	})
	return dev, v, err
}

// Close closes the accelerator.
func (a *Accel) Close() error { return nil }
