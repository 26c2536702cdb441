package main

// harness.Pinned(role) and harness.Unpinned() (package
// pinlab/exercises/harness) mark a worker's locked thread on pinlab's CPU
// map.

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"time"

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
// Submit hands jobs out in turn.
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

// NewPool starts a worker per device and returns once every device is ready.
func NewPool() (*Pool, error) {
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
	return p, nil
}

func (w *worker) loop(ready chan<- error) {
	defer close(w.done)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
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

// ServeMetrics serves Prometheus metrics at /metrics on ln, in the
// background, until the program ends.
//
// So far it serves the client library's default metrics (go_*, process_*):
// nothing about the pool.
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
