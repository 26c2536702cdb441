// The scenario of exercise 17 (pristine, like the driver). A critical loop
// handles an event about every millisecond while three goroutines of the
// same process allocate in bursts (and so keep the garbage collector busy)
// and a neighbour process spins on the other CPUs. Meanwhile a sampler
// reads, every 2 ms, from the kernel: the critical thread's affinity mask,
// every other thread's mask, and which threads are running on which CPU.
package main

import (
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"pinlab/exercises/harness"
)

// Event is one event for the critical loop: pass it to Handle as soon as
// it arrives.
type Event struct {
	sent time.Time
}

// Handle is the critical work for one event. (It records how long the
// event waited and which OS thread handled it.)
func Handle(e Event) {
	waited := time.Since(e.sent)
	tid := syscall.Gettid()
	p := probe.Load()
	p.mu.Lock()
	_ = p.hist.RecordValue(max(waited.Nanoseconds(), 1))
	p.handled++
	p.tids[tid] = true
	p.mu.Unlock()
	p.last.Store(int64(tid))
}

// recorder is what Handle saw during one run.
type recorder struct {
	mu      sync.Mutex
	hist    *hdrhistogram.Histogram
	handled int64
	tids    map[int]bool
	last    atomic.Int64 // the thread of the latest Handle
}

var probe atomic.Pointer[recorder]

func newRecorder() *recorder {
	return &recorder{hist: hdrhistogram.New(1, int64(10*time.Second), 3), tids: map[int]bool{}}
}

func init() {
	probe.Store(newRecorder())
	// The main goroutine keeps the main thread: a goroutine that ends
	// locked on the main thread would leave it wedged rather than ended,
	// and the main thread must not be the one the critical loop gets.
	runtime.LockOSThread()
}

const (
	eventEvery   = time.Millisecond
	sampleEvery  = 2 * time.Millisecond
	noiseWorkers = 3
)

// layout is the administrator's plan: one CPU for the critical loop, the
// rest for everything else.
type layout struct {
	cpu  int
	rest []int
}

func newLayout(full cpuMask, cpu int) layout {
	l := layout{cpu: cpu}
	for _, c := range full.cpus() {
		if c != cpu {
			l.rest = append(l.rest, c)
		}
	}
	return l
}

// startFunc is StartCritical's shape.
type startFunc func(cpu int, rest []int, events <-chan Event) (<-chan struct{}, error)

// outcome is what one run measured.
type outcome struct {
	startErr       error
	sent, handled  int64
	hist           *hdrhistogram.Histogram
	criticalTIDs   int
	samples        int
	exactSamples   int // the critical thread's mask was exactly {cpu}
	othersAllowed  int // peak number of other threads allowed on cpu
	othersRunning  int // samples in which another thread ran on cpu
	restCallsPerS  float64
	loopEnded      bool
	narrowedAfter  int // threads left with the mask {cpu} after the loop ended
	neighbourError error
	// the layout at the instant StartCritical returned: the threads that
	// went on to run Handle without the mask exactly {cpu}, and the other
	// threads allowed on cpu
	loopUnboundAtReturn, othersAllowedAtReturn int
}

// noise is one allocating goroutine's state: it keeps its latest buffers
// alive so that the heap, and the collector's work, stay sizeable.
type noise struct {
	keep [256][]byte
	n    int
}

func (z *noise) call() {
	for i := 0; i < 32; i++ {
		b := make([]byte, 2048)
		b[0] = byte(z.n)
		z.keep[z.n%len(z.keep)] = b
		z.n++
	}
	if z.n%(32*16) == 0 { // a pause now and then: bursts, not a wall
		time.Sleep(time.Millisecond)
	}
}

// runScenario runs start's critical loop under the load for the profile's
// duration and measures it.
func runScenario(h *harness.Session, l layout, start startFunc) outcome {
	var o outcome
	neighbour, err := startNeighbour(maskOf(l.rest...))
	o.neighbourError = err
	defer stopNeighbour(neighbour)

	rec := newRecorder()
	probe.Store(rec)
	events := make(chan Event, 1024)
	known := threadIDs()
	done, err := start(l.cpu, l.rest, events)
	atReturn := masksNow(known)
	if err != nil {
		o.startErr = err
		return o
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var sent atomic.Int64
	wg.Add(2)
	go func() { // the event source
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(eventEvery):
			}
			events <- Event{sent: time.Now()}
			sent.Add(1)
		}
	}()
	var s sampler
	go func() {
		defer wg.Done()
		s.run(stop, rec, l.cpu)
	}()

	workers := make([]noise, noiseWorkers)
	st := h.Load(harness.Steady(noiseWorkers, time.Second), func(w int) error {
		workers[w].call()
		return nil
	})
	close(stop)
	wg.Wait()
	close(events)
	select {
	case <-done:
		o.loopEnded = true
	case <-time.After(2 * time.Second):
	}
	o.narrowedAfter = narrowedTo(l.cpu, 300*time.Millisecond)

	rec.mu.Lock()
	o.sent, o.handled = sent.Load(), rec.handled
	o.hist = rec.hist
	o.criticalTIDs = len(rec.tids)
	o.loopUnboundAtReturn, o.othersAllowedAtReturn = atReturn.judge(rec.tids, l.cpu)
	rec.mu.Unlock()
	o.samples, o.exactSamples = s.samples, s.exact
	o.othersAllowed, o.othersRunning = s.othersAllowed, s.othersRunning
	if st.Elapsed > 0 {
		o.restCallsPerS = float64(st.Calls) / st.Elapsed.Seconds()
	}
	return o
}

// sampler reads the kernel's view of the process every sampleEvery.
type sampler struct {
	samples, exact               int
	othersAllowed, othersRunning int
}

func (s *sampler) run(stop <-chan struct{}, rec *recorder, cpu int) {
	// Sample from the first handled event on: only then is the critical
	// thread known.
	for rec.last.Load() == 0 {
		select {
		case <-stop:
			return
		case <-time.After(time.Millisecond):
		}
	}
	want := maskOf(cpu)
	buf := make([]byte, 1024)
	t := time.NewTicker(sampleEvery)
	defer t.Stop()
	for {
		crit := int(rec.last.Load())
		if m, err := affinity(crit); err == nil && m == want {
			s.exact++
		}
		allowed, running := 0, false
		for _, th := range tasks() {
			if th.tid == crit {
				continue
			}
			if m, err := affinity(th.tid); err == nil && m.has(cpu) {
				allowed++
			}
			if state, last, err := runState(th.dir, buf); err == nil && state == 'R' && last == cpu {
				running = true
			}
		}
		s.othersAllowed = max(s.othersAllowed, allowed)
		if running {
			s.othersRunning++
		}
		s.samples++
		select {
		case <-stop:
			return
		case <-t.C:
		}
	}
}

// layoutSnapshot is every thread's mask at one instant.
type layoutSnapshot map[int]cpuMask

// masksNow reads the masks of the threads in known first, with raw system
// calls only (sched_getaffinity: the goroutine keeps its P, so nothing else
// runs on it meanwhile, and the read takes microseconds), then those of any
// thread that was not known. It is called the instant StartCritical
// returns: "returns once the loop is ready" means the layout is in place
// then, not a moment later.
func masksNow(known []int) layoutSnapshot {
	snap := layoutSnapshot{}
	for _, tid := range known {
		if m, err := affinity(tid); err == nil {
			snap[tid] = m
		}
	}
	for _, tid := range threadIDs() {
		if _, ok := snap[tid]; !ok {
			if m, err := affinity(tid); err == nil {
				snap[tid] = m
			}
		}
	}
	return snap
}

// judge compares the snapshot with the layout the loop must have had in
// place: each thread that ran Handle confined to exactly {cpu} (a thread
// that did not exist yet counts as unbound), every other thread barred
// from cpu.
func (snap layoutSnapshot) judge(loop map[int]bool, cpu int) (unbound, othersAllowed int) {
	want := maskOf(cpu)
	for tid := range loop {
		if m, ok := snap[tid]; !ok || m != want {
			unbound++
		}
	}
	for tid, m := range snap {
		if !loop[tid] && m.has(cpu) {
			othersAllowed++
		}
	}
	return unbound, othersAllowed
}

// narrowedTo counts the threads whose mask is exactly {cpu}, polling for up
// to wait while a thread that exits locked goes away.
func narrowedTo(cpu int, wait time.Duration) int {
	want := maskOf(cpu)
	deadline := time.Now().Add(wait)
	for {
		n := 0
		for _, id := range threadIDs() {
			if m, err := affinity(id); err == nil && m == want {
				n++
			}
		}
		if n == 0 || time.Now().After(deadline) {
			return n
		}
		time.Sleep(10 * time.Millisecond)
	}
}
