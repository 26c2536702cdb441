package main

// From the driver (main.go, not in your workspace): encodeFrame(frame) does
// the work and must run on a thread bound to the encoder CPU alone;
// errCorrupt is what it returns for a frame it cannot encode.
// harness.Pinned(role) / harness.Unpinned() mark a long-lived locked thread
// on pinlab's CPU map.

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// encoderCPU is the one CPU frames are encoded on.
var encoderCPU int

// Start prepares whatever Encode needs. Today it only remembers the CPU.
func Start(cpu int) error {
	encoderCPU = cpu
	return nil
}

// Stop releases what Start set up.
func Stop() {}

// Encode encodes one frame on the encoder CPU.
//
// Each call starts a goroutine that locks itself to its OS thread and binds
// that thread to the encoder CPU. The binding is a setting the kernel keeps
// per thread: once the goroutine is done, the thread is still bound. So the
// goroutine returns without unlocking, on purpose, and the runtime destroys
// the thread rather than run other goroutines on it. Correct, and a new OS
// thread for every frame.
func Encode(frame int64) (int64, error) {
	type answer struct {
		v   int64
		err error
	}
	done := make(chan answer, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread dies with its setting
		var set unix.CPUSet
		set.Set(encoderCPU)
		if err := unix.SchedSetaffinity(0, &set); err != nil {
			done <- answer{err: err}
			return
		}
		v, err := encodeFrame(frame)
		done <- answer{v, err}
	}()
	a := <-done
	return a.v, a.err
}
