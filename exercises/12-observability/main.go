// Driver for exercise 12 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect). Eight idle threads started by C
// (a C library's helpers) are there from the start. Sixteen callers keep
// the pool busy for the scenario's duration while the driver scrapes the
// pool's /metrics over loopback every 100 ms, the way Prometheus would,
// and compares what it reads with what it can see itself: the kernel's
// thread count, the pool's size, its queues. Then it submits 200 jobs at
// once and scrapes while they wait; then the C threads end, and a last
// scrape must follow the kernel's count down and read empty queues. The
// pprof labels come from the goroutine profile. The alert rule and the
// metrics under other pool sizes are checked by the exercise's Go tests.
package main

import (
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
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
	cHelpers    = 8   // idle C threads, from the start until after the load
	backlogJobs = 200 // submitted at once: 100 ms of work for 4 workers
)

// checks accumulates what the scrapes showed.
type checks struct {
	client          *http.Client
	url             string
	scrapes, failed int
	depthSeries     int     // most distinct worker labels on the queue depth metric
	threadErr       float64 // largest distance between the thread metric and the kernel
}

// scrape reads /metrics once, between two readings of the kernel's thread
// count, and records what it saw.
func (c *checks) scrape() (map[string][]sample, bool) {
	lo := harness.SelfThreads()
	m, err := scrape(c.client, c.url)
	hi := harness.SelfThreads()
	if err != nil {
		c.failed++
		return nil, false
	}
	c.scrapes++
	workers := map[string]bool{}
	for _, s := range m["pinlab_worker_queue_depth"] {
		workers[s.labels["worker"]] = true
	}
	delete(workers, "")
	c.depthSeries = max(c.depthSeries, len(workers))
	c.threadErr = max(c.threadErr, threadError(m, lo, hi))
	return m, true
}

// totalDepth is the sum of the queue depth series, or -1 if there is none.
func totalDepth(m map[string][]sample) float64 {
	s := m["pinlab_worker_queue_depth"]
	if len(s) == 0 {
		return -1
	}
	total := 0.0
	for _, x := range s {
		total += x.value
	}
	return total
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
	// The C library's helpers exist before the idle baseline, like the
	// runtime's own threads.
	helpers, helpersErr := startCThreads(cHelpers)
	h := harness.Start("12-observability")
	if helpersErr != nil {
		h.Fail("C threads: %v", helpersErr)
	}
	before := device.Total()
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
	c := checks{client: &http.Client{Timeout: time.Second}, url: "http://" + ln.Addr().String() + "/metrics"}
	c.scrape() // before the load, with the C threads

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
			c.scrape()
		}
	}()
	next := make([]int64, callers) // each caller touches only its own slot
	h.Load(harness.Steady(callers, time.Second), func(w int) error {
		next[w]++
		return submit(h, pool, ndev, int64(w)<<32|next[w])
	})
	close(stop)
	wg.Wait()

	// The backlog runs with one P more than the pool has workers (or
	// PINLAB_BACKLOG_PROCS): with two Ps, the locked workers handing their
	// Ps to one another could keep the scraper waiting until the backlog
	// was gone.
	h.Phase("backlog")
	procs := ndev + 1
	if n, err := strconv.Atoi(os.Getenv("PINLAB_BACKLOG_PROCS")); err == nil && n > 0 {
		procs = n
	}
	procs = runtime.GOMAXPROCS(procs)
	h.Info("queue_depth_backlog", backlog(h, pool, ndev, &c))
	runtime.GOMAXPROCS(procs)

	// The C threads end: the thread metric must follow the kernel down,
	// while the baseline stays what it was when NewPool began.
	helpers.stop()
	idleDepth, workersErr, baselineErr := float64(missing), float64(missing), float64(missing)
	if m, ok := c.scrape(); ok {
		if d := totalDepth(m); d >= 0 {
			idleDepth = 0
			for _, x := range m["pinlab_worker_queue_depth"] {
				idleDepth = max(idleDepth, x.value)
			}
		}
		workersErr = distance(single(m, "pinlab_pool_workers"), float64(ndev))
		baselineErr = distance(single(m, "pinlab_threads_baseline"), float64(threadsBefore))
	}

	h.Info("scrapes_ok", float64(c.scrapes))
	h.Info("scrapes_failed", float64(c.failed))
	h.Info("queue_depth_workers", float64(c.depthSeries))
	h.Info("queue_depth_idle", idleDepth)
	h.Info("os_threads_metric_error", c.threadErr)
	h.Info("threads_baseline_error", baselineErr)
	h.Info("pool_workers_error", workersErr)
	h.Info("labelled_workers", float64(labelledWorkers()))
	h.Info("kernel_threads_before_pool", float64(threadsBefore))
	pool.Close()
	device.ReportSince(h, before)
	h.Done()
}

// submit runs one job through the pool and checks the answer.
func submit(h *harness.Session, pool *Pool, ndev int, in int64) error {
	r, err := pool.Submit(in)
	if err != nil {
		return err
	}
	if r.Device < 0 || r.Device >= ndev || r.Value != device.Expected(r.Device, in) {
		return h.WrongAnswer(fmt.Sprintf("Submit(%d) gave device %d, value %d", in, r.Device, r.Value))
	}
	return nil
}

// backlog submits backlogJobs jobs at once, more than the queues hold,
// and scrapes every 2 ms while they wait. It returns the largest total
// queue depth read (-1: no depth series).
func backlog(h *harness.Session, pool *Pool, ndev int, c *checks) float64 {
	var left atomic.Int64
	left.Store(backlogJobs)
	var wg sync.WaitGroup
	for i := range backlogJobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer left.Add(-1)
			in := int64(1)<<40 | int64(i)
			r, err := pool.Submit(in)
			if err != nil || r.Device < 0 || r.Device >= ndev || r.Value != device.Expected(r.Device, in) {
				h.WrongAnswer(fmt.Sprintf("backlog Submit(%d) gave device %d, value %d, error %v", in, r.Device, r.Value, err))
			}
		}()
	}
	peak := -1.0
	for left.Load() > 0 {
		if m, ok := c.scrape(); ok {
			peak = max(peak, totalDepth(m))
		}
		time.Sleep(2 * time.Millisecond)
	}
	wg.Wait()
	return peak
}
