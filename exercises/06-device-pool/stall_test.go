package main

import (
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The load of this exercise without pinlab and without your pool: four
// worker goroutines, each serving jobs from its own channel and blocking its
// thread for 0.3 to 1 ms per job (a nanosleep system call, as a device call
// would), eight callers, two Ps. Each iteration runs for one second and
// reports its slowest round trip (max-ms) and the round trips of 100 ms or
// more (stalls), with the workers locked to their threads or not:
//
//	go test -run '^$' -bench Stall -benchtime 1x -count 10 ./06-device-pool
func BenchmarkStallLocked(b *testing.B)   { stallLoad(b, true) }
func BenchmarkStallUnlocked(b *testing.B) { stallLoad(b, false) }

func stallLoad(b *testing.B, lock bool) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	var worst time.Duration
	stalls := 0
	for i := 0; i < b.N; i++ {
		w, s := stallRun(lock, time.Second)
		worst = max(worst, w)
		stalls += s
	}
	b.ReportMetric(float64(worst)/float64(time.Millisecond), "max-ms")
	b.ReportMetric(float64(stalls)/float64(b.N), "stalls/run")
}

func stallRun(lock bool, d time.Duration) (worst time.Duration, stalls int) {
	type req struct {
		work  time.Duration
		reply chan struct{}
	}
	queues := make([]chan req, 4)
	var workers sync.WaitGroup
	for i := range queues {
		queues[i] = make(chan req, 16)
		workers.Add(1)
		go func(q chan req) {
			defer workers.Done()
			if lock {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
			}
			for r := range q {
				ts := syscall.NsecToTimespec(int64(r.work))
				_ = syscall.Nanosleep(&ts, nil)
				r.reply <- struct{}{}
			}
		}(queues[i])
	}
	end := time.Now().Add(d)
	var mu sync.Mutex
	var callers sync.WaitGroup
	for c := range 8 {
		callers.Add(1)
		go func() {
			defer callers.Done()
			reply := make(chan struct{}, 1)
			for n := 0; time.Now().Before(end); n++ {
				work := 300*time.Microsecond + time.Duration((c*7+n*13)%8)*100*time.Microsecond
				t0 := time.Now()
				queues[(c+n)%4] <- req{work, reply}
				<-reply
				took := time.Since(t0)
				mu.Lock()
				worst = max(worst, took)
				if took >= 100*time.Millisecond {
					stalls++
				}
				mu.Unlock()
			}
		}()
	}
	callers.Wait()
	for _, q := range queues {
		close(q)
	}
	workers.Wait()
	return worst, stalls
}
