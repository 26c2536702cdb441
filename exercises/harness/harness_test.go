package harness

import (
	"testing"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

func filled() *hdrhistogram.Histogram {
	h := hdrhistogram.New(minLatency, maxLatency, sigDigits)
	for i := int64(1); i < 5000; i++ {
		_ = h.RecordValue(i * i * 37)
	}
	_ = h.RecordValues(int64(time.Millisecond), 1000)
	return h
}

// The encoder writes what the reference decoder reads back, count for count.
func TestHistEncoderRoundTrip(t *testing.T) {
	h := filled()
	var e histEncoder
	for range 2 { // the second pass reuses every buffer
		got, err := hdrhistogram.Decode(e.encode(h))
		if err != nil {
			t.Fatal(err)
		}
		if !got.Equals(h) {
			t.Fatalf("decoded histogram differs: total %d vs %d, p99 %d vs %d",
				got.TotalCount(), h.TotalCount(), got.ValueAtQuantile(99), h.ValueAtQuantile(99))
		}
	}
}

// A tick during load costs a handful of heap objects, whatever the
// histogram holds: the figure every allocations-per-call target rests on.
func TestTickAllocatesAlmostNothing(t *testing.T) {
	s := &Session{start: time.Now(), out: &stream{queue: make(chan []byte, 1024), done: make(chan struct{})},
		total: hdrhistogram.New(minLatency, maxLatency, sigDigits)}
	s.out.enc = newEncoder(&s.out.buf)
	s.phase.Store("load")
	s.recs = []*recorder{{hist: filled()}, {hist: filled()}}
	s.tick() // first use sizes the buffers
	drain := func() {
		for len(s.out.queue) > 0 {
			<-s.out.queue
		}
	}
	drain()
	allocs := testing.AllocsPerRun(50, func() { s.tick(); drain() })
	t.Logf("heap objects per tick: %.1f", allocs)
	if allocs > 6 {
		t.Fatalf("a tick allocates %.1f objects; the learner's allocations per call would carry them", allocs)
	}
}

// A goroutine that reports after the run ended (a worker outliving its pool's
// Stop) is ignored, not a crash of the whole run.
func TestFramesAfterTheEndAreDropped(t *testing.T) {
	s := &stream{queue: make(chan []byte, 1), done: make(chan struct{})}
	s.enc = newEncoder(&s.buf)
	go s.writeLoop()
	s.sendWait(&Head{Type: "phase"})
	s.close()
	s.send(&Head{Type: "tick"})
	s.sendWait(&LockedFrame{Head: Head{Type: "locked"}, TID: 1})
}
