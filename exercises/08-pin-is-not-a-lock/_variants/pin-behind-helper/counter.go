package main

import (
	"runtime"
	"sync/atomic"
)

// counter counts events from every goroutine.
var counter atomic.Int64

var stay, leave = runtime.LockOSThread, runtime.UnlockOSThread

// onThisThread runs f with the goroutine kept on its thread.
func onThisThread(f func()) {
	stay()
	defer leave()
	f()
}

// Increment adds one to the counter.
func Increment() {
	onThisThread(func() { counter.Add(1) })
}

// Count returns the counter's value.
func Count() int64 {
	return counter.Load()
}
