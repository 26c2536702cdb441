// Driver for exercise 14 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect).
//
// The pool gets Min 2, Max 8, a deep queue of 4 and time constants drawn for
// this run; every job keeps a device busy for 20 ms. The scenario:
//
//  1. first burst (not measured): 16 callers for 250 ms. The driver measures
//     how long, from GrowAfter to the burst's end, fewer than Max contexts
//     were open (the whole rest of the burst if the pool never reaches Max).
//  2. the measured load: 1 caller all the time, 16 during the first 200 ms
//     of every 300 ms. The gaps are shorter than IdleAfter, so the pool
//     should stay at Max; its p99 is compared with a fixed pool of Max (the
//     learner variant fixed-max) and with the starter's fixed pool of Min,
//     side by side.
//  3. a steady load: 5 callers, each calling again once answered, for
//     5 x IdleAfter. The queue stays empty while five workers are busy: the
//     pool, at Max when it starts, should keep five. The driver notes the
//     fewest contexts open during it.
//  4. the quiet spell: 1 caller for 2.7 x IdleAfter, with a blip of 6 more
//     callers at 2.2 x IdleAfter (a deep queue for one job's time, shorter
//     than GrowAfter). At its end the driver counts the process's OS threads
//     and the open device contexts.
//  5. Close, then every thread the runtime keeps idle is probed for a device
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
	minWorkers    = 2
	maxWorkers    = 8
	deepQueue     = 4
	work          = 20 * time.Millisecond
	burstCallers  = 16
	blipCallers   = 6
	steadyCallers = 5
	steadyFor     = 5 // x IdleAfter
	idleStock     = 32
	warmFor       = 250 * time.Millisecond
	period        = 300 * time.Millisecond
	duty          = 2.0 / 3
	loadFor       = 600 * time.Millisecond
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
	rampSpan := watch.watch(start.Add(cfg.GrowAfter), start.Add(warmFor))
	s.drive(burstCallers, start.Add(warmFor))
	_, belowMax := watch.seen(rampSpan)
	h.Info("ramp_below_max_ms", ms(belowMax))

	// 2. the measured load
	next := make([]int64, burstCallers) // each caller touches only its own slot
	h.Load(harness.Bursty(1, burstCallers, period, duty, loadFor), func(w int) error {
		next[w]++
		return s.call(int64(w)<<32 | next[w])
	})

	// 3. a steady load: several callers, each waiting for its answer before
	// its next call, for several IdleAfter. The queue stays empty, and every
	// worker they need stays busy.
	s0 := time.Now()
	steadyEnd := s0.Add(cfg.IdleAfter * steadyFor)
	steadySpan := watch.watch(s0, steadyEnd)
	s.drive(steadyCallers, steadyEnd)
	steadyFewest, _ := watch.seen(steadySpan)
	h.Info("steady_fewest_contexts", float64(steadyFewest))

	// 4. the quiet spell, with a blip once even a pool that shrinks only
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

	// 5. Close, and threads the runtime kept
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

// contextWatch samples the number of open device contexts every 2 ms, over
// the whole run and over spans the driver names beforehand.
type contextWatch struct {
	mu           sync.Mutex
	fewest, most int64
	spans        [2]*span
	nspans       int
	done         chan struct{}
	wg           sync.WaitGroup
}

// span is what the sampler saw between from and to.
type span struct {
	from, to time.Time
	fewest   int64         // fewest contexts open at a sample
	below    time.Duration // time with fewer than Max contexts open
	last     time.Time     // the span's previous sample, zero before the first
	lastN    int64
}

func watchContexts(base uint64) *contextWatch {
	w := &contextWatch{done: make(chan struct{}), fewest: 1 << 40}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			n := int64(device.Total().Contexts - base)
			now := time.Now()
			w.mu.Lock()
			w.fewest, w.most = min(w.fewest, n), max(w.most, n)
			for _, s := range w.spans[:w.nspans] {
				if now.Before(s.from) || now.After(s.to) {
					continue
				}
				if !s.last.IsZero() && s.lastN < maxWorkers {
					s.below += now.Sub(s.last)
				}
				s.fewest, s.last, s.lastN = min(s.fewest, n), now, n
			}
			w.mu.Unlock()
			select {
			case <-w.done:
				return
			case <-t.C:
			}
		}
	}()
	return w
}

// watch names a span to sample, from now or later until to.
func (w *contextWatch) watch(from, to time.Time) *span {
	s := &span{from: from, to: to, fewest: 1 << 40}
	w.mu.Lock()
	w.spans[w.nspans] = s
	w.nspans++
	w.mu.Unlock()
	return s
}

// seen reads a span once it is over: the fewest contexts open, and how long
// fewer than Max were open (from its first sample to its last).
func (w *contextWatch) seen(s *span) (fewest int64, below time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return s.fewest, s.below
}

func (w *contextWatch) stop() (fewest, most int64) {
	close(w.done)
	w.wg.Wait()
	return w.fewest, w.most
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
