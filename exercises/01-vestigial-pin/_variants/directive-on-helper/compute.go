package main

// compute sums the integers below n. It touches no thread-local state, so it
// needs no pin.
func compute(n int) int {
	return sumBelow(n)
}

// sumBelow is the loop, kept out of line.
//
//go:noinline
func sumBelow(n int) int {
	sum := 0
	for i := 0; i < n; i++ {
		sum += i
	}
	return sum
}
