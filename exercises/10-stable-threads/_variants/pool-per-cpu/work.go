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

type job struct {
	in    int64
	reply chan answer
}

type answer struct {
	res Result
	err error
}

// One worker per P: more threads than Ps cannot run Go code at once
// anyway. Each worker opens the contexts of its share of the devices.
var (
	jobs chan job
	wg   sync.WaitGroup
)

func Start() error {
	n := runtime.GOMAXPROCS(0)
	jobs = make(chan job, 64)
	ready := make(chan error, n)
	for w := 0; w < n; w++ {
		var devs []int
		for d := w; d < device.Count(); d += n {
			devs = append(devs, d)
		}
		wg.Add(1)
		go worker(w, devs, ready)
	}
	var first error
	for w := 0; w < n; w++ {
		if err := <-ready; err != nil && first == nil {
			first = err
		}
	}
	return first
}

func worker(w int, devs []int, ready chan<- error) {
	defer wg.Done()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for _, d := range devs {
		if err := device.Init(d); err != nil {
			ready <- err
			return
		}
		defer device.Shutdown(d)
	}
	harness.Pinned(fmt.Sprintf("worker %d, devices %v", w, devs))
	defer harness.Unpinned()
	ready <- nil
	i := 0
	for j := range jobs {
		d := devs[i%len(devs)]
		i++
		v, err := device.Compute(d, kernel, j.in)
		j.reply <- answer{Result{d, v}, err}
	}
}

func Stop() {
	close(jobs)
	wg.Wait()
}

func Work(in int64) (Result, error) {
	reply := make(chan answer, 1)
	jobs <- job{in, reply}
	a := <-reply
	return a.res, a.err
}
