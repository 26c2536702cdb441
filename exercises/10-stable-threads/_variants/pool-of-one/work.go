package main

import (
	"runtime"
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

type job struct {
	in    int64
	reply chan answer
}

type answer struct {
	res Result
	err error
}

// One worker, one thread: it opens every device's context on its own
// thread, so one pinned goroutine can drive them all.
var (
	jobs chan job
	done chan struct{}
)

func Start() error {
	jobs = make(chan job, 64)
	done = make(chan struct{})
	ready := make(chan error, 1)
	go func() {
		defer close(done)
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		n := device.Count()
		for d := 0; d < n; d++ {
			if err := device.Init(d); err != nil {
				ready <- err
				return
			}
			defer device.Shutdown(d)
		}
		harness.Pinned("the device worker")
		defer harness.Unpinned()
		ready <- nil
		next := 0
		for j := range jobs {
			dev := next
			next = (next + 1) % n
			v, err := device.Compute(dev, kernel, j.in)
			j.reply <- answer{Result{dev, v}, err}
		}
	}()
	return <-ready
}

func Stop() {
	close(jobs)
	<-done
}

func Work(in int64) (Result, error) {
	reply := make(chan answer, 1)
	jobs <- job{in, reply}
	a := <-reply
	return a.res, a.err
}
