// hdrenc prints, as one JSON object, two cumulative HdrHistogram snapshots
// encoded the way exercises/harness does it (V2 compressed, base64, ns,
// 1 ns..60 s, 3 digits) and Go's own percentiles for each, plus those of
// the values recorded between the two snapshots alone. pinlab's probe tests
// decode the snapshots in Python and compare.
package main

import (
	"encoding/json"
	"math/rand"
	"os"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

type summary struct {
	P50, P90, P99, P999, Max, Count int64
}

func summarise(h *hdrhistogram.Histogram) summary {
	return summary{
		P50: h.ValueAtQuantile(50), P90: h.ValueAtQuantile(90),
		P99: h.ValueAtQuantile(99), P999: h.ValueAtQuantile(99.9),
		Max: h.Max(), Count: h.TotalCount(),
	}
}

func encode(h *hdrhistogram.Histogram) string {
	enc, err := h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	if err != nil {
		panic(err)
	}
	return string(enc)
}

func main() {
	const lowest, highest, digits = 1, int64(60 * time.Second), 3
	rng := rand.New(rand.NewSource(42))
	total := hdrhistogram.New(lowest, highest, digits)
	second := hdrhistogram.New(lowest, highest, digits)
	// first interval: fast calls around 20 µs with a 2 ms tail
	for i := 0; i < 20000; i++ {
		v := int64(15000 + rng.Intn(10000))
		if i%100 == 0 {
			v = 2_000_000 + int64(rng.Intn(500_000))
		}
		_ = total.RecordValue(v)
	}
	first := encode(total)
	firstSummary := summarise(total)
	// second interval: slower calls around 300 µs, one 40 ms outlier
	for i := 0; i < 5000; i++ {
		v := int64(250_000 + rng.Intn(100_000))
		if i == 777 {
			v = 40_000_000
		}
		_ = total.RecordValue(v)
		_ = second.RecordValue(v)
	}
	out := map[string]any{
		"first": first, "first_summary": firstSummary,
		"second": encode(total), "second_summary": summarise(total),
		"interval_summary": summarise(second),
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
