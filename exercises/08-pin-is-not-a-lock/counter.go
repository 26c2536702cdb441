package main

import "runtime"

// counter counts events from every goroutine.
var counter int64

// Increment adds one to the counter. Its author believed that pinning the
// goroutine to its thread would keep other goroutines out while it runs.
func Increment() {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	counter++
}

// Count returns the counter's value.
func Count() int64 {
	return counter
}
