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

// Encode binds the caller's thread for the frame and lets it run anywhere
// again before unlocking.
func Encode(frame int64) (v int64, err error) {
	runtime.LockOSThread()
	var set unix.CPUSet
	set.Set(encoderCPU)
	if err := unix.SchedSetaffinity(0, &set); err != nil {
		runtime.UnlockOSThread()
		return 0, err
	}
	defer func() {
		var all unix.CPUSet
		for c := 0; c < runtime.NumCPU(); c++ {
			all.Set(c)
		}
		if rerr := unix.SchedSetaffinity(0, &all); rerr != nil {
			err = rerr
			return // still locked: the thread dies with the goroutine
		}
		runtime.UnlockOSThread()
	}()
	return encodeFrame(frame)
}
