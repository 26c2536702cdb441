// Driver for exercise 14 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect).
//
// The pool gets Min 2, Max 8, a deep queue of 4 and time constants drawn for
// this run; every job keeps a device busy for 20 ms. The scenario:
//
//  1. first burst (not measured): 16 callers for 250 ms. The driver notes
//     how long the pool takes to open Max contexts.
//  2. the measured load: 1 caller all the time, 16 during the first 200 ms
//     of every 300 ms. The gaps are shorter than IdleAfter, so the pool
//     should stay at Max; its p99 is compared with a fixed pool of Max (the
//     learner variant fixed-max) and with the starter's fixed pool of Min,
//     side by side.
//  3. the quiet spell: 1 caller for 2.7 x IdleAfter, with a blip of 6 more
//     callers at 2.2 x IdleAfter (a deep queue for one job's time, shorter
//     than GrowAfter). At its end the driver counts the process's OS threads
//     and the open device contexts.
//  4. Close, then every thread the runtime keeps idle is probed for a device
//     context left on it.
//
// A sampler watches the open contexts all along (never fewer than Min, never
// more than Max). Workers started and stopped are counted by the device
// library, not by the pool, and compared with the pool's scale events.
package main

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

const (
	minWorkers   = 2
	maxWorkers   = 8
	deepQueue    = 4
	work         = 20 * time.Millisecond
	burstCallers = 16
	blipCallers  = 6
	idleStock    = 32
	warmFor      = 250 * time.Millisecond
	period       = 300 * time.Millisecond
	duty         = 2.0 / 3
	loadFor      = 600 * time.Millisecond
)

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func msDuration(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }

type scenario struct {
	h      *harness.Session
	pool   *Pool
	ndev   int
	inputs atomic.Int64 // the driver's own calls take inputs from here
	errs   atomic.Int64 // errors of calls outside the measured load
}

// call submits one job and checks its answer.
func (s *scenario) call(in int64) error {
	r, err := s.pool.Submit(Job{Input: in, Work: work})
	if err != nil {
		return err
	}
	if r.Device < 0 || r.Device >= s.ndev || r.Value != device.Expected(r.Device, in) {
		return s.h.WrongAnswer("a result's value or device index was wrong")
	}
	return nil
}

// drive keeps n callers busy until the deadline (outside the measured load).
func (s *scenario) drive(n int, until time.Time) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(until) {
				if err := s.call(-s.inputs.Add(1)); err != nil {
					s.errs.Add(1)
				}
			}
		}()
	}
	wg.Wait()
}

// blip makes n calls at once, one per caller.
func (s *scenario) blip(n int) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.call(-s.inputs.Add(1)); err != nil {
				s.errs.Add(1)
			}
		}()
	}
	wg.Wait()
}

func main() {
	h := harness.Start("14-adaptive-pool")
	device.SetInitTime(msDuration(h.Between("init_ms", 5, 15)))
	cfg := Config{
		Min: minWorkers, Max: maxWorkers, DeepQueue: deepQueue,
		GrowAfter: msDuration(h.Between("grow_after_ms", 40, 60)),
		IdleAfter: msDuration(h.Between("idle_after_ms", 200, 280)),
	}
	stockIdleThreads(idleStock)
	before := device.Total()
	pool, err := NewPool(cfg)
	if err != nil {
		h.Fail("NewPool: %v", err)
	}
	threads0 := settledThreads()
	s := &scenario{h: h, pool: pool, ndev: device.Count()}
	initial := device.Total().Sub(before)
	watch := watchContexts(before.Contexts)

	// 1. the first burst
	start := time.Now()
	s.drive(burstCallers, start.Add(warmFor))
	ramp := warmFor + 100*time.Millisecond // never reached Max
	if at, ok := watch.reachedMax(); ok {
		ramp = at.Sub(start)
	}
	h.Info("ramp_beyond_grow_after_ms", ms(ramp-cfg.GrowAfter))

	// 2. the measured load
	next := make([]int64, burstCallers) // each caller touches only its own slot
	h.Load(harness.Bursty(1, burstCallers, period, duty, loadFor), func(w int) error {
		next[w]++
		return s.call(int64(w)<<32 | next[w])
	})

	// 3. the quiet spell, with a blip once even a pool that shrinks only
	// every IdleAfter has shrunk
	q0 := time.Now()
	blipped := make(chan struct{})
	go func() {
		defer close(blipped)
		time.Sleep(time.Until(q0.Add(cfg.IdleAfter * 22 / 10)))
		s.blip(blipCallers)
	}()
	s.drive(1, q0.Add(cfg.IdleAfter*27/10))
	<-blipped
	h.Info("threads_ended", float64(threads0-settledThreads()))
	h.Info("quiet_contexts", float64(device.Total().Contexts-before.Contexts))
	fewest, most := watch.stop()
	h.Info("fewest_contexts", float64(fewest))
	h.Info("most_contexts", float64(most))
	h.Info("unmeasured_errors", float64(s.errs.Load()))

	later := device.Total().Sub(before).Sub(initial)
	h.Info("workers_started", float64(later.Inits))
	h.Info("events_unrecorded", float64(unrecorded(pool.Events(), int(initial.Contexts), int(later.Inits), int(later.Shutdowns))))

	// 4. Close, and threads the runtime kept
	pool.Close()
	device.ReportSince(h, before)
	h.Info("dirty_threads", float64(dirtyThreads(s.ndev)))
	h.Done()
}

// unrecorded counts what the pool's events do not account for: workers
// started after NewPool, workers that shut their context down, and events
// that do not follow on from the one before (the first from the size
// NewPool left).
func unrecorded(events []ScaleEvent, size, started, stopped int) int {
	ups, downs, bad := 0, 0, 0
	for _, e := range events {
		if e.From != size || e.To == e.From {
			bad++
		}
		if e.To > e.From {
			ups += e.To - e.From
		} else {
			downs += e.From - e.To
		}
		size = e.To
	}
	return bad + abs(ups-started) + abs(downs-stopped)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// contextWatch samples the number of open device contexts every 2 ms.
type contextWatch struct {
	fewest, most atomic.Int64
	atMax        atomic.Int64 // UnixNano when Max contexts were first open
	done         chan struct{}
	wg           sync.WaitGroup
}

func watchContexts(base uint64) *contextWatch {
	w := &contextWatch{done: make(chan struct{})}
	w.fewest.Store(1 << 40)
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			n := int64(device.Total().Contexts - base)
			w.fewest.Store(min(w.fewest.Load(), n))
			w.most.Store(max(w.most.Load(), n))
			if n >= maxWorkers && w.atMax.Load() == 0 {
				w.atMax.Store(time.Now().UnixNano())
			}
			select {
			case <-w.done:
				return
			case <-t.C:
			}
		}
	}()
	return w
}

// reachedMax says when Max contexts were first open, if they were.
func (w *contextWatch) reachedMax() (time.Time, bool) {
	at := w.atMax.Load()
	return time.Unix(0, at), at != 0
}

func (w *contextWatch) stop() (fewest, most int64) {
	close(w.done)
	w.wg.Wait()
	return w.fewest.Load(), w.most.Load()
}

// stockIdleThreads leaves the runtime n idle OS threads, as a long-running
// service has: the runtime never ends an idle thread, and it runs new work
// (and new pinned workers) on these before it creates threads. From then on
// the process's thread count moves only with the pool: a worker that exits
// locked takes its thread with it, one that unlocks hands it back to the
// runtime, which keeps it.
func stockIdleThreads(n int) {
	var held, release sync.WaitGroup
	held.Add(n)
	release.Add(1)
	for i := 0; i < n; i++ {
		go func() {
			runtime.LockOSThread()
			held.Done()
			release.Wait() // each holds a thread of its own until all have one
			runtime.UnlockOSThread()
		}()
	}
	held.Wait()
	release.Done()
}

// settledThreads is the process's thread count once two reads 10 ms apart
// agree (threads the runtime is still starting count too).
func settledThreads() int {
	n := harness.SelfThreads()
	for i := 0; i < 20; i++ {
		time.Sleep(10 * time.Millisecond)
		m := harness.SelfThreads()
		if m == n {
			break
		}
		n = m
	}
	return n
}

// dirtyThreads locks one goroutine to each OS thread the runtime holds idle
// (and a few more) and counts those on which a device call works: a thread
// that still held a context when it was handed back to the runtime.
func dirtyThreads(ndev int) int {
	n := harness.SelfThreads() + 4
	var dirty atomic.Int64
	var held, release sync.WaitGroup
	held.Add(n)
	release.Add(1)
	for i := 0; i < n; i++ {
		go func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			for d := 0; d < ndev; d++ {
				if _, err := device.Compute(d, 0, 0); err == nil {
					dirty.Add(1)
					break
				}
			}
			held.Done()
			release.Wait() // keep this thread until every probe has one
		}()
	}
	held.Wait()
	release.Done()
	return int(dirty.Load())
}
