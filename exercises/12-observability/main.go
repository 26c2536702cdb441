// Driver for exercise 12 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect). Sixteen callers keep the pool
// busy for the scenario's duration while the driver scrapes the pool's
// /metrics over loopback every 100 ms, the way Prometheus would, and
// compares what it reads with what it can see itself: the kernel's thread
// count, the pool's size, its queues. Then it checks the pprof labels in
// the goroutine profile. The alert rule is checked by the exercise's Go
// tests, with promtool.
package main

import (
	"errors"
	"math"
	"net"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

const (
	callers     = 16
	scrapeEvery = 100 * time.Millisecond
	missing     = 999 // reported for a metric that is not there
)

var errWrong = errors.New("wrong result")

// session lets learner code mark its pinned threads on pinlab's CPU map.
var session *harness.Session

// pinned reports that the calling goroutine is locked to its OS thread for
// good, doing role. Call it after runtime.LockOSThread in a long-lived worker.
func pinned(role string) {
	if session != nil {
		session.Locked(role)
	}
}

// unpinned reports that the calling goroutine is about to let its thread go.
func unpinned() {
	if session != nil {
		session.Unlocked()
	}
}

// checks accumulates what the scrapes showed.
type checks struct {
	scrapes, failed int
	depthSeries     int     // most distinct worker labels on the queue depth metric
	depthPeak       float64 // largest total queue depth seen under load
	threadErr       float64 // largest distance between the thread metric and the kernel
}

func (c *checks) observe(m map[string][]sample, kernelLo, kernelHi int) {
	c.scrapes++
	workers := map[string]bool{}
	total := 0.0
	for _, s := range m["pinlab_worker_queue_depth"] {
		workers[s.labels["worker"]] = true
		total += s.value
	}
	delete(workers, "")
	c.depthSeries = max(c.depthSeries, len(workers))
	c.depthPeak = max(c.depthPeak, total)
	c.threadErr = max(c.threadErr, threadError(m, kernelLo, kernelHi))
}

// threadError is how far pinlab_os_threads is from the kernel's count,
// which was kernelLo just before the scrape and kernelHi just after.
func threadError(m map[string][]sample, kernelLo, kernelHi int) float64 {
	s := m["pinlab_os_threads"]
	if len(s) != 1 {
		return missing
	}
	lo, hi := float64(min(kernelLo, kernelHi)), float64(max(kernelLo, kernelHi))
	switch v := s[0].value; {
	case v < lo:
		return lo - v
	case v > hi:
		return v - hi
	}
	return 0
}

// single is the value of a metric with one series, or NaN.
func single(m map[string][]sample, name string) float64 {
	if s := m[name]; len(s) == 1 {
		return s[0].value
	}
	return math.NaN()
}

func distance(v, want float64) float64 {
	if math.IsNaN(v) {
		return missing
	}
	return math.Abs(v - want)
}

func main() {
	runtime.GOMAXPROCS(2)
	h := harness.Start("12-observability")
	session = h
	threadsBefore := harness.SelfThreads()
	pool, err := NewPool()
	if err != nil {
		h.Fail("NewPool: %v", err)
	}
	ndev := device.Count()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		h.Fail("listen on loopback: %v", err)
	}
	if err := pool.ServeMetrics(ln); err != nil {
		h.Fail("ServeMetrics: %v", err)
	}
	url := "http://" + ln.Addr().String() + "/metrics"
	client := &http.Client{Timeout: time.Second}

	var c checks
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(scrapeEvery)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			lo := harness.SelfThreads()
			m, err := scrape(client, url)
			hi := harness.SelfThreads()
			if err != nil {
				c.failed++
				continue
			}
			c.observe(m, lo, hi)
		}
	}()

	next := make([]int64, callers) // each caller touches only its own slot
	var wrong atomic.Int64
	st := h.Load(harness.Steady(callers, time.Second), func(w int) error {
		next[w]++
		in := int64(w)<<32 | next[w]
		r, err := pool.Submit(in)
		if err != nil {
			return err
		}
		if r.Device < 0 || r.Device >= ndev || r.Value != device.Expected(r.Device, in) {
			wrong.Add(1)
			return errWrong
		}
		return nil
	})
	close(stop)
	wg.Wait()
	if n := wrong.Load(); n > 0 {
		h.Fail("%d of %d results were wrong", n, st.Calls)
	}

	// The pool is idle now: every queue must read 0.
	idleDepth, workersErr, baselineErr := float64(missing), float64(missing), float64(missing)
	lo := harness.SelfThreads()
	if m, err := scrape(client, url); err == nil {
		c.observe(m, lo, harness.SelfThreads())
		if s := m["pinlab_worker_queue_depth"]; len(s) > 0 {
			idleDepth = 0
			for _, x := range s {
				idleDepth = max(idleDepth, x.value)
			}
		}
		workersErr = distance(single(m, "pinlab_pool_workers"), float64(ndev))
		baselineErr = distance(single(m, "pinlab_threads_baseline"), float64(threadsBefore))
	} else {
		c.failed++
	}

	h.Info("scrapes_ok", float64(c.scrapes))
	h.Info("scrapes_failed", float64(c.failed))
	h.Info("queue_depth_workers", float64(c.depthSeries))
	h.Info("queue_depth_peak", c.depthPeak)
	h.Info("queue_depth_idle", idleDepth)
	h.Info("os_threads_metric_error", c.threadErr)
	h.Info("threads_baseline_error", baselineErr)
	h.Info("pool_workers_error", workersErr)
	h.Info("labelled_workers", float64(labelledWorkers()))
	h.Info("wrong_thread", float64(device.Total().WrongThread))
	h.Info("kernel_threads_before_pool", float64(threadsBefore))
	pool.Close()
	h.Done()
}
