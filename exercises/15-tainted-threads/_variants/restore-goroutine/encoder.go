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

func Encode(frame int64) (int64, error) {
	type answer struct {
		v   int64
		err error
	}
	done := make(chan answer, 1)
	go func() {
		runtime.LockOSThread()
		var old, set unix.CPUSet
		if err := unix.SchedGetaffinity(0, &old); err != nil {
			runtime.UnlockOSThread()
			done <- answer{err: err}
			return
		}
		set.Set(encoderCPU)
		if err := unix.SchedSetaffinity(0, &set); err != nil {
			done <- answer{err: err} // the mask may be half-set: exit locked
			return
		}
		v, err := encodeFrame(frame)
		if unix.SchedSetaffinity(0, &old) == nil {
			runtime.UnlockOSThread() // clean again: the runtime may reuse it
		}
		done <- answer{v, err}
	}()
	a := <-done
	return a.v, a.err
}
