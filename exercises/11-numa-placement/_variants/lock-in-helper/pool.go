package main

// From the exercise (not in your workspace): socketCPUs(dev) and
// deviceSocket in topology.go. harness.Pinned(role) and harness.Unpinned()
// (package pinlab/exercises/harness) mark a worker's locked thread on
// pinlab's CPU map.

import (
	"fmt"
	"runtime"
	"time"

	"golang.org/x/sys/unix"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

// kernel is how long one job keeps a device busy.
const kernel = 2 * time.Millisecond

// Pool has one pinned worker per device, and each worker's thread may run
// only on the CPUs of its device's socket.
type Pool struct {
	workers []*worker
}

type worker struct {
	dev  int
	jobs chan job
	done chan struct{}
}

type job struct {
	in    int64
	reply chan answer
}

type answer struct {
	value int64
	err   error
}

// NewPool starts a worker per device and returns once every device is ready.
func NewPool() (*Pool, error) {
	p := &Pool{}
	for d := 0; d < device.Count(); d++ {
		w := &worker{dev: d, jobs: make(chan job, 16), done: make(chan struct{})}
		ready := make(chan error, 1)
		go w.loop(ready)
		if err := <-ready; err != nil {
			p.Close()
			return nil, err
		}
		p.workers = append(p.workers, w)
	}
	return p, nil
}

// setThreadAffinity restricts the calling OS thread to cpus (pid 0: the
// calling thread).
func setThreadAffinity(cpus []int) error {
	var set unix.CPUSet
	for _, c := range cpus {
		set.Set(c)
	}
	return unix.SchedSetaffinity(0, &set)
}

// pinTo locks the calling goroutine to its thread for good, then confines
// that thread to cpus.
func pinTo(cpus []int) error {
	runtime.LockOSThread()
	if err := setThreadAffinity(cpus); err != nil {
		return fmt.Errorf("sched_setaffinity: %w", err)
	}
	return nil
}

func (w *worker) loop(ready chan<- error) {
	defer close(w.done)
	// Locked for good, never unlocked: this thread's affinity no longer
	// matches the rest of the process, so it must not go back to the
	// scheduler's pool. When the goroutine returns still locked, the
	// runtime destroys the thread.
	// Affinity first, then Init: the context's memory is then touched,
	// and so placed, from the device's own socket.
	if err := pinTo(socketCPUs(w.dev)); err != nil {
		ready <- fmt.Errorf("device %d: %w", w.dev, err)
		return
	}
	if err := device.Init(w.dev); err != nil {
		ready <- err
		return
	}
	harness.Pinned(fmt.Sprintf("device %d worker, socket %d", w.dev, deviceSocket[w.dev]))
	defer harness.Unpinned()
	defer device.Shutdown(w.dev)
	ready <- nil
	for j := range w.jobs {
		v, err := device.Compute(w.dev, kernel, j.in)
		j.reply <- answer{v, err}
	}
}

// Run computes on device dev and returns the device's answer.
func (p *Pool) Run(dev int, in int64) (int64, error) {
	reply := make(chan answer, 1)
	p.workers[dev].jobs <- job{in: in, reply: reply}
	a := <-reply
	return a.value, a.err
}

// Close stops the workers; each shuts its device down on its own thread,
// and the threads, still locked, end with their goroutines.
func (p *Pool) Close() {
	for _, w := range p.workers {
		close(w.jobs)
	}
	for _, w := range p.workers {
		<-w.done
	}
}
