package main

// Lookup under the driver's load: 256 goroutines at once, on two Ps. Run
// without -race, in exercises/:
//
//	go test -run '^$' -bench . -cpu 2 -count 5 ./07-bounded-cgo
//
// "yours" is your Lookup; "unbounded" calls the library straight, as the
// starter does; "semaphore-16" is a buffered channel of 16 around the call.
// Each reports lookups per second, the most threads inside the C library at
// once (counted in C) and percentiles of one lookup's latency.

import (
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"
)

var refSlots = make(chan struct{}, 16)

func refSemaphore(key int64) int64 {
	refSlots <- struct{}{}
	defer func() { <-refSlots }()
	return libLookup(key)
}

func BenchmarkLookup(b *testing.B) {
	cases := []struct {
		name   string
		lookup func(int64) int64
	}{
		{"yours", Lookup},
		{"unbounded", libLookup},
		{"semaphore-16", refSemaphore},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var mu sync.Mutex
			var lat []time.Duration
			libReset()
			b.SetParallelism(max(1, callers/runtime.GOMAXPROCS(0)))
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				var mine []time.Duration
				for key := int64(1); pb.Next(); key++ {
					t0 := time.Now()
					if got := c.lookup(key); got != 3*key+1 {
						b.Errorf("Lookup(%d) = %d, want %d", key, got, 3*key+1)
						return
					}
					mine = append(mine, time.Since(t0))
				}
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			})
			elapsed := time.Since(start)
			if len(lat) == 0 {
				return
			}
			slices.Sort(lat)
			at := func(p float64) float64 {
				return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
			}
			b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "lookups/s")
			b.ReportMetric(float64(libPeakInside()), "in-C")
			b.ReportMetric(at(0.5), "p50-ms")
			b.ReportMetric(at(0.9), "p90-ms")
			b.ReportMetric(at(0.99), "p99-ms")
		})
	}
}
