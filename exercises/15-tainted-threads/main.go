// Driver for exercise 15 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect).
//
// Eight callers encode frames for the scenario's duration; one frame in
// sixteen is corrupt and must come back as errCorrupt. encodeFrame, the
// work itself, must run on a thread bound to the encoder CPU (drawn per run
// from the CPUs this process may use) and counts the frames that did not.
//
// Ordinary goroutines watch for tainted threads the whole time: every
// caller reads the CPU mask of the thread it runs on before and after each
// call, and two watchers do the same every 200 µs. A thread whose mask is
// not the process's own is a thread that carries the encoder's setting into
// code that never asked for it. pinlab counts, in a private PID namespace,
// every thread created while the load runs. After Stop, no thread of the
// process may still be bound.
package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"pinlab/exercises/harness"
)

const (
	callers  = 8
	watchers = 2
	watchGap = 200 * time.Microsecond
	// frameWork is how much CPU one frame costs (encodeFrame spins on it).
	frameWork = 20 * time.Microsecond
	// stopGrace is how long a thread that ends locked may take to be gone
	// after Stop has returned.
	stopGrace = 100 * time.Millisecond
)

// errCorrupt is what encodeFrame returns for a frame it cannot encode.
var errCorrupt = errors.New("corrupt frame")

var (
	processMask unix.CPUSet  // the mask every thread of the process starts with
	encoderMask unix.CPUSet  // just the encoder CPU
	tainted     atomic.Int64 // looks that found a tainted thread
	unbound     atomic.Int64 // frames encoded on a thread not bound to the encoder CPU
	encoded     atomic.Int64 // encodeFrame calls
	sink        atomic.Uint64
)

// encodeFrame encodes one frame. It must run on a thread bound to the
// encoderMask CPU alone; it counts the frames that did not.
func encodeFrame(frame int64) (int64, error) {
	if !onlyEncoderCPU() {
		unbound.Add(1)
	}
	encoded.Add(1)
	sink.Add(spin(frame, frameWork))
	if corrupt(frame) {
		return 0, fmt.Errorf("frame %d: %w", frame, errCorrupt)
	}
	return code(frame), nil
}

func main() {
	// The main goroutine keeps the main thread. A goroutine that exits
	// locked on the main thread does not destroy it (the runtime parks it
	// for good instead), so no learner goroutine may ever get there.
	runtime.LockOSThread()
	h := harness.Start("15-tainted-threads")
	var allowed unix.CPUSet
	if err := unix.SchedGetaffinity(0, &allowed); err != nil {
		h.Fail("sched_getaffinity: %v", err)
	}
	cpus := cpuList(&allowed)
	if len(cpus) < 2 {
		h.Fail("this exercise needs a process that may run on two CPUs or more (it may use %v)", cpus)
	}
	// The encoder CPU is reserved: every thread of the process moves off it
	// (threads created later inherit the mask of the thread that starts them).
	cpu := cpus[h.Intn(len(cpus))]
	h.Info("vary_cpu", float64(cpu))
	encoderMask.Set(cpu)
	processMask = allowed
	processMask.Clear(cpu)
	if err := confineProcess(&processMask); err != nil {
		h.Fail("moving the process off CPU %d: %v", cpu, err)
	}

	if err := Start(cpu); err != nil {
		h.Fail("Start(%d): %v", cpu, err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < watchers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			watch(stop)
		}()
	}
	next := make([]int64, callers) // each caller touches only its own slot
	st := h.Load(harness.Steady(callers, time.Second), func(w int) error {
		look()
		next[w]++
		frame := int64(w)<<32 | next[w]
		v, err := Encode(frame)
		look()
		if corrupt(frame) {
			if !errors.Is(err, errCorrupt) {
				return h.WrongAnswer(fmt.Sprintf("Encode(%d), a corrupt frame, gave %d, %v instead of errCorrupt", frame, v, err))
			}
			return nil
		}
		if err != nil {
			return err
		}
		if v != code(frame) {
			return h.WrongAnswer(fmt.Sprintf("Encode(%d) gave %d, want %d", frame, v, code(frame)))
		}
		return nil
	})
	close(stop)
	wg.Wait()
	Stop()
	if n := encoded.Load(); n != st.Calls {
		h.Fail("encodeFrame ran %d times for %d calls of Encode", n, st.Calls)
	}
	h.Info("tainted_seen", float64(tainted.Load()))
	h.Info("tainted_left", float64(taintedLeft(stopGrace)))
	h.Info("unbound_frames", float64(unbound.Load()))
	h.Done()
}

// look counts the calling goroutine's thread as tainted when its CPU mask
// is not the process's own.
func look() {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil || set != processMask {
		tainted.Add(1)
	}
}

func watch(stop <-chan struct{}) {
	t := time.NewTicker(watchGap)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			look()
		}
	}
}

// confineProcess sets the CPU mask of every thread of the process, until a
// pass finds no thread it has not set.
func confineProcess(mask *unix.CPUSet) error {
	done := map[int]bool{}
	for {
		tids, err := ownThreads()
		if err != nil {
			return err
		}
		fresh := 0
		for _, tid := range tids {
			if done[tid] {
				continue
			}
			if err := unix.SchedSetaffinity(tid, mask); err != nil && err != unix.ESRCH {
				return err
			}
			done[tid] = true
			fresh++
		}
		if fresh == 0 {
			return nil
		}
	}
}

// ownThreads lists the process's threads by the IDs sched_setaffinity
// understands. /proc may belong to an outer PID namespace (pinlab runs the
// program in its own): the last NSpid of a task is its ID in ours.
func ownThreads() ([]int, error) {
	entries, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return nil, err
	}
	tids := make([]int, 0, len(entries))
	for _, e := range entries {
		tid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		status, err := os.ReadFile("/proc/self/task/" + e.Name() + "/status")
		if err != nil {
			continue // the thread has ended
		}
		for _, line := range strings.Split(string(status), "\n") {
			if ids, ok := strings.CutPrefix(line, "NSpid:"); ok {
				if f := strings.Fields(ids); len(f) > 0 {
					if n, err := strconv.Atoi(f[len(f)-1]); err == nil {
						tid = n
					}
				}
			}
		}
		tids = append(tids, tid)
	}
	return tids, nil
}

// taintedLeft counts the threads of the process whose mask is not the
// process's own, once none is left or after grace: Stop has returned, so
// every such thread is one the runtime may hand to any goroutine.
func taintedLeft(grace time.Duration) int {
	deadline := time.Now().Add(grace)
	for {
		n := 0
		tids, _ := ownThreads()
		for _, tid := range tids {
			var set unix.CPUSet
			if unix.SchedGetaffinity(tid, &set) == nil && set != processMask {
				n++
			}
		}
		if n == 0 || time.Now().After(deadline) {
			return n
		}
		time.Sleep(time.Millisecond)
	}
}

func onlyEncoderCPU() bool {
	var set unix.CPUSet
	return unix.SchedGetaffinity(0, &set) == nil && set == encoderMask
}

func corrupt(frame int64) bool { return mix(uint64(frame))%16 == 5 }

// code is what encodeFrame gives a good frame.
func code(frame int64) int64 { return int64(mix(uint64(frame)^0x5eed) >> 1) }

// spin keeps its thread busy for d of the thread's own CPU time (a frame
// that shares its CPU with other threads takes longer, as real work would).
func spin(frame int64, d time.Duration) uint64 {
	x := uint64(frame)
	t0 := threadCPU()
	for threadCPU()-t0 < d {
		for i := 0; i < 1024; i++ {
			x = mix(x + uint64(i))
		}
	}
	return x
}

func threadCPU() time.Duration {
	var ts unix.Timespec
	_ = unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts)
	return time.Duration(ts.Nano())
}

func mix(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	return x
}

func cpuList(set *unix.CPUSet) []int {
	var out []int
	for c := 0; c < 1024 && len(out) < set.Count(); c++ {
		if set.IsSet(c) {
			out = append(out, c)
		}
	}
	return out
}
