package main

// From the exercise (not in your workspace): Event, Handle(e Event) and
// threadIDs() in scenario.go and kernel.go. harness.Pinned(role) and
// harness.Unpinned() (package pinlab/exercises/harness) mark a locked
// thread on pinlab's CPU map. golang.org/x/sys/unix is in go.mod.

import (
	"fmt"
	"runtime"

	"pinlab/exercises/harness"
)

// StartCritical starts the latency-critical loop on a thread of its own,
// confined to CPU cpu, and confines every other thread of the process to
// rest. It returns once the loop is ready; the channel it returns is closed
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
		// Locked to its thread: the loop now has a thread of its own, and
		// the kernel will keep it wherever it runs best.
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
