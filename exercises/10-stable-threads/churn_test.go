package main

// What a goroutine per call costs when it ends locked, against one that
// unlocks first, without any device: run with
//
//	go test -run '^$' -bench . ./10-stable-threads
//
// in exercises/. moves/op is how often a call ran on another OS thread than
// the call before it: 1 when every call gets a new thread.

import (
	"runtime"
	"syscall"
	"testing"
)

func perCall(b *testing.B, unlock bool) {
	tids := make(chan int, 1)
	last, moves := 0, 0
	for b.Loop() {
		go func() {
			runtime.LockOSThread()
			tid := syscall.Gettid()
			if unlock {
				runtime.UnlockOSThread()
			}
			tids <- tid
		}()
		if tid := <-tids; tid != last {
			moves++
			last = tid
		}
	}
	b.ReportMetric(float64(moves)/float64(b.N), "moves/op")
}

// BenchmarkGoroutineUnlocks: the goroutine unlocks before it ends, and its
// thread goes back to the runtime for the next one.
func BenchmarkGoroutineUnlocks(b *testing.B) { perCall(b, true) }

// BenchmarkGoroutineExitsLocked: the goroutine ends locked, the runtime
// destroys its thread, and the next call needs a new one.
func BenchmarkGoroutineExitsLocked(b *testing.B) { perCall(b, false) }
