package main

import "sync"

// From the exercise (clib.go, not in your workspace): libLookup(key) calls
// the C library; it is thread-safe and serves 8 calls at a time.

const workers = 16

type request struct {
	key   int64
	reply chan int64
}

var (
	requests = make(chan request)
	start    sync.Once
)

// worker makes calls into C one after another; 16 of them bound the
// goroutines in C to 16. None is pinned: any thread may call the library.
func worker() {
	for r := range requests {
		r.reply <- libLookup(r.key)
	}
}

// Lookup returns key's value from the C library, through a worker.
func Lookup(key int64) int64 {
	start.Do(func() {
		for i := 0; i < workers; i++ {
			go worker()
		}
	})
	reply := make(chan int64, 1)
	requests <- request{key, reply}
	return <-reply
}
