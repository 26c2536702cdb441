package main

// From the exercise (not in your workspace): Event, Handle(e Event) and
// threadIDs() in scenario.go and kernel.go. harness.Pinned(role) and
// harness.Unpinned() (package pinlab/exercises/harness) mark a locked
// thread on pinlab's CPU map. golang.org/x/sys/unix is in go.mod.

import (
	"errors"
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"

	"pinlab/exercises/harness"
)

// StartCritical starts the latency-critical loop on a thread of its own,
// confined to CPU cpu, and confines every other thread of the process to
// rest. The channel it returns is closed when events has been closed and the
// loop has ended.
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
		if err := confineOthers(unix.Gettid(), rest); err != nil {
			ready <- err
			return
		}
		harness.Pinned(fmt.Sprintf("critical loop, CPU %d", cpu))
		ready <- nil
		for e := range events {
			Handle(e)
		}
	}()
	// The loop sets itself up on its own goroutine; an error there ends
	// the loop, and so closes done.
	go func() {
		if err := <-ready; err != nil {
			panic(err)
		}
	}()
	return done, nil
}

// confineOthers confines every thread of the process but self to cpus. A
// thread the runtime creates later is cloned from one of them and inherits
// their mask (a locked thread never creates Go's threads itself: the
// runtime's template thread does), so one sweep is enough, repeated only
// while a thread created during the previous sweep turns up.
func confineOthers(self int, cpus []int) error {
	var set unix.CPUSet
	for _, c := range cpus {
		set.Set(c)
	}
	for {
		changed := 0
		for _, tid := range threadIDs() {
			if tid == self {
				continue
			}
			var cur unix.CPUSet
			if unix.SchedGetaffinity(tid, &cur) == nil && cur == set {
				continue
			}
			err := unix.SchedSetaffinity(tid, &set)
			if errors.Is(err, unix.ESRCH) {
				continue // it ended meanwhile
			}
			if err != nil {
				return fmt.Errorf("sched_setaffinity(thread %d): %w", tid, err)
			}
			changed++
		}
		if changed == 0 {
			return nil
		}
	}
}
