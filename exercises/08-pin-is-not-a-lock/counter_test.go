package main

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// TestConcurrentIncrements runs Increment from many goroutines at once. Run
// it with -race: an unsynchronised counter fails there even when no
// increment happens to be lost.
func TestConcurrentIncrements(t *testing.T) {
	const goroutines, each = 8, 5000
	before := Count()
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				Increment()
			}
		}()
	}
	wg.Wait()
	if got := Count() - before; got != goroutines*each {
		t.Errorf("%d goroutines x %d increments counted %d, want %d (%d lost)",
			goroutines, each, got, goroutines*each, goroutines*each-got)
	}
}

// TestCountWhileIncrementing reads the counter while other goroutines are
// still incrementing it, as a metrics scraper would. Count must be safe to
// call at any moment (under -race a plain read of a word that others write
// fails here), must never go backwards, and must never exceed the
// increments started so far.
func TestCountWhileIncrementing(t *testing.T) {
	const goroutines, each = 4, 20000
	before := Count()
	var started atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	reading := make(chan struct{})
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		last := Count()
		close(reading) // the writers start once the reader runs
		for {
			select {
			case <-stop:
				return
			default:
			}
			seen := Count()
			if seen < last {
				t.Errorf("Count went backwards: %d after %d", seen, last)
			}
			if limit := before + started.Load(); seen > limit {
				t.Errorf("Count = %d, more than the %d increments started", seen-before, limit-before)
			}
			last = seen
			runtime.Gosched()
		}
	}()
	<-reading
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				started.Add(1)
				Increment()
			}
		}()
	}
	wg.Wait()
	close(stop)
	<-readerDone
	if got := Count() - before; got != goroutines*each {
		t.Errorf("%d goroutines x %d increments counted %d, want %d", goroutines, each, got, goroutines*each)
	}
}

// The benchmarks compare your Increment with three references: the pinned
// (wrong) counter of the starter, a mutex and an atomic. "Serial" is one
// goroutine; "Parallel" is one goroutine per P on the same counter.
//
//	go test -run '^$' -bench . -count 5 ./08-pin-is-not-a-lock
//
// Run them without -race: the race detector slows everything down.

var (
	refPinned  int64
	refMu      sync.Mutex
	refLocked  int64
	refAtomic  atomic.Int64
	references = []struct {
		name string
		inc  func()
	}{
		{"yours", Increment},
		{"pinned", func() {
			runtime.LockOSThread()
			refPinned++ // racy on purpose: this is the starter
			runtime.UnlockOSThread()
		}},
		{"mutex", func() {
			refMu.Lock()
			refLocked++
			refMu.Unlock()
		}},
		{"atomic", func() { refAtomic.Add(1) }},
	}
)

func BenchmarkSerial(b *testing.B) {
	for _, r := range references {
		b.Run(r.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				r.inc()
			}
		})
	}
}

func BenchmarkParallel(b *testing.B) {
	for _, r := range references {
		b.Run(r.name, func(b *testing.B) {
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					r.inc()
				}
			})
		})
	}
}
