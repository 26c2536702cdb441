package main

// From the driver (main.go, not in your workspace): encodeFrame(frame) does
// the work and must run on a thread bound to the encoder CPU alone;
// errCorrupt is what it returns for a frame it cannot encode.
// harness.Pinned(role) / harness.Unpinned() mark a long-lived locked thread
// on pinlab's CPU map.

import (
	"fmt"
	"runtime"
	"sync"

	"golang.org/x/sys/unix"

	"pinlab/exercises/harness"
)

// One long-lived encoder: a goroutine locked to its thread for good, the
// thread bound to the encoder CPU once. No other goroutine ever runs on that
// thread, so the binding never leaks; at Stop the goroutine returns still
// locked and the runtime destroys the thread, binding and all.
var (
	jobs    chan job
	stopped sync.WaitGroup
)

type job struct {
	frame int64
	reply chan answer // buffered: the worker never waits for the caller
}

type answer struct {
	v   int64
	err error
}

// Start launches the encoder and returns once its thread is bound.
func Start(cpu int) error {
	jobs = make(chan job, 16)
	ready := make(chan error, 1)
	stopped.Add(1)
	go encoder(cpu, ready)
	return <-ready
}

func encoder(cpu int, ready chan<- error) {
	defer stopped.Done()
	runtime.LockOSThread() // never unlocked: the thread keeps its binding until it dies
	var set unix.CPUSet
	set.Set(cpu)
	if err := unix.SchedSetaffinity(0, &set); err != nil {
		ready <- err
		return
	}
	harness.Pinned(fmt.Sprintf("encoder, bound to CPU %d", cpu))
	ready <- nil
	for j := range jobs {
		v, err := encodeFrame(j.frame)
		j.reply <- answer{v, err}
	}
}

// Stop waits for the frames already queued; the encoder's thread then ends.
func Stop() {
	close(jobs)
	stopped.Wait()
}

// Encode encodes one frame on the encoder's thread.
func Encode(frame int64) (int64, error) {
	reply := make(chan answer, 1)
	jobs <- job{frame: frame, reply: reply}
	a := <-reply
	return a.v, a.err
}
