package main

// From the driver (main.go, not in your workspace): encodeFrame(frame) does
// the work and must run on a thread bound to the encoder CPU alone;
// errCorrupt is what it returns for a frame it cannot encode.

import (
	"runtime"

	"golang.org/x/sys/unix"
)

var encoderCPU int

func Start(cpu int) error {
	encoderCPU = cpu
	return nil
}

func Stop() {}

// Encode binds the caller's own thread for the frame and puts its old mask
// back afterwards.
func Encode(frame int64) (int64, error) {
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
	v, err := encodeFrame(frame)
	if err != nil {
		runtime.UnlockOSThread()
		return 0, err
	}
	if err := unix.SchedSetaffinity(0, &old); err != nil {
		return 0, err // stays locked: the goroutine's thread dies with it
	}
	runtime.UnlockOSThread()
	return v, nil
}
