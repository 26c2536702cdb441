// Package harness runs a learner's code under a load profile and streams what
// it measures to pinlab, one JSON object per line:
//
//	hello      exercise id, Go version, GOMAXPROCS, pid (first line)
//	phase      "baseline", "setup", "load", "teardown"
//	baseline   threads after the runtime has warmed up, before learner code runs
//	tick       every interval: cumulative calls, errors, latency histogram
//	           (HdrHistogram V2 compressed, base64), heap allocations and
//	           Go runtime metrics; dropped counts frames the reader missed
//	locked     a goroutine reported the OS thread (tid) it is locked to, and its role
//	unlocked   that thread is no longer reported as locked
//	load_done  exact totals of one load run
//	invalid    the learner's code gave a wrong answer (the run then exits 1)
//	result     the run finished
//
// Drivers use it as: h := harness.Start(id); set up; h.Load(profile, call);
// validate; h.Done().
package harness

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Latencies are recorded in nanoseconds, from 1 ns to 60 s, 3 digits.
const (
	minLatency = 1
	maxLatency = int64(60 * time.Second)
	sigDigits  = 3
)

// Session is one run of a driver.
type Session struct {
	exercise string
	start    time.Time
	out      *stream
	interval time.Duration

	phase   atomic.Value // string
	mu      sync.Mutex   // guards recs and total
	recs    []*recorder
	total   *hdrhistogram.Histogram
	stop    chan struct{}
	stopped chan struct{}
}

// recorder holds one load worker's counts; its mutex is uncontended except
// when the ticker merges it.
type recorder struct {
	mu     sync.Mutex
	hist   *hdrhistogram.Histogram
	calls  int64
	errors int64
}

// Start sends the handshake, measures the idle baseline and starts the ticker.
func Start(exercise string) *Session {
	s := &Session{
		exercise: exercise,
		start:    time.Now(),
		out:      openStream(),
		interval: envDuration("PINLAB_INTERVAL_MS", time.Millisecond, 100*time.Millisecond),
		total:    hdrhistogram.New(minLatency, maxLatency, sigDigits),
		stop:     make(chan struct{}),
		stopped:  make(chan struct{}),
	}
	s.phase.Store("baseline")
	s.out.sendWait(map[string]any{
		"type": "hello", "exercise": exercise, "go": runtime.Version(),
		"gomaxprocs": runtime.GOMAXPROCS(0), "pid": os.Getpid(),
		"interval": s.interval.Seconds(),
	})
	go s.tickLoop()
	s.Phase("baseline")
	s.baseline()
	s.Phase("setup")
	return s
}

// baseline warms the runtime up (every P busy once, a GC) and then idles, so
// that pinlab can sample the thread count a plain Go program of this shape has.
func (s *Session) baseline() {
	var wg sync.WaitGroup
	for i := 0; i < runtime.GOMAXPROCS(0); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			spin(50 * time.Millisecond)
		}()
	}
	wg.Wait()
	runtime.GC()
	time.Sleep(envDuration("PINLAB_BASELINE_MS", time.Millisecond, 300*time.Millisecond))
	s.out.sendWait(map[string]any{"type": "baseline", "t": s.since(), "threads": SelfThreads()})
}

func spin(d time.Duration) {
	end := time.Now().Add(d)
	x := 0
	for time.Now().Before(end) {
		for i := 0; i < 1000; i++ {
			x += i
		}
	}
	_ = x
}

// Phase announces a new phase of the run.
func (s *Session) Phase(name string) {
	s.phase.Store(name)
	s.out.sendWait(map[string]any{"type": "phase", "t": s.since(), "name": name})
}

// Locked reports that the calling goroutine is locked to its OS thread and
// what it does there. Call it after runtime.LockOSThread.
func (s *Session) Locked(role string) {
	s.out.sendWait(map[string]any{"type": "locked", "t": s.since(), "tid": syscall.Gettid(), "role": role})
}

// Unlocked reports that the calling goroutine no longer holds its thread.
func (s *Session) Unlocked() {
	s.out.sendWait(map[string]any{"type": "unlocked", "t": s.since(), "tid": syscall.Gettid()})
}

// Fail reports a wrong answer and ends the run with exit status 1.
func (s *Session) Fail(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	s.out.sendWait(map[string]any{"type": "invalid", "t": s.since(), "msg": msg})
	s.finish(false)
	fmt.Fprintln(os.Stderr, "wrong answer:", msg)
	os.Exit(1)
}

// Info sends a free-form measurement the driver wants pinlab to judge, such
// as the number of device initialisations.
func (s *Session) Info(key string, value float64) {
	s.out.sendWait(map[string]any{"type": "info", "t": s.since(), "key": key, "value": value})
}

// Done ends the run successfully.
func (s *Session) Done() {
	s.finish(true)
}

func (s *Session) finish(ok bool) {
	close(s.stop)
	<-s.stopped
	s.out.sendWait(map[string]any{"type": "result", "t": s.since(), "ok": ok, "dropped": s.out.dropped.Load()})
	s.out.close()
}

func (s *Session) since() float64 { return time.Since(s.start).Seconds() }

func (s *Session) tickLoop() {
	defer close(s.stopped)
	t := time.NewTicker(s.interval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.tick()
		}
	}
}

func (s *Session) tick() {
	frame := map[string]any{"type": "tick", "t": s.since(), "phase": s.phase.Load()}
	for k, v := range readRuntimeMetrics() {
		frame[k] = v
	}
	s.mu.Lock()
	if s.recs != nil {
		calls, errs := s.mergeLocked()
		frame["calls"], frame["errors"] = calls, errs
		if enc, err := s.total.Encode(hdrhistogram.V2CompressedEncodingCookieBase); err == nil {
			frame["hist"] = string(enc)
		}
	}
	s.mu.Unlock()
	frame["dropped"] = s.out.dropped.Load()
	s.out.send(frame)
}

// mergeLocked rebuilds the cumulative histogram of the current load run.
func (s *Session) mergeLocked() (calls, errs int64) {
	s.total.Reset()
	for _, r := range s.recs {
		r.mu.Lock()
		s.total.Merge(r.hist)
		calls += r.calls
		errs += r.errors
		r.mu.Unlock()
	}
	return calls, errs
}

// SelfThreads is the kernel's thread count for this process.
func SelfThreads() int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "Threads:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	return -1
}

func envDuration(name string, unit, def time.Duration) time.Duration {
	if v, err := strconv.ParseFloat(os.Getenv(name), 64); err == nil && v > 0 {
		return time.Duration(v * float64(unit))
	}
	return def
}
