package costcard

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// childEnv asks a re-run of this test binary, a fresh process, to measure
// something that only a fresh process shows.
const childEnv = "PINLAB_COSTCARD_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "blocking" {
		fmt.Println(blockingThreads())
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// child runs this test binary afresh in mode and returns the numbers it prints.
func child(b *testing.B, path, mode string) []int {
	cmd := exec.Command(path, "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+mode)
	out, err := cmd.Output()
	if err != nil {
		b.Fatal(err)
	}
	var nums []int
	for _, f := range strings.Fields(string(out)) {
		n, err := strconv.Atoi(f)
		if err != nil {
			b.Fatalf("child said %q", out)
		}
		nums = append(nums, n)
	}
	return nums
}

//go:noinline
func add(a, b int) int { return a + b }

// BenchmarkCall is a plain Go call that the compiler may not inline.
func BenchmarkCall(b *testing.B) {
	s := 0
	for i := 0; i < b.N; i++ {
		s = add(s, i)
	}
	sink = s
}

var sink int

// BenchmarkCgoCall crosses from Go into C and back.
func BenchmarkCgoCall(b *testing.B) {
	var s int64
	for i := 0; i < b.N; i++ {
		s += Identity(int64(i))
	}
	sink = int(s)
}

// roundTrip sends b.N requests to a worker goroutine and waits for each reply.
func roundTrip(b *testing.B, locked bool) {
	req, rep := make(chan int), make(chan int)
	go func() {
		if locked {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
		}
		for v := range req {
			rep <- v + 1
		}
	}()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req <- i
		<-rep
	}
	b.StopTimer()
	close(req)
}

// BenchmarkChanRoundTrip is a request and reply to an ordinary goroutine.
func BenchmarkChanRoundTrip(b *testing.B) { roundTrip(b, false) }

// BenchmarkChanRoundTripLocked is the same to a goroutine locked to its
// thread: waking it needs that exact thread.
func BenchmarkChanRoundTripLocked(b *testing.B) { roundTrip(b, true) }

// BenchmarkLockUnlock is LockOSThread followed by UnlockOSThread.
func BenchmarkLockUnlock(b *testing.B) {
	for i := 0; i < b.N; i++ {
		runtime.LockOSThread()
		runtime.UnlockOSThread()
	}
}

// goroutines starts b.N goroutines one after another; each locks its thread
// and, when exit is set, ends without unlocking, so the runtime destroys the
// thread and a later goroutine needs a new one.
func goroutines(b *testing.B, exit bool) {
	done := make(chan struct{})
	for i := 0; i < b.N; i++ {
		go func() {
			runtime.LockOSThread()
			if !exit {
				runtime.UnlockOSThread()
			}
			done <- struct{}{}
		}()
		<-done
	}
}

// BenchmarkGoroutineLockUnlock is a goroutine that locks, unlocks and ends.
func BenchmarkGoroutineLockUnlock(b *testing.B) { goroutines(b, false) }

// BenchmarkExitWhileLocked is a goroutine that ends while locked: a thread
// destroyed and another created.
func BenchmarkExitWhileLocked(b *testing.B) { goroutines(b, true) }

// BenchmarkCounterMutex increments a counter under a mutex, one goroutine.
func BenchmarkCounterMutex(b *testing.B) {
	var mu sync.Mutex
	n := 0
	for i := 0; i < b.N; i++ {
		mu.Lock()
		n++
		mu.Unlock()
	}
	sink = n
}

// BenchmarkCounterAtomic increments an atomic counter, one goroutine.
func BenchmarkCounterAtomic(b *testing.B) {
	var n atomic.Int64
	for i := 0; i < b.N; i++ {
		n.Add(1)
	}
	sink = int(n.Load())
}

// BenchmarkCounterOwner increments a counter only its owner touches.
func BenchmarkCounterOwner(b *testing.B) {
	n := 0
	for i := 0; i < b.N; i++ {
		n = add(n, 1)
	}
	sink = n
}

// Concurrent blocking cgo calls: each holds an OS thread while it is in C.
const (
	blockingCallers = 64
	blockingMicros  = 50000
)

// blockingThreads starts 64 goroutines that each spend 50 ms in C at once and
// returns the most OS threads the process gained while they did.
func blockingThreads() int {
	base := Threads()
	most := base
	var inC sync.WaitGroup
	done := make(chan struct{})
	for range blockingCallers {
		inC.Add(1)
		go func() {
			defer inC.Done()
			Block(blockingMicros)
		}()
	}
	go func() { inC.Wait(); close(done) }()
	for {
		select {
		case <-done:
			return max(most, Threads()) - base
		default:
			most = max(most, Threads())
			time.Sleep(100 * time.Microsecond)
		}
	}
}

// BenchmarkBlockingCgoThreads reports the OS threads a fresh process gains
// while 64 goroutines spend 50 ms each in C at once (a blocked cgo call holds
// its thread; idle threads stay, so only a fresh process shows the count).
func BenchmarkBlockingCgoThreads(b *testing.B) {
	added := 0
	for i := 0; i < b.N; i++ {
		added = max(added, child(b, os.Args[0], "blocking")[0])
	}
	b.ReportMetric(float64(added), "threads")
	b.ReportMetric(0, "ns/op") // the figure is the thread count, not the time
}

// BenchmarkTemplateThread runs a fresh pure-Go program (costcard/firstlock,
// built by pinlab; its path in PINLAB_FIRSTLOCK) and reports the threads
// its first LockOSThread added: the runtime's template thread.
func BenchmarkTemplateThread(b *testing.B) {
	path := os.Getenv("PINLAB_FIRSTLOCK")
	if path == "" {
		b.Skip("PINLAB_FIRSTLOCK names no firstlock binary")
	}
	added := 0
	for i := 0; i < b.N; i++ {
		nums := child(b, path, "")
		if len(nums) != 4 {
			b.Fatalf("firstlock said %v", nums)
		}
		added = nums[1] - nums[0]
	}
	b.ReportMetric(float64(added), "threads")
	b.ReportMetric(0, "ns/op")
}
