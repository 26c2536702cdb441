package main

import "sync"

// From the exercise (clib.go, not in your workspace): libLookup(key) calls
// the C library; it is thread-safe and serves 8 calls at a time.

// mu lets one goroutine into the C library at a time: the others wait in
// Go, where they hold no thread.
var mu sync.Mutex

// Lookup returns key's value from the C library.
func Lookup(key int64) int64 {
	mu.Lock()
	defer mu.Unlock()
	return libLookup(key)
}
