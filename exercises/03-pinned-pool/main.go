// Driver for exercise 03 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect). Setup runs while device.Init takes
// a time drawn for this run, and each device is asked, the moment Setup
// returns, whether its context exists yet. Then 48 callers send requests
// through Handle for the scenario's duration, as a busy server's handlers
// would; every answer is checked, the devices' busy time gives the kernels
// in flight, and Teardown runs on a goroutine locked to its own thread.
// Last, in a fresh copy of the program, one device is made to fail its Init,
// and Setup must return that error.
package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

const (
	callers    = 48
	kernelTime = 5 * time.Millisecond // how long one request keeps a device busy
	badTimeout = 2 * time.Second      // Setup with a failing device must answer within this
)

func main() {
	if dev, ok := os.LookupEnv(failEnv); ok {
		failingSetupCopy(dev)
	}
	h := harness.Start("03-pinned-pool")
	before := device.Total() // report what this run adds
	ndev := device.Count()

	device.SetInitTime(time.Duration(h.Between("init_ms", 20, 60) * float64(time.Millisecond)))
	inits := make([]uint64, ndev)
	for d := range inits {
		inits[d] = device.Read(d).Inits
	}
	if err := Setup(); err != nil {
		h.Fail("Setup: %v", err)
	}
	notReady := 0
	for d, n := range inits {
		if device.Read(d).Inits == n {
			notReady++ // Setup returned before this device's Init had finished
		}
	}
	h.Info("not_ready_at_setup", float64(notReady))

	next := make([]int64, callers) // each caller touches only its own slot
	busy := device.Total().Busy
	st := h.Load(harness.Steady(callers, time.Second), func(w int) error {
		next[w]++
		req := int64(w)<<32 | next[w]
		out, err := Handle(req)
		if err != nil {
			return err
		}
		// the answer is Expected(dev, req) for the device that ran it
		if dev := out - 2*req; dev < 0 || dev >= int64(ndev) {
			return h.WrongAnswer("Handle(req) gave no device's answer to req")
		}
		return nil
	})
	// the mean number of kernels running at once during the load
	h.Info("kernels_in_flight", float64(device.Total().Busy-busy)/float64(st.Elapsed))

	done := make(chan error, 1)
	go func() {
		// Teardown runs where a server's shutdown might: on a goroutine
		// locked to a thread of its own, which holds no device context.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		done <- Teardown()
	}()
	if err := <-done; err != nil {
		h.Fail("Teardown: %v", err)
	}

	if answered, calls := uint64(st.Calls-st.Errors), device.Total().Sub(before).Calls; calls < answered {
		h.Fail("%d answers came back without a device call", answered-calls)
	}
	device.ReportSince(h, before)
	h.Info("init_error_unreported", failingSetup(h.Intn(ndev)))
	h.Done()
}

// failingSetup runs Setup once more, with device dev made to fail its Init,
// in a fresh copy of this program (Setup runs once per process: the text
// promises no second call): 0 when Setup returns Init's error
// (device.ErrInitFailed) within badTimeout, 1 when it returns no error,
// another error, or nothing in time.
func failingSetup(dev int) float64 {
	ctx, cancel := context.WithTimeout(context.Background(), badTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0])
	for _, kv := range os.Environ() {
		// The copy reports nothing to pinlab, and keeps its device counters
		// to itself: the stats file pinlab reads is this process's.
		if !strings.HasPrefix(kv, "PINLAB_STREAM") && !strings.HasPrefix(kv, "PINLAB_DEVICE_STATS=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, failEnv+"="+strconv.Itoa(dev))
	if cmd.Run() == nil {
		return 0
	}
	return 1
}

// failEnv, when set, makes this program the copy failingSetup starts: it
// makes the device it names fail its Init, calls Setup, and exits 0 only
// when Setup returned Init's error.
const failEnv = "PINLAB_03_FAILING_DEVICE"

func failingSetupCopy(dev string) {
	d, err := strconv.Atoi(dev)
	if err != nil {
		os.Exit(2)
	}
	device.FailInit(d, true)
	if errors.Is(Setup(), device.ErrInitFailed) {
		os.Exit(0)
	}
	os.Exit(1)
}
