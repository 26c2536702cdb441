package main

// compute sums the integers below n. It touches no thread-local state, so it
// needs no pin.
//
// go:noinline
func compute(n int) int {
	sum := 0
	for i := 0; i < n; i++ {
		sum += i
	}
	return sum
}
