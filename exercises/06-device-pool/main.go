// Driver for exercise 06 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect).
//
// Eight callers submit jobs of skewed sizes (one in eight keeps a device busy
// eight times longer) for the scenario's duration; every answer is checked
// against the device that gave it. Two probes follow on the idle pool:
//
//   - routing: one long job, then small jobs one at a time. A pool that
//     routes by real load (queued and running) sends the small jobs around
//     the busy device; round-robin, or a count that misses the running job,
//     puts some behind it.
//   - cancellation: with every device busy and work queued, a caller whose
//     context ends after 20 ms must get ctx.Err() back promptly, and its job
//     must never run.
//
// NewPool is judged the moment it returns: every device must have its
// context by then. Then Close, given 2 s. Device counters (calls, inits, contexts still open,
// wrong-thread calls, jobs running now) come from the device library itself,
// not from the pool: the probes wait until the device library says the
// devices are busy rather than trusting a sleep, and every device call that
// no caller received an answer from counts as a job run for a caller who had
// gone. Last, one device is made to fail its Init, and a new NewPool must
// return that error.
package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

const (
	callers   = 8
	smallWork = 2 * time.Millisecond
	bigWork   = 16 * time.Millisecond

	probeLong   = 300 * time.Millisecond
	probeSmall  = time.Millisecond
	probeJobs   = 12
	busyJobs    = 8
	busyWork    = 60 * time.Millisecond
	cancelAfter = 20 * time.Millisecond
	closeLimit  = 2 * time.Second
)

// answered counts Submits that returned a result: every device call should
// be one of them.
var answered atomic.Int64

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func main() {
	h := harness.Start("06-device-pool")
	before := device.Total() // report what this run adds
	ndev := device.Count()
	contexts := make([]uint64, ndev)
	for d := range contexts {
		contexts[d] = device.Read(d).Contexts
	}
	pool, err := NewPool()
	if err != nil {
		h.Fail("NewPool: %v", err)
	}
	notReady := 0
	for d, n := range contexts {
		if device.Read(d).Contexts == n {
			notReady++ // NewPool returned before this device's context existed
		}
	}
	h.Info("not_ready_at_return", float64(notReady))
	bg := context.Background()

	next := make([]int64, callers) // each caller touches only its own slot
	h.Load(harness.Steady(callers, time.Second), func(w int) error {
		i := next[w]
		next[w]++
		work := smallWork
		if (i+int64(w)*3)%8 == 0 {
			work = bigWork
		}
		in := int64(w)<<32 | i
		r, err := pool.Submit(bg, Job{Input: in, Work: work})
		if err != nil {
			return err
		}
		if r.Device < 0 || r.Device >= ndev || r.Value != device.Expected(r.Device, in) {
			return h.WrongAnswer("a result's value or device index was wrong")
		}
		answered.Add(1)
		return nil
	})

	h.Info("small_job_max_ms", routingProbe(h, pool, ndev))
	h.Info("cancel_return_ms", cancelProbe(h, pool, ndev))

	least := uint64(1 << 62)
	for d := 0; d < ndev; d++ {
		least = min(least, device.Read(d).Calls)
	}
	h.Info("least_used_device_calls", float64(least))

	closed := make(chan struct{})
	go func() {
		pool.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(closeLimit): // a worker is stuck: its context stays open
	}
	ran := device.ReportSince(h, before).Calls
	h.Info("jobs_run_for_no_one", float64(int64(ran)-answered.Load()))
	h.Info("init_error_unreported", failingPool(h.Intn(ndev)))
	h.Done()
}

// failingPool makes device dev fail to initialise (after the counters are
// reported: nothing it leaves counts) and asks for a new pool: 0 when
// NewPool returns Init's error (device.ErrInitFailed) within closeLimit, 1
// when it returns no error, another error, or nothing in time.
func failingPool(dev int) float64 {
	device.FailInit(dev, true)
	defer device.FailInit(dev, false)
	errc := make(chan error, 1)
	go func() {
		_, err := NewPool()
		errc <- err
	}()
	select {
	case err := <-errc:
		if errors.Is(err, device.ErrInitFailed) {
			return 0
		}
	case <-time.After(closeLimit):
	}
	return 1
}

// routingProbe occupies one device with a long job, then submits small jobs
// one at a time and returns the slowest small job's latency in ms.
func routingProbe(h *harness.Session, pool *Pool, ndev int) float64 {
	bg := context.Background()
	long := make(chan error, 1)
	go func() {
		r, err := pool.Submit(bg, Job{Input: 1, Work: probeLong})
		if err == nil && r.Value == device.Expected(r.Device, 1) {
			answered.Add(1)
		}
		long <- err
	}()
	waitBusy(ndev, 1, 500*time.Millisecond) // the long job is running
	var worst time.Duration
	for i := 0; i < probeJobs; i++ {
		in := int64(100 + i)
		t0 := time.Now()
		r, err := pool.Submit(bg, Job{Input: in, Work: probeSmall})
		worst = max(worst, time.Since(t0))
		switch {
		case err != nil:
			_ = h.WrongAnswer(fmt.Sprintf("routing probe: Submit: %v", err))
		case r.Value != device.Expected(r.Device, in):
			_ = h.WrongAnswer("routing probe: a result's value or device index was wrong")
		default:
			answered.Add(1)
		}
	}
	if err := <-long; err != nil {
		_ = h.WrongAnswer(fmt.Sprintf("routing probe: long job: %v", err))
	}
	return ms(worst)
}

// cancelProbe makes every device busy with work queued behind it (it waits
// up to 0.5 s for the device library to report every device running), then
// submits a job whose context ends after cancelAfter. It returns how long
// Submit took to come back, in ms; a Submit that does not return the
// context's error counts as 1000 ms. The job cannot start before its
// deadline (every device has a 60 ms job ahead of it), so a device call made
// for it is one no caller waits for.
func cancelProbe(h *harness.Session, pool *Pool, ndev int) float64 {
	bg := context.Background()
	var wg sync.WaitGroup
	for i := 0; i < busyJobs; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := pool.Submit(bg, Job{Input: 7, Work: busyWork})
			switch {
			case err != nil:
				_ = h.WrongAnswer(fmt.Sprintf("cancellation probe: a job without deadline failed: %v", err))
			case r.Value != device.Expected(r.Device, 7):
				_ = h.WrongAnswer("cancellation probe: a result's value or device index was wrong")
			default:
				answered.Add(1)
			}
		}()
	}
	waitBusy(ndev, ndev, 500*time.Millisecond) // every device is running a job
	ctx, cancel := context.WithTimeout(bg, cancelAfter)
	t0 := time.Now()
	_, err := pool.Submit(ctx, Job{Input: 9, Work: probeSmall})
	took := time.Since(t0)
	cancel()
	wg.Wait()
	if !errors.Is(err, context.DeadlineExceeded) {
		return 1000
	}
	return ms(took)
}
