package main

import "runtime"

// From the exercise (clib.go, not in your workspace): libLookup(key) calls
// the C library; it is thread-safe and serves 8 calls at a time.

type request struct {
	key   int64
	reply chan int64
}

var requests = make(chan request)

// Sixteen workers do every call into C: never more than 16 threads in the
// library. Each keeps its own thread, so that a C call never has to wait for
// the runtime to find it one.
func init() {
	for i := 0; i < 16; i++ {
		go worker()
	}
}

func worker() {
	runtime.LockOSThread()
	for r := range requests {
		r.reply <- libLookup(r.key)
	}
}

// Lookup returns key's value from the C library, through a worker.
func Lookup(key int64) int64 {
	reply := make(chan int64, 1)
	requests <- request{key, reply}
	return <-reply
}
