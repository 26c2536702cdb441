// Command crosscheck measures the cost card's figures a second way, for the
// test that proves the card right (tests/test_costcard.py): plain loops timed
// with the monotonic clock instead of the testing package's benchmarks.
//
//	crosscheck times      JSON: seconds per operation of each timed entry
//	crosscheck blocking   64 goroutines spend 50 ms each in C at once, then
//	                      exit (the threads they needed are counted outside,
//	                      in a PID namespace)
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"pinlab/exercises/costcard"
)

//go:noinline
func add(a, b int) int { return a + b }

var sink int

// timed is the median over 5 repetitions of the seconds one op takes, each
// repetition n ops.
func timed(n int, op func(n int)) float64 {
	per := make([]float64, 5)
	for i := range per {
		t0 := time.Now()
		op(n)
		per[i] = time.Since(t0).Seconds() / float64(n)
	}
	slices.Sort(per)
	return per[2]
}

func roundTrips(locked bool) func(n int) {
	return func(n int) {
		req, rep := make(chan int), make(chan int)
		go func() {
			if locked {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
			}
			for v := range req {
				rep <- v
			}
		}()
		for i := 0; i < n; i++ {
			req <- i
			<-rep
		}
		close(req)
	}
}

func goroutines(exit bool) func(n int) {
	return func(n int) {
		done := make(chan struct{})
		for i := 0; i < n; i++ {
			go func() {
				runtime.LockOSThread()
				if !exit {
					runtime.UnlockOSThread()
				}
				done <- struct{}{}
			}()
			<-done
		}
	}
}

func times() map[string]float64 {
	var mu sync.Mutex
	var at atomic.Int64
	return map[string]float64{
		"call": timed(20_000_000, func(n int) {
			s := 0
			for i := 0; i < n; i++ {
				s = add(s, i)
			}
			sink = s
		}),
		"cgo_call": timed(1_000_000, func(n int) {
			var s int64
			for i := 0; i < n; i++ {
				s += costcard.Identity(int64(i))
			}
			sink = int(s)
		}),
		"lock_unlock": timed(10_000_000, func(n int) {
			for i := 0; i < n; i++ {
				runtime.LockOSThread()
				runtime.UnlockOSThread()
			}
		}),
		"chan_roundtrip":        timed(100_000, roundTrips(false)),
		"chan_roundtrip_locked": timed(3_000, roundTrips(true)),
		"goroutine_lock_unlock": timed(100_000, goroutines(false)),
		"exit_locked":           timed(2_000, goroutines(true)),
		"counter_owner": timed(20_000_000, func(n int) {
			s := 0
			for i := 0; i < n; i++ {
				s = add(s, 1)
			}
			sink = s
		}),
		"counter_atomic": timed(10_000_000, func(n int) {
			for i := 0; i < n; i++ {
				at.Add(1)
			}
		}),
		"counter_mutex": timed(10_000_000, func(n int) {
			s := 0
			for i := 0; i < n; i++ {
				mu.Lock()
				s++
				mu.Unlock()
			}
			sink = s
		}),
	}
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: crosscheck times|blocking")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "times":
		if err := json.NewEncoder(os.Stdout).Encode(times()); err != nil {
			os.Exit(1)
		}
	case "blocking":
		var wg sync.WaitGroup
		for range 64 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				costcard.Block(50_000)
			}()
		}
		wg.Wait()
	default:
		os.Exit(2)
	}
}
