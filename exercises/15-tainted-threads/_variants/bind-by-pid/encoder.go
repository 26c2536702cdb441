package main

// From the driver (main.go, not in your workspace): encodeFrame(frame) does
// the work and must run on a thread bound to the encoder CPU alone;
// errCorrupt is what it returns for a frame it cannot encode.

import (
	"os"

	"golang.org/x/sys/unix"
)

// Start binds the whole process to the encoder CPU once: no thread is ever
// created or thrown away for it.
func Start(cpu int) error {
	var set unix.CPUSet
	set.Set(cpu)
	return unix.SchedSetaffinity(os.Getpid(), &set)
}

func Stop() {}

func Encode(frame int64) (int64, error) {
	return encodeFrame(frame)
}
