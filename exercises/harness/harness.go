// Package harness runs a learner's code under a load profile and streams what
// it measures to pinlab, one JSON object per line:
//
//	hello      exercise id, Go version, GOMAXPROCS, pid, seed (first line)
//	phase      "baseline", "setup", "load", "teardown"
//	baseline   threads after the runtime has warmed up, before learner code runs
//	tick       every interval: cumulative calls, errors, latency histogram
//	           (HdrHistogram V2 compressed, base64), heap allocations and
//	           Go runtime metrics; dropped counts frames the reader missed
//	locked     a goroutine reported the OS thread (tid) it is locked to, and its role
//	unlocked   that thread is no longer reported as locked
//	load_done  exact totals of one load run
//	info       a value for a target to judge
//	invalid    the learner's code gave a wrong answer (the run then exits 1)
//	result     the run finished
//
// frames.go holds their types. Drivers use it as: h := harness.Start(id);
// set up; h.Load(profile, call); validate; h.Done().
package harness

import (
	"bufio"
	"fmt"
	"math/rand/v2"
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
	mu      sync.Mutex   // guards recs, total and hist
	recs    []*recorder
	total   *hdrhistogram.Histogram
	hist    histEncoder
	stop    chan struct{}
	stopped chan struct{}

	seed  int64
	rng   *rand.Rand // guarded by rngMu
	rngMu sync.Mutex

	// owned by the tick loop
	tickFrame   Tick
	metrics     runtimeMetrics
	calls, errs int64

	wrong      atomic.Int64 // answers the driver found wrong
	firstWrong atomic.Value // string: the first of them
}

// current is the session of this process, for Pinned and Unpinned.
var current atomic.Pointer[Session]

// recorder holds one load worker's counts; its mutex is uncontended except
// when the ticker merges it.
type recorder struct {
	mu     sync.Mutex
	hist   *hdrhistogram.Histogram
	calls  int64
	errors int64
}

// Start sends the handshake, measures the idle baseline and starts the
// ticker. Every scenario runs on two Ps (PINLAB_GOMAXPROCS overrides), the
// size of the machine the exercises are calibrated on.
func Start(exercise string) *Session {
	runtime.GOMAXPROCS(int(envInt("PINLAB_GOMAXPROCS", 2)))
	seed := envInt("PINLAB_SEED", time.Now().UnixNano())
	s := &Session{
		exercise: exercise,
		start:    time.Now(),
		out:      openStream(),
		interval: envDuration("PINLAB_INTERVAL_MS", time.Millisecond, 100*time.Millisecond),
		total:    hdrhistogram.New(minLatency, maxLatency, sigDigits),
		stop:     make(chan struct{}),
		stopped:  make(chan struct{}),
		seed:     seed,
		rng:      rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15)),
	}
	s.phase.Store("baseline")
	current.Store(s)
	s.out.sendWait(&Hello{
		Head: s.head("hello"), Exercise: exercise, Go: runtime.Version(),
		GOMAXPROCS: runtime.GOMAXPROCS(0), PID: os.Getpid(),
		Interval: s.interval.Seconds(), Seed: seed,
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
	idle := envDuration("PINLAB_BASELINE_MS", time.Millisecond, 60*time.Millisecond)
	time.Sleep(idle / 2)
	s.out.sendWait(&Baseline{Head: s.head("baseline"), Threads: SelfThreads()})
	// pinlab counts the threads from outside as this frame arrives: stay
	// idle a little longer, so that its count is still the idle one
	time.Sleep(idle / 2)
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
	s.out.sendWait(&PhaseFrame{Head: s.head("phase"), Name: name})
}

// Locked reports that the calling goroutine is locked to its OS thread and
// what it does there. Call it after runtime.LockOSThread.
func (s *Session) Locked(role string) {
	s.out.sendWait(&LockedFrame{Head: s.head("locked"), TID: syscall.Gettid(), Role: role})
}

// Unlocked reports that the calling goroutine no longer holds its thread.
func (s *Session) Unlocked() {
	s.out.sendWait(&UnlockedFrame{Head: s.head("unlocked"), TID: syscall.Gettid()})
}

// Pinned marks the calling goroutine's thread on pinlab's CPU map as locked
// for good, doing role: learner code calls it after runtime.LockOSThread in a
// long-lived worker. It does nothing outside a driver's run.
func Pinned(role string) {
	if s := current.Load(); s != nil {
		s.Locked(role)
	}
}

// Unpinned says the calling goroutine is about to let its thread go.
func Unpinned() {
	if s := current.Load(); s != nil {
		s.Unlocked()
	}
}

// Fail reports a wrong answer and ends the run with exit status 1.
func (s *Session) Fail(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	s.out.sendWait(&Invalid{Head: s.head("invalid"), Msg: msg})
	s.finish(false)
	fmt.Fprintln(os.Stderr, "wrong answer:", msg)
	os.Exit(1)
}

// WrongAnswer counts a result the driver found wrong and returns an error
// for the call (so the harness counts it too); what says what was wrong.
// Done fails the run if there was any.
func (s *Session) WrongAnswer(what string) error {
	s.firstWrong.CompareAndSwap(nil, what)
	s.wrong.Add(1)
	return errWrongAnswer
}

var errWrongAnswer = fmt.Errorf("wrong answer")

// Info sends a free-form measurement the driver wants pinlab to judge, such
// as the number of device initialisations.
func (s *Session) Info(key string, value float64) {
	s.out.sendWait(&InfoFrame{Head: s.head("info"), Key: key, Value: value})
}

// Between returns a value drawn uniformly from [lo, hi] with the run's seed
// and reports it as info "vary_<name>", so a scenario can vary what a
// shortcut would depend on (an initialisation time a sleep could guess, a
// batch size a constant could match) and every run says what it drew.
func (s *Session) Between(name string, lo, hi float64) float64 {
	s.rngMu.Lock()
	v := lo + s.rng.Float64()*(hi-lo)
	s.rngMu.Unlock()
	s.Info("vary_"+name, v)
	return v
}

// Intn returns a seeded pseudo-random int in [0, n), for scenario data.
func (s *Session) Intn(n int) int {
	s.rngMu.Lock()
	defer s.rngMu.Unlock()
	return s.rng.IntN(n)
}

// Done ends the run: successfully, unless WrongAnswer was called.
func (s *Session) Done() {
	if n := s.wrong.Load(); n > 0 {
		first, _ := s.firstWrong.Load().(string)
		s.Fail("%d results were wrong (the first: %s)", n, first)
	}
	s.finish(true)
}

func (s *Session) finish(ok bool) {
	close(s.stop)
	<-s.stopped
	s.out.sendWait(&Result{Head: s.head("result"), OK: ok, Dropped: s.out.dropped.Load()})
	s.out.close()
}

func (s *Session) head(kind string) Head { return Head{Type: kind, T: s.since()} }

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

// tick sends one Tick frame. It reuses its frame, metric samples and
// encoding buffers, so a tick allocates almost nothing.
func (s *Session) tick() {
	s.tickFrame.Head = s.head("tick")
	s.tickFrame.Phase, _ = s.phase.Load().(string)
	s.metrics.read(&s.tickFrame)
	s.mu.Lock()
	if s.recs != nil {
		s.calls, s.errs = s.mergeLocked()
		s.tickFrame.Calls, s.tickFrame.Errors = &s.calls, &s.errs
		s.tickFrame.Hist = s.hist.encode(s.total)
	} else {
		s.tickFrame.Calls, s.tickFrame.Errors, s.tickFrame.Hist = nil, nil, nil
	}
	s.tickFrame.Dropped = s.out.dropped.Load()
	s.out.send(&s.tickFrame)
	s.mu.Unlock()
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

func envInt(name string, def int64) int64 {
	if v, err := strconv.ParseInt(os.Getenv(name), 10, 64); err == nil && v > 0 {
		return v
	}
	return def
}

func envDuration(name string, unit, def time.Duration) time.Duration {
	if v, err := strconv.ParseFloat(os.Getenv(name), 64); err == nil && v > 0 {
		return time.Duration(v * float64(unit))
	}
	return def
}
