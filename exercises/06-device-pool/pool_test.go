package main

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"pinlab/exercises/device"
)

// startPool starts a pool and returns it with a function that closes it
// once, also called when the test ends: Close must return within 2 s and
// leave no device context open.
func startPool(t *testing.T) (*Pool, func()) {
	t.Helper()
	contexts := device.Total().Contexts
	p, err := NewPool()
	if err != nil {
		t.Fatalf("NewPool: %v", err)
	}
	var once sync.Once
	closePool := func() {
		once.Do(func() {
			closed := make(chan struct{})
			go func() {
				p.Close()
				close(closed)
			}()
			select {
			case <-closed:
			case <-time.After(2 * time.Second):
				t.Fatal("Close did not return within 2 s: a worker is stuck")
			}
			if open := int64(device.Total().Contexts - contexts); open != 0 {
				t.Errorf("%d device contexts still open after Close", open)
			}
		})
	}
	t.Cleanup(closePool)
	return p, closePool
}

// Eight goroutines share the pool; every answer must be its device's, and
// every device must take part. -race watches the pool's bookkeeping.
func TestEveryDeviceAnswers(t *testing.T) {
	p, _ := startPool(t)
	before := make([]uint64, device.Count())
	for d := range before {
		before[d] = device.Read(d).Calls
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 30 {
				in := int64(g*1000 + i)
				r, err := p.Submit(context.Background(), Job{Input: in, Work: time.Duration(i%3) * time.Millisecond})
				if err != nil || r.Device < 0 || r.Device >= device.Count() || r.Value != device.Expected(r.Device, in) {
					t.Errorf("Submit(%d) = %+v, %v", in, r, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	for d := range before {
		if device.Read(d).Calls == before[d] {
			t.Errorf("device %d ran none of 240 jobs", d)
		}
	}
}

// A caller whose context ends while every device is busy gets ctx.Err()
// back without waiting for a device, and its job is never run: the devices
// make exactly the calls whose callers waited for them.
func TestCancelledJobNeverRuns(t *testing.T) {
	p, closePool := startPool(t)
	calls := device.Total().Calls
	var wg sync.WaitGroup
	for range 2 * device.Count() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := p.Submit(context.Background(), Job{Input: 1, Work: 150 * time.Millisecond}); err != nil {
				t.Errorf("a job without a deadline failed: %v", err)
			}
		}()
	}
	if !waitBusy(device.Count(), device.Count(), time.Second) {
		t.Fatal("the devices did not all start a job within 1 s")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	t0 := time.Now()
	_, err := p.Submit(ctx, Job{Input: 2, Work: time.Millisecond})
	took := time.Since(t0)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Submit with a 10 ms deadline returned %v; want context.DeadlineExceeded", err)
	}
	if took > 100*time.Millisecond {
		t.Errorf("Submit with a 10 ms deadline took %v to return: it waited for a device", took)
	}
	gone, stop := context.WithCancel(context.Background())
	stop()
	if _, err := p.Submit(gone, Job{Input: 3, Work: time.Millisecond}); !errors.Is(err, context.Canceled) {
		t.Errorf("Submit with a context already cancelled returned %v; want context.Canceled", err)
	}
	wg.Wait()
	closePool() // runs or skips whatever is still queued
	if ran := device.Total().Calls - calls; ran != uint64(2*device.Count()) {
		t.Errorf("the devices made %d calls for %d jobs whose callers waited: a cancelled job ran", ran, 2*device.Count())
	}
}
