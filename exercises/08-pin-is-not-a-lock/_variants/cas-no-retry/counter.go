package main

import "sync/atomic"

// counter counts events from every goroutine.
var counter atomic.Int64

// Increment adds one to the counter with a compare-and-swap: it only stores
// old+1 if nobody changed the counter since it was read.
func Increment() {
	old := counter.Load()
	counter.CompareAndSwap(old, old+1)
}

// Count returns the counter's value.
func Count() int64 {
	return counter.Load()
}
