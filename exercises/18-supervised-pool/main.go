// Driver for exercise 18 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect).
//
// Four callers submit 2 ms jobs for 5 s, each with a 1 s deadline,
// and every answer is checked against the device that gave it. Faults come
// on a schedule drawn from the run's seed (PINLAB_SEED replays a run):
//
//   - bad inputs: one call in every 250 to 275 ms carries an input the
//     kernel panics on; it must come back as an error, and the worker that
//     ran it must carry on (never more than 3 in 600 ms, so bad inputs alone
//     never make a worker failing);
//   - a device outage: from 0.5 to 0.7 s, for 200 to 300 ms, every device
//     but one is lost, and the threads that call the kernel on a lost device
//     are corrupt for good (kernel.go).
//
// The driver counts, per call, what came back: a result, an error, a
// refusal (ErrUnavailable), or nothing within the deadline. During the
// outage, a lost device's worker may fail faultLimit+1 jobs before it is
// retired; after that its callers must be refused, not fail: a replacement
// takes no job before its probe passes. From 200 ms after the outage ends,
// the pool must be healthy again: no refusals, no errors but the bad
// inputs'. That healthy stage lasts at least 3.8 s, long enough for at least
// 13 bad inputs: more than faultLimit for one of the four workers at least,
// though never more than faultLimit within faultWindow, so a worker that
// counts its panics over its whole life, not within the window, retires a
// healthy worker there. A C thread records every thread that held a
// device context (owners.go); after the load the driver counts the retired
// ones still alive and the contexts initialised twice on one thread, then
// closes the pool and counts the contexts left open.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

const (
	callers   = 4
	loadTime  = 5 * time.Second // the manifest's scenario.seconds sets it
	callBound = time.Second     // every call's deadline
	// refusedPause is how long a refused caller waits before its next call,
	// as a client backing off would.
	refusedPause = time.Millisecond
	// healthyGrace: from this long after the outage ends, the pool must
	// serve every call again.
	healthyGrace = 200 * time.Millisecond
	// Bad inputs come badInputGap plus up to badInputJitter apart: never 4
	// within faultWindow (600 ms), and at least 13 in the 3.8 s or more of
	// the healthy stage.
	badInputGap    = 250 * time.Millisecond
	badInputJitter = 25 // ms
	// hangLimit: a call still not back after this ends the run.
	hangLimit = 3 * time.Second
	settle    = 100 * time.Millisecond
)

// Where the run is: calls are judged by the stage they started in.
const (
	before = iota
	outage // the outage and the grace after it
	late   // the pool must be healthy again
)

var (
	stage       atomic.Int32
	badAt       []time.Duration // offsets of the bad inputs into the load
	badNext     atomic.Int64
	loadStart   atomic.Int64 // unix ns
	unanswered  atomic.Int64
	refused     atomic.Int64
	refusedLate atomic.Int64
	outageErrs  atomic.Int64 // errors, bad inputs aside, of calls begun in the outage stage
	badLate     atomic.Int64 // bad inputs in the healthy stage
	lateErrors  atomic.Int64
	servedLate  atomic.Int64
	refusalNs   [1 << 16]atomic.Int64 // latency of each refused call
	callSince   [callers]atomic.Int64 // unix ns the caller's call began, 0 when idle
	initsAt     [3]atomic.Uint64      // device inits since the start when each stage began
	first       device.Stats          // the device counters before NewPool
)

func main() {
	samplerErr := newOwnerSampler()
	h := harness.Start("18-supervised-pool")
	if samplerErr != nil {
		h.Fail("owner sampler: %v", samplerErr)
	}
	device.SetInitTime(time.Duration(h.Between("init_ms", 5, 40) * float64(time.Millisecond)))
	ndev := device.Count()
	outageAt := time.Duration(h.Between("outage_at_ms", 500, 700) * float64(time.Millisecond))
	outageFor := time.Duration(h.Between("outage_ms", 200, 300) * float64(time.Millisecond))
	keep := h.Intn(ndev) // the device that stays up
	for at := time.Duration(50+h.Intn(100)) * time.Millisecond; at < 60*time.Second; {
		badAt = append(badAt, at)
		at += badInputGap + time.Duration(h.Intn(badInputJitter))*time.Millisecond
	}
	first = device.Total()

	pool, err := NewPool()
	if err != nil {
		h.Fail("NewPool: %v", err)
	}
	var once sync.Once
	go watchdog(h)
	next := make([]int64, callers) // each caller touches only its own slot
	h.Load(harness.Steady(callers, loadTime), func(w int) error {
		once.Do(func() { go faults(ndev, keep, outageAt, outageFor) })
		next[w]++
		in := int64(w)<<32 | next[w]
		t0 := time.Now()
		st := stage.Load()
		bad := isBad(t0)
		if bad {
			in |= badInput
			if st == late {
				badLate.Add(1)
			}
		}
		callSince[w].Store(t0.UnixNano())
		ctx, cancel := context.WithTimeout(context.Background(), callBound)
		r, err := pool.Submit(ctx, in)
		cancel()
		took := time.Since(t0)
		callSince[w].Store(0)
		switch {
		case err == nil:
			if bad {
				return h.WrongAnswer(fmt.Sprintf("input %#x, which makes the kernel panic, gave a value", in))
			}
			if r.Device < 0 || r.Device >= ndev || r.Value != device.Expected(r.Device, in) {
				return h.WrongAnswer(fmt.Sprintf("Submit(%d) gave device %d, value %d", in, r.Device, r.Value))
			}
			if st == late {
				servedLate.Add(1)
			}
		case errors.Is(err, ErrUnavailable):
			if n := refused.Add(1) - 1; n < int64(len(refusalNs)) {
				refusalNs[n].Store(took.Nanoseconds())
			}
			if st == late {
				refusedLate.Add(1)
			}
			time.Sleep(refusedPause)
		case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
			unanswered.Add(1)
		default:
			if st == late && !bad {
				lateErrors.Add(1)
			}
			if st == outage && !bad {
				outageErrs.Add(1)
			}
		}
		return err
	})
	time.Sleep(settle) // replacements under way finish their Init

	n := min(refused.Load(), int64(len(refusalNs)))
	lat := make([]int64, n)
	for i := range lat {
		lat[i] = refusalNs[i].Load()
	}
	slices.Sort(lat)
	p99 := 0.0
	if n > 0 {
		p99 = float64(lat[(n*99)/100]) / float64(jobWork)
	}
	h.Info("unanswered", float64(unanswered.Load()))
	h.Info("refused", float64(refused.Load()))
	h.Info("refused_late", float64(refusedLate.Load()))
	h.Info("outage_errors", float64(outageErrs.Load()))
	h.Info("bad_inputs_late", float64(badLate.Load()))
	h.Info("late_errors", float64(lateErrors.Load()))
	h.Info("served_late", float64(servedLate.Load()))
	h.Info("refusal_p99_jobs", p99)
	h.Info("threads_corrupted", float64(corrupted.Load()))

	inits := device.Total().Sub(first).Inits
	h.Info("replacements", float64(int64(inits)-int64(ndev)))
	// Inits outside the outage: before it, and after the pool had to be
	// healthy again. Bad inputs alone must never retire a worker.
	outside := int64(inits) - int64(ndev)
	if stage.Load() != before {
		outside = int64(initsAt[outage].Load()) - int64(ndev)
	}
	if stage.Load() == late {
		outside += int64(inits) - int64(initsAt[late].Load())
	}
	h.Info("inits_outside_outage", float64(outside))
	seen, alive := 0, 0
	for d := 0; d < ndev; d++ {
		cur := device.Read(d).OwnerTID
		for _, tid := range owners(d) {
			seen++
			if tid != cur && threadAlive(tid) {
				alive++
			}
		}
	}
	h.Info("reinit_same_thread", float64(int64(inits)-int64(seen)))
	h.Info("retired_threads_alive", float64(alive))

	pool.Close()
	device.ReportSince(h, first)
	h.Done()
}

// threadAlive says whether thread tid of this process still exists and can
// run goroutines again: signal 0 checks without sending anything (a syscall
// takes the TID as this process sees it, also inside a PID namespace, where
// /proc may not). The main thread does not count: a goroutine that ends
// locked to it does not end it, the runtime parks it for good instead, and
// it never runs Go code again.
func threadAlive(tid int) bool {
	return tid != os.Getpid() && syscall.Tgkill(os.Getpid(), tid, 0) == nil
}

// faults runs the outage: every device but keep is lost for outageFor from
// outageAt into the load. It records the device inits at each stage.
func faults(ndev, keep int, outageAt, outageFor time.Duration) {
	loadStart.Store(time.Now().UnixNano())
	time.Sleep(outageAt)
	initsAt[outage].Store(device.Total().Sub(first).Inits)
	stage.Store(outage)
	for d := 0; d < ndev; d++ {
		lost[d].Store(d != keep)
	}
	time.Sleep(outageFor)
	for d := 0; d < ndev; d++ {
		lost[d].Store(false)
	}
	time.Sleep(healthyGrace)
	initsAt[late].Store(device.Total().Sub(first).Inits)
	stage.Store(late)
}

// isBad says whether the call starting at t carries the next bad input.
func isBad(t time.Time) bool {
	start := loadStart.Load()
	k := badNext.Load()
	if start == 0 || k >= int64(len(badAt)) || time.Duration(t.UnixNano()-start) < badAt[k] {
		return false
	}
	return badNext.CompareAndSwap(k, k+1)
}

// watchdog ends the run when a call has not come back within hangLimit: a
// pool that loses a job and ignores the caller's deadline would otherwise
// keep the run going forever.
func watchdog(h *harness.Session) {
	for {
		time.Sleep(100 * time.Millisecond)
		hung := 0
		now := time.Now().UnixNano()
		for i := range callSince {
			if s := callSince[i].Load(); s != 0 && time.Duration(now-s) > hangLimit {
				hung++
			}
		}
		if hung > 0 {
			h.Info("unanswered", float64(unanswered.Load()+int64(hung)))
			h.Done()
			os.Exit(0)
		}
	}
}
