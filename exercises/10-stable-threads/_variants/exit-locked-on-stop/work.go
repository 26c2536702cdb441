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

// A fixed pool: one pinned worker per device, started once. Each creates
// its device context once, on its own thread, and keeps that thread for
// the life of the program. Bursts queue on the jobs channel; they do not
// create threads.
var (
	jobs chan job
	wg   sync.WaitGroup
)

type job struct {
	in    int64
	reply chan answer
}

type answer struct {
	res Result
	err error
}

// Start launches the pool and returns once every worker's context is ready.
func Start() error {
	n := device.Count()
	jobs = make(chan job, 64)
	ready := make(chan error, n)
	for d := 0; d < n; d++ {
		wg.Add(1)
		go worker(d, ready)
	}
	var first error
	for d := 0; d < n; d++ {
		if err := <-ready; err != nil && first == nil {
			first = err
		}
	}
	return first
}

func worker(dev int, ready chan<- error) {
	defer wg.Done()
	// Never unlocked: a thread that held a device context is not handed
	// back; when the worker ends, the runtime destroys it.
	runtime.LockOSThread()
	if err := device.Init(dev); err != nil {
		ready <- err
		return
	}
	harness.Pinned(fmt.Sprintf("device %d worker", dev))
	defer harness.Unpinned()
	defer device.Shutdown(dev)
	ready <- nil
	for j := range jobs {
		v, err := device.Compute(dev, kernel, j.in)
		j.reply <- answer{Result{Device: dev, Value: v}, err}
	}
}

// Stop closes the pool; each worker shuts its device down on its own thread.
func Stop() {
	close(jobs)
	wg.Wait()
}

// Work runs one job on whichever device is free first.
func Work(in int64) (Result, error) {
	reply := make(chan answer, 1)
	jobs <- job{in: in, reply: reply}
	a := <-reply
	return a.res, a.err
}
