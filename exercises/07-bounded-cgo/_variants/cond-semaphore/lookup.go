package main

import "sync"

// From the exercise (clib.go, not in your workspace): libLookup(key) calls
// the C library; it is thread-safe and serves 8 calls at a time.

const maxInC = 16

var (
	mu     sync.Mutex
	freed  = sync.NewCond(&mu)
	inside int
)

// Lookup returns key's value from the C library, at most 16 callers in C.
func Lookup(key int64) int64 {
	mu.Lock()
	for inside == maxInC {
		freed.Wait() // parks the goroutine, not its thread
	}
	inside++
	mu.Unlock()
	defer func() {
		mu.Lock()
		inside--
		mu.Unlock()
		freed.Signal()
	}()
	return libLookup(key)
}
