package main

// The cost of each way to run one call on a thread with a per-thread
// setting, without the work itself:
//
//	cd exercises && go test -run '^$' -bench . ./15-tainted-threads/
//
// ExitLocked is the starter's way (a goroutine per call that ends locked,
// so its thread is destroyed); Restore binds the caller's own thread and
// puts the mask back before unlocking; Worker hands the call to a goroutine
// locked for good to a bound thread and waits for the answer.

import (
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

func lastCPU(tb testing.TB) (all, one unix.CPUSet) {
	if err := unix.SchedGetaffinity(0, &all); err != nil {
		tb.Fatal(err)
	}
	for c := 1023; c >= 0; c-- {
		if all.IsSet(c) {
			one.Set(c)
			break
		}
	}
	return all, one
}

func BenchmarkExitLocked(b *testing.B) {
	_, one := lastCPU(b)
	done := make(chan error, 1)
	for b.Loop() {
		go func() {
			runtime.LockOSThread() // never unlocked
			done <- unix.SchedSetaffinity(0, &one)
		}()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRestore(b *testing.B) {
	_, one := lastCPU(b)
	for b.Loop() {
		runtime.LockOSThread()
		var old unix.CPUSet
		if err := unix.SchedGetaffinity(0, &old); err != nil {
			b.Fatal(err)
		}
		if err := unix.SchedSetaffinity(0, &one); err != nil {
			b.Fatal(err)
		}
		if err := unix.SchedSetaffinity(0, &old); err != nil {
			b.Fatal(err)
		}
		runtime.UnlockOSThread()
	}
}

func BenchmarkWorker(b *testing.B) {
	_, one := lastCPU(b)
	calls, replies := make(chan struct{}), make(chan struct{})
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the benchmark
		if err := unix.SchedSetaffinity(0, &one); err != nil {
			panic(err)
		}
		for range calls {
			replies <- struct{}{}
		}
	}()
	for b.Loop() {
		calls <- struct{}{}
		<-replies
	}
	close(calls)
}
