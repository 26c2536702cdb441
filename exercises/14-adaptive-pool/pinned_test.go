package main

// Not a target: a measurement the README quotes. Eight pinned workers, each
// holding a device context, serve sixteen callers that keep the queue full;
// the metric is how many device calls ran at once, on average. Run it with
// two Ps and with eight:
//
//	go test -run '^$' -bench PinnedWorkers -cpu 2,8 -count 5 ./14-adaptive-pool

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"pinlab/exercises/device"
)

func BenchmarkPinnedWorkers(b *testing.B) {
	for _, work := range []time.Duration{2 * time.Millisecond, 20 * time.Millisecond} {
		b.Run(fmt.Sprintf("work=%v", work), func(b *testing.B) { benchPinned(b, 8, 16, work) })
	}
}

func benchPinned(b *testing.B, workers, callers int, work time.Duration) {
	jobs := make(chan chan int64, 256)
	var ready, done sync.WaitGroup
	ready.Add(workers)
	for i := 0; i < workers; i++ {
		done.Add(1)
		go func(dev int) {
			defer done.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			err := device.Init(dev)
			ready.Done()
			if err != nil {
				b.Error(err)
				return
			}
			defer device.Shutdown(dev)
			for reply := range jobs {
				v, _ := device.Compute(dev, work, 1)
				reply <- v
			}
		}(i % device.Count())
	}
	ready.Wait()
	b.ResetTimer()
	var next atomic.Int64
	var wg sync.WaitGroup
	for c := 0; c < callers; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reply := make(chan int64, 1)
			for next.Add(1) <= int64(b.N) {
				jobs <- reply
				<-reply
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)*float64(work)/float64(b.Elapsed()), "calls-at-once")
	close(jobs)
	done.Wait()
}
