// Package device is a simulated thread-affine accelerator, reached through
// cgo. Init binds a context to the calling OS thread and costs time (10 ms by
// default, PINLAB_DEVICE_INIT_MS); Compute on a thread without that context
// fails with ErrWrongThread. Busy time per device is published for pinlab.
package device

/*
#include "device.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"time"
)

// ErrWrongThread means the calling OS thread holds no context for the device.
var ErrWrongThread = errors.New("device: context not current on this OS thread")

// ErrNoDevice means the device index is out of range.
var ErrNoDevice = errors.New("device: no such device")

// ErrInitFailed means the device exists but failed to initialise (a driver
// made it fail with FailInit).
var ErrInitFailed = errors.New("device: initialisation failed")

func check(rc C.int, dev int) error {
	switch rc {
	case C.PL_OK:
		return nil
	case C.PL_EWRONGTHREAD:
		return fmt.Errorf("device %d: %w", dev, ErrWrongThread)
	case C.PL_EINVAL:
		return fmt.Errorf("device %d: %w", dev, ErrNoDevice)
	case C.PL_EINIT:
		return fmt.Errorf("device %d: %w", dev, ErrInitFailed)
	}
	return fmt.Errorf("device %d: error %d", dev, int(rc))
}

// Count is the number of simulated devices (4 unless PINLAB_DEVICES says).
func Count() int { return int(C.pl_device_count()) }

// Init creates a context for dev on the calling OS thread. Only this thread
// can use it: lock the goroutine to its thread first.
func Init(dev int) error { return check(C.pl_init(C.int(dev)), dev) }

// SetInitTime makes every later Init cost d (and Shutdown d/10). Drivers
// vary it between runs, so that no answer can depend on one fixed value.
func SetInitTime(d time.Duration) { C.pl_set_init_ns(C.int64_t(d.Nanoseconds())) }

// FailInit makes every later Init of dev fail (fail true) with
// ErrInitFailed, after costing its init time as a device that is there but
// broken would, and creating no context; FailInit(dev, false) undoes it.
// Drivers use it to check that a failing Init reaches the caller.
func FailInit(dev int, fail bool) {
	f := 0
	if fail {
		f = 1
	}
	C.pl_fail_init(C.int(dev), C.int(f))
}

// Shutdown destroys the calling thread's context for dev.
func Shutdown(dev int) error { return check(C.pl_shutdown(C.int(dev)), dev) }

// Compute runs a kernel on dev that keeps it busy for work and returns
// 2*input+dev. The calling thread must hold a context for dev.
func Compute(dev int, work time.Duration, input int64) (int64, error) {
	r := C.pl_compute_value(C.int(dev), C.int64_t(work.Nanoseconds()), C.int64_t(input))
	return int64(r.output), check(r.rc, dev)
}

// Expected is what Compute returns for input on dev.
func Expected(dev int, input int64) int64 { return input*2 + int64(dev) }

// Stats are one device's counters since the process started.
type Stats struct {
	Inits, Shutdowns, Calls, WrongThread uint64
	Busy                                 time.Duration
	Contexts                             uint64
	InFlight                             uint64 // calls inside the device now (Read only)
	OwnerTID                             int    // the thread that last initialised a context (Read only)
}

// Read returns dev's counters.
func Read(dev int) Stats {
	var s C.pl_device_stats
	C.pl_stats(C.int(dev), &s)
	return Stats{
		Inits: uint64(s.inits), Shutdowns: uint64(s.shutdowns), Calls: uint64(s.calls),
		WrongThread: uint64(s.wrong_thread), Busy: time.Duration(s.busy_ns), Contexts: uint64(s.contexts),
		InFlight: uint64(s.in_flight), OwnerTID: int(s.owner_tid),
	}
}

// Total sums the counters of every device.
func Total() Stats {
	var t Stats
	for d := 0; d < Count(); d++ {
		s := Read(d)
		t.Inits += s.Inits
		t.Shutdowns += s.Shutdowns
		t.Calls += s.Calls
		t.WrongThread += s.WrongThread
		t.Busy += s.Busy
		t.Contexts += s.Contexts
	}
	return t
}

// Sub is what the counters in s added since before.
func (s Stats) Sub(before Stats) Stats {
	return Stats{
		Inits: s.Inits - before.Inits, Shutdowns: s.Shutdowns - before.Shutdowns,
		Calls: s.Calls - before.Calls, WrongThread: s.WrongThread - before.WrongThread,
		Busy: s.Busy - before.Busy, Contexts: s.Contexts - before.Contexts,
	}
}

// Reporter is what a driver reports to: harness.Session's Info.
type Reporter interface {
	Info(key string, value float64)
}

// ReportSince reports what every device did since before, for targets to
// judge: device_inits, device_calls, wrong_thread (calls from a thread
// without the context) and contexts_left (contexts still open now), and
// returns those figures.
func ReportSince(r Reporter, before Stats) Stats {
	d := Total().Sub(before)
	r.Info("device_inits", float64(d.Inits))
	r.Info("device_calls", float64(d.Calls))
	r.Info("wrong_thread", float64(d.WrongThread))
	r.Info("contexts_left", float64(int64(d.Contexts)))
	return d
}
