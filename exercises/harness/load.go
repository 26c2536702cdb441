package harness

import (
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
	allocs0 := heapAllocs()
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
	allocs := heapAllocs() - allocs0

	s.mu.Lock()
	calls, errs := s.mergeLocked()
	hist := hdrhistogram.Import(s.total.Export())
	enc, _ := s.total.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	s.mu.Unlock()
	s.out.sendWait(map[string]any{
		"type": "load_done", "t": s.since(), "calls": calls, "errors": errs,
		"seconds": elapsed.Seconds(), "allocs": allocs, "hist": string(enc),
	})
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

var metricNames = map[string]string{
	"/sched/threads/total:threads":           "go_threads",
	"/sched/goroutines:goroutines":           "goroutines",
	"/sched/goroutines/not-in-go:goroutines": "not_in_go",
	"/cgo/go-to-c-calls:calls":               "cgo_calls",
	"/gc/heap/allocs:objects":                "allocs",
	"/sched/gomaxprocs:threads":              "gomaxprocs",
}

// supported keeps only the metrics this Go version has.
var supported = func() []metrics.Sample {
	known := map[string]bool{}
	for _, d := range metrics.All() {
		known[d.Name] = true
	}
	var out []metrics.Sample
	for name := range metricNames {
		if known[name] {
			out = append(out, metrics.Sample{Name: name})
		}
	}
	return out
}()

func readRuntimeMetrics() map[string]uint64 {
	samples := make([]metrics.Sample, len(supported))
	copy(samples, supported)
	metrics.Read(samples)
	out := make(map[string]uint64, len(samples))
	for _, sm := range samples {
		if sm.Value.Kind() == metrics.KindUint64 {
			out[metricNames[sm.Name]] = sm.Value.Uint64()
		}
	}
	return out
}

func heapAllocs() uint64 {
	sm := []metrics.Sample{{Name: "/gc/heap/allocs:objects"}}
	metrics.Read(sm)
	if sm[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return sm[0].Value.Uint64()
}
