package main

// harness.Pinned(role) and harness.Unpinned() (package
// pinlab/exercises/harness) mark a worker's locked thread on pinlab's CPU
// map.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

// kernel is how long one job keeps a device busy.
const kernel = 2 * time.Millisecond

// Result says which device answered and what it returned.
type Result struct {
	Device int
	Value  int64
}

// Pool has one pinned worker per device, each with a queue of its own;
// Submit hands jobs out in turn. It exports its state as Prometheus
// metrics and labels its workers for the profiler.
type Pool struct {
	workers []*worker
	next    chan int // round-robin ticket
}

type worker struct {
	dev  int
	jobs chan job
	done chan struct{}
}

type job struct {
	in    int64
	reply chan answer
}

type answer struct {
	res Result
	err error
}

// osThreads is the kernel's count of this process's threads. Go's own
// go_threads counts only the threads the runtime made; threads started by
// C code are in this count and not in that one.
func osThreads() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if v, ok := bytes.CutPrefix(sc.Bytes(), []byte("Threads:")); ok {
			n, err := strconv.Atoi(string(bytes.TrimSpace(v)))
			if err == nil {
				return float64(n)
			}
		}
	}
	return -1
}

// NewPool starts a worker per device and returns once every device is ready.
func NewPool() (*Pool, error) {
	baseline := osThreads() // before any worker holds a thread
	p := &Pool{next: make(chan int, 1)}
	p.next <- 0
	for d := 0; d < device.Count(); d++ {
		w := &worker{dev: d, jobs: make(chan job, 16), done: make(chan struct{})}
		ready := make(chan error, 1)
		go w.loop(ready)
		if err := <-ready; err != nil {
			p.Close()
			return nil, err
		}
		p.workers = append(p.workers, w)
	}
	p.register(baseline)
	return p, nil
}

// register creates the pool's metrics. The gauges are functions: each
// scrape reads the live value (len of a channel, /proc), so the hot path
// pays nothing for them.
func (p *Pool) register(baseline float64) {
	// The default registry already holds the Go and process collectors.
	r := prometheus.DefaultRegisterer
	for _, w := range p.workers {
		r.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name:        "pinlab_worker_queue_depth",
			Help:        "Jobs waiting in a worker's queue.",
			ConstLabels: prometheus.Labels{"worker": strconv.Itoa(w.dev)},
		}, func() float64 { return float64(len(w.jobs)) }))
	}
	r.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "pinlab_pool_workers",
		Help: "Pinned workers in the pool, one OS thread each.",
	}, func() float64 { return float64(len(p.workers)) }))
	r.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "pinlab_os_threads",
		Help: "OS threads of this process, as the kernel counts them.",
	}, osThreads))
	r.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "pinlab_threads_baseline",
		Help: "OS threads of this process before the pool started.",
	}, func() float64 { return baseline }))
}

func (w *worker) loop(ready chan<- error) {
	defer close(w.done)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	// Label this goroutine for the profiler: CPU and goroutine profiles
	// then say which worker a sample came from (go tool pprof -tagfocus).
	labels := pprof.Labels("role", "device-worker", "worker", strconv.Itoa(w.dev))
	pprof.Do(context.Background(), labels, func(context.Context) {
		if err := device.Init(w.dev); err != nil {
			ready <- err
			return
		}
		harness.Pinned(fmt.Sprintf("device %d worker", w.dev))
		defer harness.Unpinned()
		defer device.Shutdown(w.dev)
		ready <- nil
		for j := range w.jobs {
			v, err := device.Compute(w.dev, kernel, j.in)
			j.reply <- answer{Result{Device: w.dev, Value: v}, err}
		}
	})
}

// Submit runs a job on the next device in turn and waits for the result.
func (p *Pool) Submit(in int64) (Result, error) {
	i := <-p.next
	p.next <- (i + 1) % len(p.workers)
	reply := make(chan answer, 1)
	p.workers[i].jobs <- job{in: in, reply: reply}
	a := <-reply
	return a.res, a.err
}

// Close stops the workers; each shuts its device down on its own thread.
func (p *Pool) Close() {
	for _, w := range p.workers {
		close(w.jobs)
	}
	for _, w := range p.workers {
		<-w.done
	}
}

// ServeMetrics serves the pool's registry at /metrics on ln, in the
// background, until the program ends.
func (p *Pool) ServeMetrics(ln net.Listener) error {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.Handler())
	go func() {
		if err := http.Serve(ln, mux); err != nil && !errors.Is(err, net.ErrClosed) {
			fmt.Println("metrics server:", err)
		}
	}()
	return nil
}
