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

// Start remembers the CPU.
func Start(cpu int) error {
	encoderCPU = cpu
	return nil
}

// Stop has nothing to release.
func Stop() {}

// Encode encodes one frame on the caller's own thread. One deferred
// function undoes the setup, in the order it was done: unlock, then the mask.
func Encode(frame int64) (v int64, err error) {
	runtime.LockOSThread()
	var old, set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &old); err != nil {
		runtime.UnlockOSThread()
		return 0, err
	}
	set.Set(encoderCPU)
	if err := unix.SchedSetaffinity(0, &set); err != nil {
		runtime.UnlockOSThread()
		return 0, err
	}
	defer func() {
		runtime.UnlockOSThread()
		if rerr := unix.SchedSetaffinity(0, &old); rerr != nil && err == nil {
			err = rerr
		}
	}()
	return encodeFrame(frame)
}
