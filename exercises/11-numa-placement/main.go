// Driver for exercise 11 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect). Eight callers keep the four
// devices busy for the scenario's duration. Meanwhile the driver samples,
// every 2 ms, where each device's context thread last ran (field 39 of
// /proc/self/task/TID/stat), and checks each one's affinity mask with
// sched_getaffinity. The context thread is the one the device library
// recorded at Init, not one the pool names. After Close it checks that no
// thread with a narrowed affinity was handed back to the Go scheduler.
// While NewPool runs it samples every thread's mask, to tell whether each
// context was created on a thread already confined to its socket.
package main

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

const (
	callers     = 8
	sampleEvery = 2 * time.Millisecond
)

// placement counts, per device, samples of its context thread's last CPU.
type placement struct {
	samples, onSocket []int
	affinityOK        []bool // every sampled mask was inside the socket
}

// placementSampler reads, every sampleEvery, each context thread's last CPU
// and mask. Everything it needs is prepared before the load, and a sample
// makes no blocking system call (see statFile): a sampler that looked its
// threads up, or opened their files, on the load's clock could be starved
// of the whole second on a crowded machine, and then read nothing.
type placementSampler struct {
	tids  []int
	stats []*statFile // nil: the thread is not among the process's
	p     placement
	buf   []byte
}

func newPlacementSampler(tids []int) *placementSampler {
	n := len(tids)
	s := &placementSampler{tids: tids, stats: make([]*statFile, n), buf: make([]byte, 1024),
		p: placement{make([]int, n), make([]int, n), make([]bool, n)}}
	dirs := taskDirs(tids) // one pass over /proc/self/task for all of them
	for d := range tids {
		s.p.affinityOK[d] = true
		if dirs[d] != "" {
			s.stats[d], _ = openStat(dirs[d])
		}
	}
	return s
}

func (s *placementSampler) sample() {
	for d, tid := range s.tids {
		want := socketCPUs(d)
		if s.stats[d] != nil {
			if cpu, err := s.stats[d].lastCPU(s.buf); err == nil {
				s.p.samples[d]++
				if slices.Contains(want, cpu) {
					s.p.onSocket[d]++
				}
			}
		}
		if m, err := threadAffinity(tid); err != nil || !inside(m.cpus(), want) {
			s.p.affinityOK[d] = false
		}
	}
}

// run samples once at once (started is closed after it), then every
// sampleEvery until stop.
func (s *placementSampler) run(started chan<- struct{}, stop <-chan struct{}) placement {
	defer func() {
		for _, f := range s.stats {
			if f != nil {
				f.close()
			}
		}
	}()
	t := time.NewTicker(sampleEvery)
	defer t.Stop()
	s.sample()
	close(started)
	for {
		select {
		case <-stop:
			return s.p
		case <-t.C:
		}
		s.sample()
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

// narrowedThreads counts the process's threads whose affinity differs
// from full, the process's own CPU set, polling for up to wait while
// exiting threads go away.
func narrowedThreads(full cpuMask, wait time.Duration) int {
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
	// Main stays on its thread, locked before the idle baseline: the
	// runtime's template thread, started by the first LockOSThread, is then
	// part of the baseline.
	runtime.LockOSThread()
	full, err := threadAffinity(0)
	h := harness.Start("11-numa-placement")
	if err != nil {
		h.Fail("sched_getaffinity: %v", err)
	}
	// Long enough for the init watcher to see each Init under way.
	initTime := time.Duration(h.Between("init_ms", 20, 40) * float64(time.Millisecond))
	device.SetInitTime(initTime)
	before := device.Total()

	watch := watchInits(time.Millisecond)
	pool, err := NewPool()
	inits := watch.stop()
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
	onSocket := 0
	for d, tid := range tids {
		if inits.confinedDuringInit(d, tid, socketCPUs(d)) {
			onSocket++
		}
	}
	h.Info("contexts_created_on_socket", float64(onSocket))

	stop, started := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	var placed placement
	sampler := newPlacementSampler(tids)
	wg.Add(1)
	go func() {
		defer wg.Done()
		placed = sampler.run(started, stop)
	}()
	<-started

	next := make([]int64, callers) // each caller touches only its own slot
	h.Load(harness.Steady(callers, time.Second), func(w int) error {
		next[w]++
		d := w % ndev
		in := int64(w)<<32 | next[w]
		v, err := pool.Run(d, in)
		if err != nil {
			return err
		}
		if v != device.Expected(d, in) {
			return h.WrongAnswer(fmt.Sprintf("Run(%d, %d) gave %d", d, in, v))
		}
		return nil
	})
	close(stop)
	wg.Wait()

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
	h.Info("narrowed_threads_after_close", float64(narrowedThreads(full, 300*time.Millisecond)))
	device.ReportSince(h, before)
	h.Done()
}
