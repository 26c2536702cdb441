package main

import "runtime"

// guard runs f with the goroutine held on its thread, "for safety".
var guard = func(f func()) {
	hold := runtime.LockOSThread
	hold()
	defer runtime.UnlockOSThread()
	f()
}

// compute sums the integers below n.
//
//go:noinline
func compute(n int) int {
	sum := 0
	guard(func() {
		for i := 0; i < n; i++ {
			sum += i
		}
	})
	return sum
}
