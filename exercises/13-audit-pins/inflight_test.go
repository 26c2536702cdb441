package main

// Figures for the README, not tests (go test runs no benchmark unless asked):
//
//	cd exercises && go test -run '^$' -bench . -benchtime 1x ./13-audit-pins/
//
// InFlight/N sends N requests at once and reports the peak number of OS
// threads above the count the process had before its first benchmark (idle
// threads from an earlier run are reused, so the figure does not add up).
// PoolUtilisation idles for 300 ms (as the driver's baseline phase does),
// then runs a bare pool of four pinned workers, one per device, on two Ps
// for a second with 64 requesters always waiting, and reports how busy the
// devices were, for a short and a long kernel (-count 5 shows the spread).

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

// threadsAtStart is the process's thread count before any benchmark ran.
var threadsAtStart = sync.OnceValue(harness.SelfThreads)

func BenchmarkInFlight(b *testing.B) {
	threadsAtStart()
	for _, n := range []int{64, 256, 1024} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			svc, err := NewService()
			if err != nil {
				b.Fatal(err)
			}
			defer svc.Close()
			for b.Loop() {
				var peak atomic.Int64
				stop := make(chan struct{})
				sampled := make(chan struct{})
				go func() {
					defer close(sampled)
					for {
						peak.Store(max(peak.Load(), int64(harness.SelfThreads())))
						select {
						case <-stop:
							return
						case <-time.After(time.Millisecond):
						}
					}
				}()
				var wg sync.WaitGroup
				for i := 0; i < n; i++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						if _, err := testScore(svc, int64(i)); err != nil {
							b.Error(err)
						}
					}()
				}
				wg.Wait()
				close(stop)
				<-sampled
				b.ReportMetric(float64(peak.Load()-int64(threadsAtStart())), "threads")
			}
		})
	}
}

func BenchmarkPoolUtilisation(b *testing.B) {
	for _, k := range []time.Duration{2 * time.Millisecond, 20 * time.Millisecond} {
		b.Run("kernel="+k.String(), func(b *testing.B) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
			for b.Loop() {
				b.ReportMetric(poolUtilisation(b, k, time.Second), "%busy")
			}
		})
	}
}

// poolUtilisation runs one locked worker per device and 64 requesters for
// d, and returns the devices' busy time as a share of the time the devices
// had (until the last requester was answered).
func poolUtilisation(tb testing.TB, kernel, d time.Duration) float64 {
	ndev := device.Count()
	jobs := make(chan chan struct{}, 2*ndev)
	var workers sync.WaitGroup
	for dev := 0; dev < ndev; dev++ {
		workers.Add(1)
		go func() {
			defer workers.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			if err := device.Init(dev); err != nil {
				tb.Error(err)
				return
			}
			defer device.Shutdown(dev)
			for done := range jobs {
				if _, err := device.Compute(dev, kernel, 1); err != nil {
					tb.Error(err)
				}
				close(done)
			}
		}()
	}
	time.Sleep(300 * time.Millisecond) // an idle process, as after the driver's baseline
	before, start := device.Total().Busy, time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var callers sync.WaitGroup
	for i := 0; i < 64; i++ {
		callers.Add(1)
		go func() {
			defer callers.Done()
			for ctx.Err() == nil {
				done := make(chan struct{})
				jobs <- done
				<-done
			}
		}()
	}
	callers.Wait()
	busy, elapsed := device.Total().Busy-before, time.Since(start)
	close(jobs)
	workers.Wait()
	return 100 * float64(busy) / float64(time.Duration(ndev)*elapsed)
}

// BenchmarkPoolThreads counts where a pool's threads come from, each time in
// a fresh copy of this test binary (a cgo program, like the driver): after
// an idle baseline like the driver's, it takes a first LockOSThread, starts
// one pinned worker per device (the reference pool's shape), and runs 64
// requesters on it for a second. It reports, against the baseline: the
// threads after the first lock, after the workers started, and at the
// peak; and how many of the workers' threads were already there, idle, in
// the baseline.
//
//	cd exercises && go test -run '^$' -bench PoolThreads -benchtime 1x -count 5 ./13-audit-pins/
func BenchmarkPoolThreads(b *testing.B) {
	if os.Getenv("PINLAB_POOL_THREADS_CHILD") != "" {
		poolThreadsChild()
		return
	}
	for b.Loop() {
		cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^BenchmarkPoolThreads$", "-test.benchtime=1x")
		cmd.Env = append(os.Environ(), "PINLAB_POOL_THREADS_CHILD=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("the fresh process failed: %v\n%s", err, out)
		}
		var lock, idle, peak, reused int
		line := out[bytes.Index(out, []byte("pool-threads:")):]
		if _, err := fmt.Sscanf(string(line), "pool-threads: lock=%d idle=%d peak=%d reused=%d", &lock, &idle, &peak, &reused); err != nil {
			b.Fatalf("cannot read the fresh process's figures (%v):\n%s", err, out)
		}
		b.ReportMetric(float64(lock), "after-first-lock")
		b.ReportMetric(float64(idle), "pool-idle")
		b.ReportMetric(float64(peak), "pool-peak")
		b.ReportMetric(float64(reused), "workers-on-baseline-threads")
	}
}

// selfTIDs is the set of the process's OS threads.
func selfTIDs() map[string]bool {
	ents, _ := os.ReadDir("/proc/self/task")
	out := make(map[string]bool, len(ents))
	for _, e := range ents {
		out[e.Name()] = true
	}
	return out
}

func poolThreadsChild() {
	runtime.GOMAXPROCS(2)
	var warm sync.WaitGroup // the driver's baseline: both Ps busy once, a GC, idle
	for i := 0; i < 2; i++ {
		warm.Add(1)
		go func() {
			defer warm.Done()
			for end := time.Now().Add(50 * time.Millisecond); time.Now().Before(end); {
			}
		}()
	}
	warm.Wait()
	runtime.GC()
	time.Sleep(60 * time.Millisecond)
	base := selfTIDs()
	n0 := harness.SelfThreads()
	func() { // the process's first lock
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
	}()
	lock := harness.SelfThreads() - n0

	ndev := device.Count()
	jobs := make(chan chan struct{}, 2*ndev)
	tids := make(chan string, ndev)
	var workers sync.WaitGroup
	for dev := 0; dev < ndev; dev++ {
		workers.Add(1)
		go func() {
			defer workers.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			if err := device.Init(dev); err != nil {
				panic(err)
			}
			defer device.Shutdown(dev)
			tids <- fmt.Sprint(syscall.Gettid())
			for done := range jobs {
				if _, err := device.Compute(dev, kernel, 1); err != nil {
					panic(err)
				}
				close(done)
			}
		}()
	}
	reused := 0
	for i := 0; i < ndev; i++ {
		if base[<-tids] {
			reused++
		}
	}
	idle := harness.SelfThreads() - n0

	var peak atomic.Int64
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for ctx.Err() == nil {
			peak.Store(max(peak.Load(), int64(harness.SelfThreads())))
			time.Sleep(time.Millisecond)
		}
	}()
	var callers sync.WaitGroup
	for i := 0; i < 64; i++ {
		callers.Add(1)
		go func() {
			defer callers.Done()
			for ctx.Err() == nil {
				done := make(chan struct{})
				jobs <- done
				<-done
			}
		}()
	}
	callers.Wait()
	<-sampled
	close(jobs)
	workers.Wait()
	fmt.Printf("pool-threads: lock=%d idle=%d peak=%d reused=%d\n", lock, idle, int(peak.Load())-n0, reused)
}
