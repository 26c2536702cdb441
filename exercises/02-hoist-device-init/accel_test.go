package main

import (
	"runtime"
	"sync"
	"testing"
	"time"

	"pinlab/exercises/device"
)

// The contract README.md states, tested where the scenario cannot reach:
// Open returns once Init has finished (however long it takes), Run answers
// every caller with its own result, and Close returns once the device has
// been shut down on its own thread.

func setInitTime(t *testing.T, d time.Duration) {
	device.SetInitTime(d)
	t.Cleanup(func() { device.SetInitTime(10 * time.Millisecond) })
}

// open opens dev and fails the test unless the device's context exists by
// the time Open returns.
func open(t *testing.T, dev int) *Accelerator {
	t.Helper()
	inits := device.Read(dev).Inits
	a, err := Open(dev)
	if err != nil {
		t.Fatalf("Open(%d): %v", dev, err)
	}
	if device.Read(dev).Inits == inits {
		t.Fatalf("Open(%d) returned before device.Init had finished", dev)
	}
	return a
}

func TestOpenWaitsForInitNoLongerThanIt(t *testing.T) {
	setInitTime(t, 300*time.Millisecond)
	open(t, 0).Close()

	// A fixed wait long enough for the slow Init above shows here.
	device.SetInitTime(time.Millisecond)
	t0 := time.Now()
	a := open(t, 1)
	if took := time.Since(t0); took > 150*time.Millisecond {
		t.Errorf("Open took %v for a 1 ms Init: it waits for a fixed time, not for the worker's signal", took.Round(time.Millisecond))
	}
	a.Close()
}

func TestRunAnswersEveryCallerWithItsOwnResult(t *testing.T) {
	a := open(t, 1)
	defer a.Close()
	const goroutines, calls = 8, 400
	var wg sync.WaitGroup
	errs := make(chan string, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < calls; i++ {
				in := int64(g)<<32 | int64(i)
				out, err := a.Run(0, in) // zero work: replies come as fast as they can
				if err != nil {
					errs <- err.Error()
					return
				}
				if out != device.Expected(1, in) {
					errs <- "a caller received another caller's result"
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestCloseReturnsAfterShutdownOnTheOwningThread(t *testing.T) {
	setInitTime(t, 300*time.Millisecond) // Shutdown then takes 30 ms
	a := open(t, 0)
	if _, err := a.Run(time.Microsecond, 1); err != nil {
		t.Fatalf("Run: %v", err)
	}
	before := device.Read(0)
	done := make(chan error, 1)
	go func() {
		// a closer locked to its own thread, which holds no context
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		done <- a.Close()
	}()
	err := <-done
	after := device.Read(0)
	if err != nil {
		t.Errorf("Close: %v", err)
	}
	if after.WrongThread != before.WrongThread {
		t.Errorf("Close called the device from a thread without the context")
	}
	if after.Shutdowns != before.Shutdowns+1 || after.Contexts != before.Contexts-1 {
		t.Errorf("Close returned before the device was shut down (shutdowns %d -> %d, contexts %d -> %d)",
			before.Shutdowns, after.Shutdowns, before.Contexts, after.Contexts)
	}
}
