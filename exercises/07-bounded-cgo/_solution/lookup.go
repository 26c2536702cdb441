package main

// From the exercise (clib.go, not in your workspace): libLookup(key) calls
// the C library; it is thread-safe and serves 8 calls at a time.

// cgoSlots bounds how many goroutines are inside the C library at once. The
// library serves 8 calls at a time; 16 slots keep it busy (8 served, 8
// ready to go next) without parking hundreds of OS threads in C.
var cgoSlots = make(chan struct{}, 16)

// Lookup returns key's value from the C library.
//
// No pin: the library is thread-safe, any thread may call it. A goroutine
// waiting for a slot waits in Go, where it costs a few kilobytes of stack
// and no OS thread.
func Lookup(key int64) int64 {
	cgoSlots <- struct{}{}
	defer func() { <-cgoSlots }()
	return libLookup(key)
}
