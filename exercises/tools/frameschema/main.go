// Command frameschema prints one frame of every type the harness streams,
// every field set, as JSON lines: tests/test_frames.py decodes them with
// probes/frames.py to prove that the Go schema and the Python decoder agree.
package main

import (
	"encoding/json"
	"os"

	"pinlab/exercises/harness"
)

func main() {
	n := int64(7)
	u := uint64(3)
	h := func(kind string) harness.Head { return harness.Head{Type: kind, T: 1.5} }
	frames := []any{
		harness.Hello{Head: h("hello"), Exercise: "01-x", Go: "go1.26", GOMAXPROCS: 2, PID: 9, Interval: 0.1, Seed: 42},
		harness.PhaseFrame{Head: h("phase"), Name: "load"},
		harness.Baseline{Head: h("baseline"), Threads: 5},
		harness.Tick{Head: h("tick"), Phase: "load", Calls: &n, Errors: &n, Hist: harness.RawText("SElTVA=="),
			Dropped: 1, GoThreads: &u, Goroutines: &u, NotInGo: &u, CgoCalls: &u, Allocs: &u, GOMAXPROCS: &u},
		harness.LockedFrame{Head: h("locked"), TID: 11, Role: "device 0 worker"},
		harness.UnlockedFrame{Head: h("unlocked"), TID: 11},
		harness.LoadDone{Head: h("load_done"), Calls: 10, Errors: 1, Seconds: 1, Allocs: 4, Hist: harness.RawText("SElTVA==")},
		harness.InfoFrame{Head: h("info"), Key: "device_inits", Value: 2},
		harness.Invalid{Head: h("invalid"), Msg: "wrong"},
		harness.Result{Head: h("result"), OK: true, Dropped: 1},
	}
	enc := json.NewEncoder(os.Stdout)
	for _, f := range frames {
		if err := enc.Encode(f); err != nil {
			os.Exit(1)
		}
	}
}
