package main

// compute sums the integers below n: 0 + 1 + ... + (n-1) = n(n-1)/2, and 0
// when there are none.
//
//go:noinline
func compute(n int) int {
	if n <= 0 {
		return 0
	}
	return n * (n - 1) / 2
}
