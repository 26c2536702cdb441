package main

import "runtime"

// Pin once at start-up instead of on every call: cheaper, and just as safe.
func init() {
	runtime.LockOSThread()
}

// compute sums the integers below n.
//
//go:noinline
func compute(n int) int {
	sum := 0
	for i := 0; i < n; i++ {
		sum += i
	}
	return sum
}
