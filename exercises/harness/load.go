package harness

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Profile describes the load: how many concurrent callers, for how long.
//
// Steady keeps Workers callers busy for Duration. Bursty alternates: during
// the first Duty fraction of every Period, BurstWorkers callers are busy;
// for the rest of it, Workers callers are. MaxCalls, when set, ends the run
// early once that many calls are done (for slow starters).
type Profile struct {
	Workers      int
	Duration     time.Duration
	MaxCalls     int64
	BurstWorkers int
	Period       time.Duration
	Duty         float64
}

// Steady is a constant load of n callers.
func Steady(n int, d time.Duration) Profile {
	return Profile{Workers: n, Duration: d}
}

// Bursty is a load of base callers with bursts of burst callers.
func Bursty(base, burst int, period time.Duration, duty float64, d time.Duration) Profile {
	return Profile{Workers: base, BurstWorkers: burst, Period: period, Duty: duty, Duration: d}
}

// Stats are the exact totals of one load run.
type Stats struct {
	Calls   int64
	Errors  int64
	Elapsed time.Duration
	Allocs  uint64 // heap objects allocated during the run, by anyone
	Hist    *hdrhistogram.Histogram
}

// Load runs call under the profile. call receives the caller's index and
// returns an error for a failed call; errors are counted, not fatal.
// PINLAB_SECONDS, when set, overrides the profile's duration.
func (s *Session) Load(p Profile, call func(worker int) error) Stats {
	p.Duration = envDuration("PINLAB_SECONDS", time.Second, p.Duration)
	n := max(p.Workers, p.BurstWorkers)
	recs := make([]*recorder, n)
	for i := range recs {
		recs[i] = &recorder{hist: hdrhistogram.New(minLatency, maxLatency, sigDigits)}
	}
	s.mu.Lock()
	s.recs = recs
	s.mu.Unlock()
	s.Phase("load")

	var done atomic.Int64
	allocs0 := heapObjects()
	start := time.Now()
	deadline := start.Add(p.Duration)
	var wg sync.WaitGroup
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r := recs[w]
			for {
				now := time.Now()
				if !now.Before(deadline) || (p.MaxCalls > 0 && done.Load() >= p.MaxCalls) {
					return
				}
				if wait := p.idleFor(w, now.Sub(start)); wait > 0 {
					time.Sleep(min(wait, deadline.Sub(now)))
					continue
				}
				t0 := time.Now()
				err := call(w)
				lat := time.Since(t0).Nanoseconds()
				done.Add(1)
				r.mu.Lock()
				_ = r.hist.RecordValue(max(lat, minLatency))
				r.calls++
				if err != nil {
					r.errors++
				}
				r.mu.Unlock()
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	allocs := heapObjects() - allocs0

	s.mu.Lock()
	calls, errs := s.mergeLocked()
	hist := hdrhistogram.Import(s.total.Export())
	s.out.sendWait(&LoadDone{
		Head: s.head("load_done"), Calls: calls, Errors: errs,
		Seconds: elapsed.Seconds(), Allocs: allocs, Hist: s.hist.encode(s.total),
	})
	s.mu.Unlock()
	s.Phase("teardown")
	return Stats{Calls: calls, Errors: errs, Elapsed: elapsed, Allocs: allocs, Hist: hist}
}

// idleFor says how long caller w should wait before its next call: bursty
// callers beyond the base count sleep outside the burst window.
func (p Profile) idleFor(w int, elapsed time.Duration) time.Duration {
	if p.Period <= 0 || w < p.Workers {
		return 0
	}
	into := elapsed % p.Period
	burst := time.Duration(float64(p.Period) * p.Duty)
	if into < burst {
		return 0
	}
	return p.Period - into
}

// runtimeMetrics reads the Go runtime's own counts into a Tick, reusing its
// samples; a metric this Go version lacks stays absent from the frame.
type runtimeMetrics struct {
	samples []metrics.Sample
	values  []uint64
	fields  []func(*Tick) **uint64
}

var tickMetrics = []struct {
	name  string
	field func(*Tick) **uint64
}{
	{"/sched/threads/total:threads", func(t *Tick) **uint64 { return &t.GoThreads }},
	{"/sched/goroutines:goroutines", func(t *Tick) **uint64 { return &t.Goroutines }},
	{"/sched/goroutines/not-in-go:goroutines", func(t *Tick) **uint64 { return &t.NotInGo }},
	{"/cgo/go-to-c-calls:calls", func(t *Tick) **uint64 { return &t.CgoCalls }},
	{"/gc/heap/allocs:objects", func(t *Tick) **uint64 { return &t.Allocs }},
	{"/sched/gomaxprocs:threads", func(t *Tick) **uint64 { return &t.GOMAXPROCS }},
}

func (m *runtimeMetrics) read(t *Tick) {
	if m.samples == nil {
		known := map[string]bool{}
		for _, d := range metrics.All() {
			known[d.Name] = true
		}
		for _, tm := range tickMetrics {
			if known[tm.name] {
				m.samples = append(m.samples, metrics.Sample{Name: tm.name})
				m.fields = append(m.fields, tm.field)
			}
		}
		m.values = make([]uint64, len(m.samples))
	}
	metrics.Read(m.samples)
	for i, sm := range m.samples {
		if sm.Value.Kind() == metrics.KindUint64 {
			m.values[i] = sm.Value.Uint64()
			*m.fields[i](t) = &m.values[i]
		}
	}
}

// heapObjects is the exact number of heap objects allocated so far
// (ReadMemStats flushes every P's cache; runtime/metrics may lag by a span).
func heapObjects() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.Mallocs
}
