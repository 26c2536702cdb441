package main

import (
	"os"
	"os/exec"
	"runtime"
	"testing"

	"pinlab/exercises/harness"
)

func TestComputeSums(t *testing.T) {
	for _, c := range []struct{ n, want int }{{0, 0}, {1, 0}, {4, 6}, {1000, 499500}, {1037, 537166}} {
		if got := compute(c.n); got != c.want {
			t.Errorf("compute(%d) = %d, want %d", c.n, got, c.want)
		}
	}
}

// BenchmarkCompute measures compute.go as it is now: the starter here, your
// version in a workspace run through pinlab.
func BenchmarkCompute(b *testing.B) {
	for i := 0; i < b.N; i++ {
		_ = compute(1000)
	}
}

// sumPinned and sumPlain are the starter's and the solution's compute, kept
// here so that BenchmarkPin compares the two whatever compute.go holds.
func sumPinned(n int) int {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	sum := 0
	for i := 0; i < n; i++ {
		sum += i
	}
	return sum
}

//go:noinline
func sumPlain(n int) int {
	sum := 0
	for i := 0; i < n; i++ {
		sum += i
	}
	return sum
}

// BenchmarkPin times one call of each, from one goroutine and from eight
// goroutines sharing the Ps, as the driver's callers do:
//
//	go test -run '^$' -bench Pin -cpu 2 -count 5 ./01-vestigial-pin
func BenchmarkPin(b *testing.B) {
	for _, c := range []struct {
		name string
		f    func(int) int
	}{{"pinned", sumPinned}, {"plain", sumPlain}} {
		b.Run(c.name+"/1-caller", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if c.f(1000) != 499500 {
					b.Fatal("wrong sum")
				}
			}
		})
		b.Run(c.name+"/8-callers", func(b *testing.B) {
			b.SetParallelism((8 + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if c.f(1000) != 499500 {
						b.Error("wrong sum")
						return
					}
				}
			})
		})
	}
}

// TestTemplateThread shows the thread the README calls the template thread:
// in a program without cgo, the first runtime.LockOSThread makes the runtime
// start one more OS thread (runtime/proc.go, startTemplateThread), which stays
// for the life of the process; later locks start none. It measures a fresh
// copy of this test binary, in which nothing has locked a thread yet:
//
//	go test -run TemplateThread -v ./01-vestigial-pin
func TestTemplateThread(t *testing.T) {
	if os.Getenv("PINLAB_TEMPLATE_CHILD") == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestTemplateThread$", "-test.v")
		cmd.Env = append(os.Environ(), "PINLAB_TEMPLATE_CHILD=1")
		out, err := cmd.CombinedOutput()
		t.Logf("fresh process:\n%s", out)
		if err != nil {
			t.Fatalf("the fresh process failed: %v", err)
		}
		return
	}
	before := harness.SelfThreads()
	runtime.LockOSThread()
	runtime.UnlockOSThread()
	first := harness.SelfThreads()
	runtime.LockOSThread()
	runtime.UnlockOSThread()
	second := harness.SelfThreads()
	t.Logf("OS threads: %d before any lock, %d after the first Lock/Unlock, %d after the second", before, first, second)
	if first != before+1 || second != first {
		t.Errorf("want one more thread after the first lock and none after the second")
	}
}
