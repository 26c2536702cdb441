package main

import "sync"

var (
	mu      sync.RWMutex
	counter int64
)

// Increment adds one to the counter. Increments happen all the time and
// never block each other, so they share the lock; Count takes it alone.
func Increment() {
	mu.RLock()
	counter++
	mu.RUnlock()
}

// Count returns the counter's value.
func Count() int64 {
	mu.Lock()
	defer mu.Unlock()
	return counter
}
