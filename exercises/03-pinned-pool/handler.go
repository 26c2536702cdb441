package main

import (
	"runtime"

	"pinlab/exercises/device"
)

// The driver (main.go, which you do not edit) defines kernelTime, how long
// one kernel keeps a device busy. harness.Pinned(role) and harness.Unpinned()
// (package pinlab/exercises/harness) mark a long-lived pinned thread on
// pinlab's CPU map: call them in a worker after locking and before letting go.

type result struct {
	out int64
	err error
}

// Setup runs once before the first request.
func Setup() error {
	return nil
}

// Handle serves one request: it runs the request's kernel on one of the
// devices and returns the kernel's result (2*req plus the index of the device
// that ran it). Many goroutines call Handle at once.
func Handle(req int64) (int64, error) {
	reply := make(chan result, 1)
	go func() {
		// The device is thread-affine, so the request pins its goroutine
		// while it talks to it. device.Init is free on a thread that already
		// holds the context, and costs 10 ms on one that does not.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		dev := int(req % int64(device.Count()))
		if err := device.Init(dev); err != nil {
			reply <- result{0, err}
			return
		}
		out, err := device.Compute(dev, kernelTime, req)
		reply <- result{out, err}
	}()
	r := <-reply
	return r.out, r.err
}

// Teardown runs once after the last request.
func Teardown() error {
	return nil
}
