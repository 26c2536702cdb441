package harness

import (
	"testing"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// The ticker's own allocations land in every exercise's allocations-per-call
// figure, so keep them few. This histogram is far wider than a real run's
// (14 000 buckets), which is the worst case for encoding.
func BenchmarkTick(b *testing.B) {
	s := &Session{
		out:   &stream{queue: make(chan []byte, 1)},
		total: hdrhistogram.New(minLatency, maxLatency, sigDigits),
	}
	s.phase.Store("load")
	r := &recorder{hist: hdrhistogram.New(minLatency, maxLatency, sigDigits), calls: 1}
	for i := int64(1); i < 100000; i += 7 {
		_ = r.hist.RecordValue(i)
	}
	s.recs = []*recorder{r, r}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s.encodedUpTo = 0 // calls keep coming: every histEvery-th tick encodes
		s.tick()
		select {
		case <-s.out.queue:
		default:
		}
	}
}
