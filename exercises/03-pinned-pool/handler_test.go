package main

import (
	"sync"
	"testing"

	"pinlab/exercises/device"
)

// TestPoolUnderConcurrentCallers runs the pool the way a server would, under
// -race: many goroutines call Handle at once, every answer must come from
// one of the devices, and Teardown must leave no context behind. (Setup and
// Teardown run once: the pool is the program's, not the test's.)
func TestPoolUnderConcurrentCallers(t *testing.T) {
	before := device.Total()
	if err := Setup(); err != nil {
		t.Fatalf("Setup: %v", err)
	}
	const goroutines, requests = 16, 20
	ndev := int64(device.Count())
	var wg sync.WaitGroup
	bad := make(chan string, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < requests; i++ {
				req := int64(g)<<32 | int64(i)
				out, err := Handle(req)
				if err != nil {
					bad <- err.Error()
					return
				}
				if dev := out - 2*req; dev < 0 || dev >= ndev {
					bad <- "an answer that is not a device's answer to its request"
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(bad)
	for b := range bad {
		t.Error(b)
	}
	if err := Teardown(); err != nil {
		t.Errorf("Teardown: %v", err)
	}
	d := device.Total().Sub(before)
	if d.Contexts != 0 || d.WrongThread != 0 {
		t.Errorf("after Teardown: %d contexts left, %d calls from a thread without the context", int64(d.Contexts), d.WrongThread)
	}
}
