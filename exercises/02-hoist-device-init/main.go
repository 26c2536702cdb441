// Driver for exercise 02 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect). It opens devices 0 and 1 while
// device.Init takes a time drawn for this run, and asks each device, the
// moment Open returns, whether its context exists yet; it asks for a device
// that does not exist; then four callers run short kernels on the two devices
// for the scenario's duration, every answer is checked, and both are closed
// from a goroutine locked to its own thread.
package main

import (
	"errors"
	"runtime"
	"sync"
	"time"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

const (
	devices    = 2
	callers    = 4
	kernel     = 200 * time.Microsecond
	loadInit   = 10 * time.Millisecond  // what device.Init costs during the load
	closeInit  = 100 * time.Millisecond // ... and when the devices are closed (Shutdown: a tenth)
	badTimeout = 2 * time.Second        // Open(a device that does not exist) must answer within this

	quickCallers   = 8                     // zero-work calls before the load: this many callers,
	quickFor       = 30 * time.Millisecond // for at most this long,
	quickCallsEach = 200                   // and at most this many calls each
)

func main() {
	h := harness.Start("02-hoist-device-init")
	before := device.Total() // report what this run adds

	// While the devices are opened, Init takes longer than during the load,
	// and a different time each run: only waiting for the worker's signal
	// makes Open return after it.
	device.SetInitTime(time.Duration(h.Between("open_init_ms", 30, 60) * float64(time.Millisecond)))
	accels := make([]*Accelerator, devices)
	notReady := 0
	for d := range accels {
		inits := device.Read(d).Inits
		a, err := Open(d)
		if err != nil {
			h.Fail("Open(%d): %v", d, err)
		}
		if device.Read(d).Inits == inits {
			notReady++ // Open returned before device.Init had finished
		}
		accels[d] = a
	}
	h.Info("not_ready_at_open", float64(notReady))
	h.Info("bad_device_unreported", badDevice(device.Count()))
	device.SetInitTime(loadInit)
	quickCalls(h, accels)

	next := make([]int64, callers) // each caller touches only its own slot
	st := h.Load(harness.Steady(callers, time.Second), func(w int) error {
		next[w]++
		in := int64(w)<<32 | next[w]
		d := w % devices
		out, err := accels[d].Run(kernel, in)
		if err != nil {
			return err
		}
		if out != device.Expected(d, in) {
			return h.WrongAnswer("Run gave a result that is not its device's answer to its input")
		}
		return nil
	})
	// Shutdown takes a tenth of Init's time: 10 ms here, long enough that a
	// Close which does not wait for it returns while it is still running.
	device.SetInitTime(closeInit)
	closeAll(accels)

	if answered, calls := uint64(st.Calls-st.Errors), device.Total().Sub(before).Calls; calls < answered {
		h.Fail("%d results came back without a device call", answered-calls)
	}
	device.ReportSince(h, before)
	h.Done()
}

// quickCalls has eight callers ask device 0 for kernels with no work at all,
// as fast as they can, for a moment before the load. Replies then come back
// before their callers wait for them, and a reply channel shared between
// callers hands one of them another's result.
func quickCalls(h *harness.Session, accels []*Accelerator) {
	var wg sync.WaitGroup
	deadline := time.Now().Add(quickFor)
	for g := 0; g < quickCallers; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			const d = 0 // one worker and many callers: the mix-up needs callers queued
			for i := 0; i < quickCallsEach && time.Now().Before(deadline); i++ {
				in := int64(callers+g)<<32 | int64(i)
				if out, err := accels[d].Run(0, in); err == nil && out != device.Expected(d, in) {
					h.WrongAnswer("Run(0, in) gave another call's result")
					return
				}
			}
		}(g)
	}
	wg.Wait()
}

// badDevice opens a device that does not exist: 0 when Open returns Init's
// error (device.ErrNoDevice) in time, 1 when it reports success, another
// error, or nothing within badTimeout.
func badDevice(dev int) float64 {
	errc := make(chan error, 1)
	go func() {
		_, err := Open(dev)
		errc <- err
	}()
	select {
	case err := <-errc:
		if errors.Is(err, device.ErrNoDevice) {
			return 0
		}
	case <-time.After(badTimeout):
	}
	return 1
}

// closeAll closes the accelerators from a goroutine locked to its own
// thread, as a program's main thread might be: a Close that shuts a device
// down where it is called, instead of on the thread that owns the context,
// fails there every time.
func closeAll(accels []*Accelerator) {
	done := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		for _, a := range accels {
			_ = a.Close() // a failed Shutdown shows in the counters
		}
		close(done)
	}()
	<-done
}
