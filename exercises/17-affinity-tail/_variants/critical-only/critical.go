package main

// From the exercise (not in your workspace): Event, Handle(e Event) and
// threadIDs() in scenario.go and kernel.go. harness.Pinned(role) and
// harness.Unpinned() (package pinlab/exercises/harness) mark a locked
// thread on pinlab's CPU map. golang.org/x/sys/unix is in go.mod.

import (
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"

	"pinlab/exercises/harness"
)

// StartCritical starts the latency-critical loop on a thread of its own,
// confined to CPU cpu, as if affinity kept other threads away. It returns once the loop is ready; the channel it returns is closed
// when events has been closed and the loop has ended.
func StartCritical(cpu int, rest []int, events <-chan Event) (<-chan struct{}, error) {
	done := make(chan struct{})
	ready := make(chan error, 1)
	go func() {
		defer close(done)
		// Locked for good and never unlocked: this thread's mask is no
		// longer the process's, so it must not run other goroutines. When
		// the goroutine returns still locked, the runtime ends the thread.
		runtime.LockOSThread()
		var mine unix.CPUSet
		mine.Set(cpu)
		if err := unix.SchedSetaffinity(0, &mine); err != nil {
			ready <- fmt.Errorf("sched_setaffinity(CPU %d): %w", cpu, err)
			return
		}
		harness.Pinned(fmt.Sprintf("critical loop, CPU %d", cpu))
		ready <- nil
		for e := range events {
			Handle(e)
		}
	}()
	if err := <-ready; err != nil {
		return nil, err
	}
	return done, nil
}
