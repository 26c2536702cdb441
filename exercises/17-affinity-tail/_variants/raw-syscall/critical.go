package main

// From the exercise (not in your workspace): Event, Handle(e Event) and
// threadIDs() in scenario.go and kernel.go. harness.Pinned(role) and
// harness.Unpinned() (package pinlab/exercises/harness) mark a locked
// thread on pinlab's CPU map. golang.org/x/sys/unix is in go.mod.

import (
	"errors"
	"fmt"
	"runtime"
	"syscall"
	"unsafe"

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
		if err := setMask(0, []int{cpu}); err != nil {
			ready <- fmt.Errorf("sched_setaffinity(CPU %d): %w", cpu, err)
			return
		}
		if err := confineOthers(syscall.Gettid(), rest); err != nil {
			ready <- err
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

// setMask confines thread tid (0: the caller) to cpus.
func setMask(tid int, cpus []int) error {
	var mask [16]uint64 // room for 1024 CPUs
	for _, c := range cpus {
		mask[c/64] |= 1 << (c % 64)
	}
	_, _, errno := syscall.RawSyscall(syscall.SYS_SCHED_SETAFFINITY, uintptr(tid),
		unsafe.Sizeof(mask), uintptr(unsafe.Pointer(&mask[0])))
	if errno != 0 {
		return errno
	}
	return nil
}

// confineOthers sets every other thread's mask to cpus, in sweeps until a
// sweep finds no thread it had not done (a thread created meanwhile).
func confineOthers(self int, cpus []int) error {
	done := map[int]bool{self: true}
	for {
		changed := 0
		for _, tid := range threadIDs() {
			if done[tid] {
				continue
			}
			err := setMask(tid, cpus)
			if errors.Is(err, syscall.ESRCH) {
				continue
			}
			if err != nil {
				return fmt.Errorf("sched_setaffinity(thread %d): %w", tid, err)
			}
			done[tid] = true
			changed++
		}
		if changed == 0 {
			return nil
		}
	}
}
