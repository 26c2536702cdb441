package main

// From the driver (main.go, not in your workspace): encodeFrame(frame) does
// the work and must run on a thread bound to the encoder CPU alone;
// errCorrupt is what it returns for a frame it cannot encode.

import (
	"runtime"

	"golang.org/x/sys/unix"
)

var (
	encoderCPU int
	slot       = make(chan struct{}, 1)
)

func Start(cpu int) error {
	encoderCPU = cpu
	return nil
}

func Stop() {}

// Encode lets one bound goroutine exist at a time.
func Encode(frame int64) (int64, error) {
	type answer struct {
		v   int64
		err error
	}
	slot <- struct{}{}
	defer func() { <-slot }()
	done := make(chan answer, 1)
	go func() {
		runtime.LockOSThread() // never unlocked
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
