// Driver for exercise 11 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect). Eight callers keep the four
// devices busy for the scenario's duration. Meanwhile the driver samples,
// every 2 ms, where each device's context thread last ran (field 39 of
// /proc/self/task/TID/stat), and checks each one's affinity mask with
// sched_getaffinity. The context thread is the one the device library
// recorded at Init, not one the pool names. After Close it checks that no
// thread with a narrowed affinity was handed back to the Go scheduler.
package main

import (
	"errors"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

const (
	callers     = 8
	sampleEvery = 2 * time.Millisecond
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

// placement counts, per device, samples of its context thread's last CPU.
type placement struct {
	samples, onSocket []int
	affinityOK        []bool // every sampled mask was inside the socket
}

func samplePlacement(stop <-chan struct{}, tids []int) placement {
	n := len(tids)
	dirs := make([]string, n)
	for d, tid := range tids {
		dirs[d] = taskDir(tid)
	}
	p := placement{make([]int, n), make([]int, n), make([]bool, n)}
	for d := range p.affinityOK {
		p.affinityOK[d] = true
	}
	buf := make([]byte, 1024)
	t := time.NewTicker(sampleEvery)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return p
		case <-t.C:
		}
		for d, tid := range tids {
			want := socketCPUs(d)
			if cpu, err := lastCPU(dirs[d], buf); dirs[d] != "" && err == nil {
				p.samples[d]++
				if slices.Contains(want, cpu) {
					p.onSocket[d]++
				}
			}
			if m, err := threadAffinity(tid); err != nil || !inside(m.cpus(), want) {
				p.affinityOK[d] = false
			}
		}
	}
}

func inside(cpus, allowed []int) bool {
	for _, c := range cpus {
		if !slices.Contains(allowed, c) {
			return false
		}
	}
	return len(cpus) > 0
}

// narrowedThreads counts the process's threads whose affinity is narrower
// than the process's own CPU set (the main thread's), polling for up to
// wait while exiting threads go away.
func narrowedThreads(wait time.Duration) int {
	full, err := threadAffinity(0)
	if err != nil {
		return -1
	}
	deadline := time.Now().Add(wait)
	for {
		n := 0
		for _, t := range tasks() {
			if m, err := threadAffinity(t.tid); err == nil && m != full {
				n++
			}
		}
		if n == 0 || time.Now().After(deadline) {
			return n
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func main() {
	runtime.GOMAXPROCS(2)
	runtime.LockOSThread() // main keeps the process's own mask: the reference for narrowedThreads
	h := harness.Start("11-numa-placement")
	session = h
	pool, err := NewPool()
	if err != nil {
		h.Fail("NewPool: %v", err)
	}
	ndev := device.Count()
	tids := make([]int, ndev)
	for d := range tids {
		tids[d] = contextOwner(d)
		if tids[d] == 0 {
			h.Fail("device %d has no context: NewPool must initialise every device", d)
		}
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var placed placement
	wg.Add(1)
	go func() {
		defer wg.Done()
		placed = samplePlacement(stop, tids)
	}()

	next := make([]int64, callers) // each caller touches only its own slot
	var wrong atomic.Int64
	st := h.Load(harness.Steady(callers, time.Second), func(w int) error {
		next[w]++
		d := w % ndev
		in := int64(w)<<32 | next[w]
		v, err := pool.Run(d, in)
		if err != nil {
			return err
		}
		if v != device.Expected(d, in) {
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

	samples, on, okWorkers := 0, 0, 0
	for d := range tids {
		samples += placed.samples[d]
		on += placed.onSocket[d]
		if placed.affinityOK[d] {
			okWorkers++
		}
	}
	if samples == 0 {
		h.Fail("no placement sample could be read")
	}
	h.Info("on_socket_pct", 100*float64(on)/float64(samples))
	h.Info("workers_with_socket_affinity", float64(okWorkers))
	h.Info("placement_samples", float64(samples))
	h.Info("simulated_topology", map[bool]float64{true: 1, false: 0}[simulated])
	pool.Close()
	h.Info("narrowed_threads_after_close", float64(narrowedThreads(300*time.Millisecond)))
	h.Info("wrong_thread", float64(device.Total().WrongThread))
	h.Done()
}
