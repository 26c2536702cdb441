package main

import "runtime"

// compute sums the integers below n. The lock is gone; the deferred unlock
// is harmless on its own and keeps compute a real call (a function with a
// defer is not inlined).
func compute(n int) int {
	defer runtime.UnlockOSThread()
	sum := 0
	for i := 0; i < n; i++ {
		sum += i
	}
	return sum
}
