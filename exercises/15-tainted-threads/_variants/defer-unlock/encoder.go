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

// Encode unlocks when its goroutine is done, so the runtime keeps the thread.
func Encode(frame int64) (int64, error) {
	type answer struct {
		v   int64
		err error
	}
	done := make(chan answer, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
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
