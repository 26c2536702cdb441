package main

// harness.Pinned(role) and harness.Unpinned() (package
// pinlab/exercises/harness) mark a long-lived locked thread on pinlab's CPU
// map: call Pinned after runtime.LockOSThread in a worker that keeps its
// thread, Unpinned before it lets go.

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

// Start prepares whatever Work needs. Today: nothing.
func Start() error { return nil }

// Stop releases what Start set up.
func Stop() {}

// Work runs one job on a device.
//
// Each call starts a goroutine that locks itself to its thread, creates a
// device context there and runs the job. The goroutine then exits without
// unlocking, on purpose: a thread that carries a device context should not
// go back to the scheduler for other goroutines to use, and a goroutine
// that exits while locked makes the runtime destroy its thread. Safe, and a
// new OS thread (and a new context) for every single call.
func Work(in int64) (Result, error) {
	type answer struct {
		res Result
		err error
	}
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
