package main

// From the exercise (clib.go, not in your workspace): libLookup(key) calls
// the C library; it is thread-safe and serves 8 calls at a time.

// slots keeps the number of goroutines in C small: four at a time.
var slots = make(chan struct{}, 4)

// Lookup returns key's value from the C library, four callers at a time.
func Lookup(key int64) int64 {
	slots <- struct{}{}
	defer func() { <-slots }()
	return libLookup(key)
}
