package main

//go:noinline

// compute sums the integers below n. It touches no thread-local state, so it
// needs no pin.
func compute(n int) int {
	sum := 0
	for i := 0; i < n; i++ {
		sum += i
	}
	return sum
}
