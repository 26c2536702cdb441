package main

import "runtime"

// compute sums the integers below n. Someone pinned it "for safety" long ago.
func compute(n int) int {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	sum := 0
	for i := 0; i < n; i++ {
		sum += i
	}
	return sum
}
