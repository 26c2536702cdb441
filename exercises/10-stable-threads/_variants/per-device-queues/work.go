package main

import (
	"fmt"
	"runtime"
	"sync"
	"time"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

// kernel is how long one job keeps a device busy.
const kernel = 500 * time.Microsecond

// Result says which device answered and what it returned.
type Result struct {
	Device int
	Value  int64
}

type request struct {
	in    int64
	reply chan<- Result
	fail  chan<- error
}

// queues[d] feeds the one worker pinned to device d.
var (
	queues []chan request
	wg     sync.WaitGroup
)

func Start() error {
	n := device.Count()
	queues = make([]chan request, n)
	errs := make(chan error, n)
	for d := range queues {
		queues[d] = make(chan request, 16)
		wg.Add(1)
		go serve(d, queues[d], errs)
	}
	var first error
	for range queues {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

func serve(dev int, q <-chan request, started chan<- error) {
	defer wg.Done()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := device.Init(dev); err != nil {
		started <- err
		return
	}
	defer device.Shutdown(dev)
	harness.Pinned(fmt.Sprintf("device %d", dev))
	defer harness.Unpinned()
	started <- nil
	for r := range q {
		v, err := device.Compute(dev, kernel, r.in)
		if err != nil {
			r.fail <- err
			continue
		}
		r.reply <- Result{dev, v}
	}
}

func Stop() {
	for _, q := range queues {
		close(q)
	}
	wg.Wait()
}

func Work(in int64) (Result, error) {
	dev := int(in % int64(len(queues)))
	reply := make(chan Result, 1)
	fail := make(chan error, 1)
	queues[dev] <- request{in, reply, fail}
	select {
	case r := <-reply:
		return r, nil
	case err := <-fail:
		return Result{}, err
	}
}
