package main

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"pinlab/exercises/device"
)

// Every caller must get its own answer back, with two workers sharing
// whatever Submit reuses: 28 goroutines each send one call in 7 to one worker
// and the rest to the other, so that the busy worker's 16-job queue stays full
// and the quiet one answers sooner. A reply channel that goes back for reuse
// before its answer has been received, or one channel shared by several
// callers, hands answers to the wrong caller here. (With one worker and a
// short queue, answers come back in the order callers wait for them, and
// such mistakes can go unseen.)
func TestSubmitAnswers(t *testing.T) {
	workers := []*Worker{startWorker(t, 2), startWorker(t, 3)}
	const goroutines, calls = 28, 60
	var wrong atomic.Int64
	var first atomic.Value
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range calls {
				w, dev := workers[0], 2
				if (i+g)%7 == 0 {
					w, dev = workers[1], 3
				}
				in := int64(g*100_000 + i)
				out, err := w.Submit(in)
				if err != nil || out != device.Expected(dev, in) {
					first.CompareAndSwap(nil, fmt.Sprintf("Submit(%d) on device %d = %d, %v; want %d", in, dev, out, err, device.Expected(dev, in)))
					wrong.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if n := wrong.Load(); n > 0 {
		t.Errorf("%d of %d answers went to the wrong caller; the first: %s", n, goroutines*calls, first.Load())
	}
}

func startWorker(t *testing.T, dev int) *Worker {
	t.Helper()
	w, err := NewWorker(dev)
	if err != nil {
		t.Fatalf("NewWorker(%d): %v", dev, err)
	}
	t.Cleanup(w.Close)
	return w
}

// deviceAllocs is what one device.Compute call allocates by itself. The
// binding returns the result by value (no Go variable's address goes to C),
// so this is 0; if a device binding did allocate, that would not be yours
// to remove.
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
	w := startWorker(t, 1)
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

// roundTrips is that hand-off with callers sharing the one goroutine, as a
// worker's callers do: with -cpu 2, RunParallel runs four callers. ns/op is
// then the time per answered call, and 1e9 / ns/op the calls per second one
// goroutine answers.
func roundTrips(b *testing.B, pin bool) {
	in := make(chan chan int64, 16)
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
	b.SetParallelism(2)
	b.RunParallel(func(pb *testing.PB) {
		reply := make(chan int64, 1)
		for pb.Next() {
			in <- reply
			<-reply
		}
	})
}

func BenchmarkRoundTripsPinned(b *testing.B)   { roundTrips(b, true) }
func BenchmarkRoundTripsUnpinned(b *testing.B) { roundTrips(b, false) }

var replySink chan result

// BenchmarkMakeReplyChan is what the starter pays per call for its reply
// channel: two heap objects, because result holds an interface.
func BenchmarkMakeReplyChan(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		replySink = make(chan result, 1)
	}
}

// What keeping reply channels in a sync.Pool costs per Get and Put, by what
// the pool holds. A channel and a pointer to one are single pointers, which
// an interface holds as they are: no allocation. A value of two words has to
// be copied to the heap each time it is put into the pool's interface.
var (
	chanPool = sync.Pool{New: func() any { return make(chan result, 1) }}
	ptrPool  = sync.Pool{New: func() any { c := make(chan result, 1); return &c }}
	pairPool = sync.Pool{New: func() any { return replyPair{make(chan result, 1), 0} }}
)

type replyPair struct {
	c    chan result
	uses int
}

func BenchmarkPoolChan(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		c := chanPool.Get().(chan result)
		chanPool.Put(c)
	}
}

func BenchmarkPoolChanPointer(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		c := ptrPool.Get().(*chan result)
		ptrPool.Put(c)
	}
}

func BenchmarkPoolTwoWordValue(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		p := pairPool.Get().(replyPair)
		p.uses++
		pairPool.Put(p)
	}
}
