package main

import (
	"runtime"

	"pinlab/exercises/device"
)

// Pool pins a thread for one device call at a time.
type Pool struct{}

// worker runs fn for dev on a locked thread that holds dev's context
// (device.Init is free when the thread has one already).
func (p *Pool) worker(dev int, fn func() error) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := device.Init(dev); err != nil {
		return err
	}
	return fn()
}
