package main

import (
	"errors"
	"runtime"

	"golang.org/x/sys/unix"

	"pinlab/exercises/harness"
)

// StartCritical starts the latency-critical loop. The loop's goroutine locks
// itself to a thread and reports that thread's TID; StartCritical itself
// (from whatever thread it is on) then narrows that thread to {cpu} by TID
// and sweeps every other thread to rest, again by TID, until a sweep finds
// nothing left on cpu. Only then does it let the loop start and return. The
// loop never unlocks: when it ends, the runtime ends the narrowed thread.
func StartCritical(cpu int, rest []int, events <-chan Event) (<-chan struct{}, error) {
	done := make(chan struct{})
	tidc := make(chan int)
	goc := make(chan error)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread dies with the goroutine
		harness.Pinned("critical")
		tidc <- unix.Gettid()
		if err := <-goc; err != nil {
			return // exit locked: a possibly narrowed thread is ended, not reused
		}
		defer close(done)
		for e := range events {
			Handle(e)
		}
	}()
	tid := <-tidc
	err := layOut(tid, cpu, rest)
	goc <- err
	if err != nil {
		return nil, err
	}
	return done, nil
}

// layOut binds thread tid to {cpu} and every other thread of the process to
// rest, repeating the sweep while it still finds a thread allowed on cpu.
func layOut(tid, cpu int, rest []int) error {
	var one, others unix.CPUSet
	one.Set(cpu)
	for _, c := range rest {
		others.Set(c)
	}
	if err := unix.SchedSetaffinity(tid, &one); err != nil {
		return err
	}
	first := true
	for changed := true; changed; first = false {
		changed = false
		for _, id := range threadIDs() {
			if id == tid {
				continue
			}
			var m unix.CPUSet
			if err := unix.SchedGetaffinity(id, &m); err != nil {
				continue // the thread has gone
			}
			if !first && !m.IsSet(cpu) {
				continue
			}
			if err := unix.SchedSetaffinity(id, &others); err != nil {
				if errors.Is(err, unix.ESRCH) {
					continue
				}
				return err
			}
			if m.IsSet(cpu) {
				changed = true
			}
		}
	}
	return nil
}
