package main

import (
	"context"
)

// Accel runs the model on the accelerator's devices (pinlab's simulated
// device library). A device context belongs to the OS thread that created
// it, so every device call goes through the Pool (pool.go): one pinned
// worker per device. Nothing here pins.
type Accel struct {
	pool *Pool
}

// NewAccel opens the accelerator: one pinned worker per device, each of
// which has created its device's context before NewAccel returns.
func NewAccel() (*Accel, error) {
	p, err := NewPool()
	if err != nil {
		return nil, err
	}
	return &Accel{pool: p}, nil
}

// Score runs input on a device and says which device it was.
func (a *Accel) Score(ctx context.Context, input int64) (int, int64, error) {
	return a.pool.Do(ctx, input)
}

// Close shuts every device down, each on its worker's thread, and returns
// once all of them are shut down.
func (a *Accel) Close() error {
	a.pool.Close()
	return nil
}
