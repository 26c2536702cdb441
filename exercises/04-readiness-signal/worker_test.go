package main

import (
	"errors"
	"sync"
	"testing"
	"time"

	"pinlab/exercises/device"
)

// NewWorker must not return before the device is initialised on the worker's
// thread: a caller may use the worker, and read what it set up, at once.
func TestReadyWhenNewWorkerReturns(t *testing.T) {
	inits := device.Read(0).Inits
	w, err := NewWorker(0)
	if err != nil {
		t.Fatalf("NewWorker(0): %v", err)
	}
	defer w.Close()
	initialised := device.Read(0).Inits != inits
	// Read the worker's field with no cgo call after it: the race detector
	// treats every cgo call as a synchronisation point, which would hide an
	// unsynchronised write made after a later one.
	tid := w.Thread()
	if !initialised {
		t.Fatal("NewWorker(0) returned before the worker had initialised device 0")
	}
	if tid == 0 {
		t.Fatal("Thread() is 0 right after NewWorker: the worker was not ready")
	}
	if out, err := w.Submit(21); err != nil || out != device.Expected(0, 21) {
		t.Fatalf("first Submit: got %d, %v; want %d, nil", out, err, device.Expected(0, 21))
	}
}

// An Init failure must come back from NewWorker, promptly, as the device's
// own error.
func TestBadDeviceReturnsInitError(t *testing.T) {
	bad := device.Count()
	type answer struct {
		w   *Worker
		err error
	}
	got := make(chan answer, 1)
	go func() {
		w, err := NewWorker(bad)
		got <- answer{w, err}
	}()
	select {
	case a := <-got:
		if !errors.Is(a.err, device.ErrNoDevice) {
			t.Fatalf("NewWorker(%d) returned %v; want an error wrapping device.ErrNoDevice", bad, a.err)
		}
		if a.w != nil {
			t.Fatalf("NewWorker(%d) returned a Worker beside its error; want nil", bad)
		}
	case <-time.After(2 * time.Second):
		t.Fatalf("NewWorker(%d) did not return within 2 s", bad)
	}
}

// Several goroutines share one worker; -race checks the hand-offs.
func TestConcurrentSubmit(t *testing.T) {
	w, err := NewWorker(1)
	if err != nil {
		t.Fatalf("NewWorker(1): %v", err)
	}
	defer w.Close()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				in := int64(g*1000 + i)
				if out, err := w.Submit(in); err != nil || out != device.Expected(1, in) {
					t.Errorf("Submit(%d): got %d, %v", in, out, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
