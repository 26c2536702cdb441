package main

import (
	"context"

	"pinlab/exercises/device"
)

// Accel runs the model on the accelerator's devices through the pool.
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
func (a *Accel) Score(ctx context.Context, input int64) (int, int64, error) {
	type answer struct {
		dev int
		v   int64
		err error
	}
	out := make(chan answer, 1)
	err := a.pool.Run(ctx.Done(), func(dev int) {
		if err := ctx.Err(); err != nil {
			out <- answer{dev, 0, err}
			return
		}
		v, err := device.Compute(dev, kernel, input)
		out <- answer{dev, v, err}
	})
	if err != nil {
		if ctx.Err() != nil {
			return -1, 0, ctx.Err()
		}
		return -1, 0, err
	}
	select {
	case a := <-out:
		return a.dev, a.v, a.err
	case <-ctx.Done():
		return -1, 0, ctx.Err()
	}
}

// Close shuts every device down, each on its own thread.
func (a *Accel) Close() error { return a.pool.Close() }
