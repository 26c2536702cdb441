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

// Encode binds the caller's own thread for one frame and gives it back as
// it found it. If the mask cannot be put back, the goroutine's thread stays
// locked, and the runtime destroys it when the goroutine ends.
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
		if rerr := unix.SchedSetaffinity(0, &old); rerr != nil {
			err = rerr
			return
		}
		runtime.UnlockOSThread()
	}()
	return encodeFrame(frame)
}
