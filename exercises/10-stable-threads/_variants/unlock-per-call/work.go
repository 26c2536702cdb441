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

func Start() error { return nil }

func Stop() {}

// Work pins a goroutine for the call, and cleans up after itself: the
// context is shut down and the thread unlocked, so the runtime can reuse
// the thread instead of destroying it.
func Work(in int64) (Result, error) {
	type answer struct {
		res Result
		err error
	}
	reply := make(chan answer, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		dev := int(in % int64(device.Count()))
		if err := device.Init(dev); err != nil {
			reply <- answer{err: err}
			return
		}
		defer device.Shutdown(dev)
		v, err := device.Compute(dev, kernel, in)
		reply <- answer{Result{Device: dev, Value: v}, err}
	}()
	a := <-reply
	return a.res, a.err
}
