package main

// From the driver (main.go, not in your workspace): encodeFrame(frame) does
// the work and must run on a thread bound to the encoder CPU alone;
// errCorrupt is what it returns for a frame it cannot encode.

import (
	"sync"

	"golang.org/x/sys/unix"
)

var (
	jobs    chan job
	stopped sync.WaitGroup
)

type job struct {
	frame int64
	reply chan answer
}

type answer struct {
	v   int64
	err error
}

func Start(cpu int) error {
	jobs = make(chan job, 16)
	ready := make(chan error, 1)
	stopped.Add(1)
	go encoder(cpu, ready)
	return <-ready
}

// encoder binds its thread once and serves every frame.
func encoder(cpu int, ready chan<- error) {
	defer stopped.Done()
	var set unix.CPUSet
	set.Set(cpu)
	if err := unix.SchedSetaffinity(0, &set); err != nil {
		ready <- err
		return
	}
	ready <- nil
	for j := range jobs {
		v, err := encodeFrame(j.frame)
		j.reply <- answer{v, err}
	}
}

func Stop() {
	close(jobs)
	stopped.Wait()
}

func Encode(frame int64) (int64, error) {
	reply := make(chan answer, 1)
	jobs <- job{frame: frame, reply: reply}
	a := <-reply
	return a.v, a.err
}
