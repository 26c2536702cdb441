// Command costcard reads `go test -bench` output (a file named as its
// argument, or stdin; the costcard
// package's benchmarks, run -count times) and prints, as JSON, each
// benchmark's summary the way benchstat makes it: the median of the runs and
// its 95% confidence interval (golang.org/x/perf/benchmath, assuming
// nothing about the distribution), in the benchmark's own unit, plus the
// machine the output names (cpu, goos, goarch).
//
//	go test -run '^$' -bench . -count 6 ./costcard | costcard
//
// Six runs or more give a 95% interval; with fewer, lo and hi are null.
package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"
)

type entry struct {
	Name    string    `json:"name"` // "ChanRoundTripLocked"
	Unit    string    `json:"unit"` // "sec/op" (benchfmt's tidy unit) or "threads"
	Median  float64   `json:"median"`
	Lo      *float64  `json:"lo"` // the confidence interval around the median (null: too few runs)
	Hi      *float64  `json:"hi"`
	Values  []float64 `json:"values"`
	Warning string    `json:"warning,omitempty"`
}

func main() {
	in, name := os.Stdin, "stdin"
	if len(os.Args) > 1 {
		f, err := os.Open(os.Args[1])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer f.Close()
		in, name = f, os.Args[1]
	}
	r := benchfmt.NewReader(in, name)
	samples := map[[2]string][]float64{}
	var order [][2]string
	machine := map[string]string{}
	for r.Scan() {
		res, ok := r.Result().(*benchfmt.Result)
		if !ok {
			continue
		}
		for _, k := range []string{"cpu", "goos", "goarch", "pkg"} {
			if v := res.GetConfig(k); v != "" {
				machine[k] = v
			}
		}
		name := strings.TrimPrefix(string(res.Name.Base()), "Benchmark")
		unit := "sec/op"
		if _, ok := res.Value("threads"); ok {
			unit = "threads"
		}
		v, ok := res.Value(unit)
		if !ok {
			continue
		}
		key := [2]string{name, unit}
		if _, seen := samples[key]; !seen {
			order = append(order, key)
		}
		samples[key] = append(samples[key], v)
	}
	if err := r.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out := []entry{}
	for _, key := range order {
		values := samples[key]
		s := benchmath.AssumeNothing.Summary(benchmath.NewSample(values, &benchmath.DefaultThresholds), 0.95)
		e := entry{Name: key[0], Unit: key[1], Median: s.Center, Lo: finite(s.Lo), Hi: finite(s.Hi), Values: values}
		if len(s.Warnings) > 0 {
			e.Warning = s.Warnings[0].Error()
		}
		out = append(out, e)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	if err := enc.Encode(map[string]any{"machine": machine, "entries": out}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func finite(v float64) *float64 {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return nil
	}
	return &v
}
