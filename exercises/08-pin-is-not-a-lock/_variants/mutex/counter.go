package main

import "sync"

var (
	mu      sync.Mutex // guards counter
	counter int64
)

// Increment adds one to the counter. The mutex keeps every other goroutine
// out of the read-modify-write, on whatever thread it runs.
func Increment() {
	mu.Lock()
	counter++
	mu.Unlock()
}

// Count returns the counter's value.
func Count() int64 {
	mu.Lock()
	defer mu.Unlock()
	return counter
}
