package main

// The pool's contract, run by pinlab under the race detector: every call
// comes back, a panic is one job's error, a failing worker is replaced on a
// fresh thread, Close shuts every context down. Run it yourself with
//
//	go test -race ./18-supervised-pool
//
// in exercises/.

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"pinlab/exercises/device"
)

// submit calls Submit with a deadline and fails the test if the call does
// not come back well within it.
func submit(t *testing.T, p *Pool, in int64) (Result, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	r, err := p.Submit(ctx, in)
	if errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Submit(%#x) did not come back within 2 s", in)
	}
	return r, err
}

func TestPanicIsOneJobsError(t *testing.T) {
	p, err := NewPool()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 12; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 30; i++ {
				in := int64(g)<<32 | int64(i)
				// three bad inputs in all: not enough to retire any worker
				bad := g == 0 && i%10 == 3
				if bad {
					in |= badInput
				}
				r, err := submit(t, p, in)
				switch {
				case bad && err == nil:
					t.Errorf("bad input %#x gave a value, not an error", in)
				case !bad && err != nil:
					t.Errorf("Submit(%#x): %v", in, err)
				case !bad && r.Value != device.Expected(r.Device, in):
					t.Errorf("Submit(%#x) gave %d from device %d", in, r.Value, r.Device)
				}
			}
		}()
	}
	wg.Wait()
	p.Close()
	if c := device.Total().Contexts; c != 0 {
		t.Errorf("%d contexts still open after Close", c)
	}
	t0 := time.Now()
	if _, err := submit(t, p, 1); err == nil || time.Since(t0) > 100*time.Millisecond {
		t.Errorf("Submit after Close: err %v after %v, want an error at once", err, time.Since(t0))
	}
}

func TestFailingWorkerReplacedOnFreshThread(t *testing.T) {
	p, err := NewPool()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	const dev = 1
	old := device.Read(dev).OwnerTID
	lost[dev].Store(true)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				submit(t, p, int64(g)<<32|int64(i))
			}
		}()
	}
	wg.Wait()
	lost[dev].Store(false)

	// One lost device of four: the pool keeps serving, and within a second
	// device 1 answers again from a new thread.
	deadline := time.Now().Add(time.Second)
	back := false
	for i := int64(0); time.Now().Before(deadline) && !back; i++ {
		r, err := submit(t, p, i)
		if err != nil {
			if errors.Is(err, ErrUnavailable) {
				t.Fatalf("refused with 3 of 4 workers healthy")
			}
			continue // a corrupt worker's last jobs
		}
		back = r.Device == dev
	}
	if !back {
		t.Fatalf("device %d did not serve again within 1 s of coming back", dev)
	}
	now := device.Read(dev).OwnerTID
	if now == old {
		t.Errorf("device %d's context was initialised again on the same thread %d", dev, old)
	}
	if threadAlive(old) {
		t.Errorf("thread %d, corrupt, is still alive", old)
	}
}
