package main

import (
	"runtime"
	"time"

	"pinlab/exercises/device"
)

// kernel is how long one job keeps a device busy.
const kernel = 500 * time.Microsecond

// Result says which device answered and what it returned.
type Result struct {
	Device int
	Value  int64
}

// slots bounds how many pinned goroutines exist at once: one per device.
var slots chan struct{}

func Start() error {
	slots = make(chan struct{}, device.Count())
	return nil
}

func Stop() {}

func Work(in int64) (Result, error) {
	type answer struct {
		res Result
		err error
	}
	slots <- struct{}{}
	defer func() { <-slots }()
	reply := make(chan answer, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread dies with us
		dev := int(in % int64(device.Count()))
		if err := device.Init(dev); err != nil {
			reply <- answer{err: err}
			return
		}
		v, err := device.Compute(dev, kernel, in)
		reply <- answer{Result{Device: dev, Value: v}, err}
	}()
	a := <-reply
	return a.res, a.err
}
