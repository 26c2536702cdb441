package main

import "testing"

func TestComputeSums(t *testing.T) {
	for _, c := range []struct{ n, want int }{{0, 0}, {1, 0}, {4, 6}, {1000, 499500}} {
		if got := compute(c.n); got != c.want {
			t.Errorf("compute(%d) = %d, want %d", c.n, got, c.want)
		}
	}
}

func BenchmarkCompute(b *testing.B) {
	for i := 0; i < b.N; i++ {
		_ = compute(1000)
	}
}
