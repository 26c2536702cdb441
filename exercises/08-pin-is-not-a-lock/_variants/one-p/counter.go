package main

import (
	"runtime"
	"sync"
)

// counter counts events from every goroutine.
var counter int64

// single makes the program run Go code on one thread at a time: with a
// single P, two goroutines can never be inside Increment at the same moment.
var single sync.Once

// Increment adds one to the counter.
func Increment() {
	single.Do(func() { runtime.GOMAXPROCS(1) })
	counter++
}

// Count returns the counter's value.
func Count() int64 {
	return counter
}
