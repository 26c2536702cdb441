package main

import "sync"

// counter counts events from every goroutine.
var counter int64

// Increment adds one to the counter under a mutex.
func Increment() {
	var mu sync.Mutex
	mu.Lock()
	counter++
	mu.Unlock()
}

// Count returns the counter's value.
func Count() int64 {
	var mu sync.Mutex
	mu.Lock()
	defer mu.Unlock()
	return counter
}
