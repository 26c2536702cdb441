package main

import (
	"context"

	"pinlab/exercises/device"
)

// Accel runs the model on the accelerator's devices (pinlab's simulated
// device library) through the pool: one pinned worker per device.
type Accel struct {
	pool *Pool
}

// NewAccel opens every device, each on its worker's thread.
func NewAccel() (*Accel, error) {
	p, err := NewPool(device.Count())
	if err != nil {
		return nil, err
	}
	return &Accel{pool: p}, nil
}

// Score runs input on the first device free and says which device it was.
// The pool knows nothing of requests: a client that has gone is turned away
// here, before its job is sent.
func (a *Accel) Score(ctx context.Context, input int64) (int, int64, error) {
	if err := ctx.Err(); err != nil { // the client has gone: spend no device time
		return -1, 0, err
	}
	return a.pool.Do(input)
}

// Close shuts every device down, each on its own thread.
func (a *Accel) Close() error { return a.pool.Close() }
