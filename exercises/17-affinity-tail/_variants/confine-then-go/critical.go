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
// rest. It returns once the loop is ready; the channel it returns is closed
// when events has been closed and the loop has ended.
func StartCritical(cpu int, rest []int, events <-chan Event) (<-chan struct{}, error) {
	// Everything on rest first, from here; the loop's thread takes its
	// own CPU when the loop starts.
	if err := confineOthers(0, rest); err != nil {
		return nil, err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread()
		var mine unix.CPUSet
		mine.Set(cpu)
		if err := unix.SchedSetaffinity(0, &mine); err != nil {
			panic(fmt.Sprintf("sched_setaffinity(CPU %d): %v", cpu, err))
		}
		harness.Pinned(fmt.Sprintf("critical loop, CPU %d", cpu))
		for e := range events {
			Handle(e)
		}
	}()
	return done, nil
}

// confineOthers confines every thread of the process but self (0: none) to
// cpus. A
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
