package main

import (
	"runtime"
	"sync"
	"testing"

	"pinlab/exercises/device"
)

// Many callers share one worker; every caller must get its own answer back.
// A reply channel handed to the next caller too early shows up here.
func TestSubmitAnswers(t *testing.T) {
	w, err := NewWorker(2)
	if err != nil {
		t.Fatalf("NewWorker(2): %v", err)
	}
	defer w.Close()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				in := int64(g*10000 + i)
				if out, err := w.Submit(in); err != nil || out != device.Expected(2, in) {
					t.Errorf("Submit(%d) = %d, %v; want %d", in, out, err, device.Expected(2, in))
					return
				}
			}
		}()
	}
	wg.Wait()
}

// deviceAllocs is what one device.Compute call allocates by itself: the
// binding's output variable escapes to the heap because its address is
// passed to C. That one is not yours to remove.
func deviceAllocs(t *testing.T) float64 {
	done := make(chan float64)
	go func() {
		// a thread of its own: the test's thread must not keep a context
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := device.Init(3); err != nil {
			t.Error(err)
			done <- 0
			return
		}
		defer device.Shutdown(3)
		done <- testing.AllocsPerRun(200, func() { _, _ = device.Compute(3, 0, 1) })
	}()
	return <-done
}

// Submit itself must allocate nothing: per call, the whole program may
// allocate only what the device call does.
func TestSubmitDoesNotAllocate(t *testing.T) {
	w, err := NewWorker(1)
	if err != nil {
		t.Fatalf("NewWorker(1): %v", err)
	}
	defer w.Close()
	dev := deviceAllocs(t)
	got := testing.AllocsPerRun(200, func() { _, _ = w.Submit(5) })
	if got > dev {
		t.Errorf("a Submit round trip allocates %v objects; the device call alone allocates %v", got, dev)
	}
}

// BenchmarkSubmit is one caller's round trip through your pinned worker,
// the device's kernelTime included.
func BenchmarkSubmit(b *testing.B) {
	w, err := NewWorker(0)
	if err != nil {
		b.Fatalf("NewWorker(0): %v", err)
	}
	defer w.Close()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_, _ = w.Submit(int64(i))
	}
}

// roundTrip is the bare hand-off: send a reply channel to a goroutine that
// answers on it, and wait. No device, no allocation per trip.
func roundTrip(b *testing.B, pin bool) {
	in := make(chan chan int64)
	go func() {
		if pin {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
		}
		for r := range in {
			r <- 1
		}
	}()
	defer close(in)
	reply := make(chan int64, 1)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in <- reply
		<-reply
	}
}

// The same hand-off to a goroutine locked to its thread and to one that is
// not: the difference is what every Submit pays for the pin.
func BenchmarkRoundTripPinned(b *testing.B)   { roundTrip(b, true) }
func BenchmarkRoundTripUnpinned(b *testing.B) { roundTrip(b, false) }

var replySink chan result

// BenchmarkMakeReplyChan is what the starter pays per call for its reply
// channel: two heap objects, because result holds an interface.
func BenchmarkMakeReplyChan(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		replySink = make(chan result, 1)
	}
}
