package harness

// The frames the harness streams to pinlab, one JSON object per line, each
// with its "type" and "t" (seconds since the program started). This file is
// the schema: probes/frames.py decodes exactly these, and
// tests/test_frames.py proves the two agree.

// Head is what every frame starts with.
type Head struct {
	Type string  `json:"type"`
	T    float64 `json:"t"`
}

// Hello is the first frame of a run.
type Hello struct {
	Head
	Exercise   string  `json:"exercise"`
	Go         string  `json:"go"`
	GOMAXPROCS int     `json:"gomaxprocs"`
	PID        int     `json:"pid"`
	Interval   float64 `json:"interval"` // seconds between ticks
	Seed       int64   `json:"seed"`     // what the scenario's varied parameters came from
}

// PhaseFrame announces a phase: "baseline", "setup", "load", "teardown".
type PhaseFrame struct {
	Head
	Name string `json:"name"`
}

// Baseline is the idle thread count, before learner code runs.
type Baseline struct {
	Head
	Threads int `json:"threads"`
}

// Tick is sent every interval. Calls, Errors and Hist are cumulative over the
// current load run (absent outside one); the Go runtime's metrics are absent
// where this Go version lacks them.
type Tick struct {
	Head
	Phase      string  `json:"phase"`
	Calls      *int64  `json:"calls,omitempty"`
	Errors     *int64  `json:"errors,omitempty"`
	Hist       RawText `json:"hist,omitempty"` // HdrHistogram V2 compressed, base64, ns
	Dropped    int64   `json:"dropped"`        // frames the reader missed so far
	GoThreads  *uint64 `json:"go_threads,omitempty"`
	Goroutines *uint64 `json:"goroutines,omitempty"`
	NotInGo    *uint64 `json:"not_in_go,omitempty"`
	CgoCalls   *uint64 `json:"cgo_calls,omitempty"`
	Allocs     *uint64 `json:"allocs,omitempty"`
	GOMAXPROCS *uint64 `json:"gomaxprocs,omitempty"`
}

// LockedFrame says a goroutine is locked to the OS thread TID, doing Role.
type LockedFrame struct {
	Head
	TID  int    `json:"tid"`
	Role string `json:"role"`
}

// UnlockedFrame says that thread is no longer reported as locked.
type UnlockedFrame struct {
	Head
	TID int `json:"tid"`
}

// LoadDone holds the exact totals of one load run. Allocs counts heap objects
// allocated during the run by the learner's code and the driver: the
// harness's own reports allocate next to nothing.
type LoadDone struct {
	Head
	Calls   int64   `json:"calls"`
	Errors  int64   `json:"errors"`
	Seconds float64 `json:"seconds"`
	Allocs  uint64  `json:"allocs"`
	Hist    RawText `json:"hist"`
}

// InfoFrame is a value the driver reports for a target to judge.
type InfoFrame struct {
	Head
	Key   string  `json:"key"`
	Value float64 `json:"value"`
}

// Invalid says the learner's code gave a wrong answer; the run then exits 1.
type Invalid struct {
	Head
	Msg string `json:"msg"`
}

// Result is the last frame of a run.
type Result struct {
	Head
	OK      bool  `json:"ok"`
	Dropped int64 `json:"dropped"`
}

// RawText is text that is already safe inside JSON quotes (base64), written
// without a copy.
type RawText []byte

// MarshalJSON quotes the text as it is.
func (r RawText) MarshalJSON() ([]byte, error) {
	out := make([]byte, 0, len(r)+2)
	out = append(out, '"')
	out = append(out, r...)
	return append(out, '"'), nil
}
