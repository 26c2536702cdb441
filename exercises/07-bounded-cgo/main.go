// Driver for exercise 07 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect). 256 callers look keys up in the C
// library for the scenario's duration; every answer is checked. The library
// itself reports the most threads that were inside it at once.
package main

import (
	"errors"
	"runtime"
	"sync/atomic"
	"time"

	"pinlab/exercises/harness"
)

const callers = 256

var errWrong = errors.New("Lookup(key) != 3*key+1")

func main() {
	runtime.GOMAXPROCS(2)
	h := harness.Start("07-bounded-cgo")
	next := make([]int64, callers) // each caller touches only its own slot
	var wrong atomic.Int64
	libResetPeak()
	st := h.Load(harness.Steady(callers, time.Second), func(w int) error {
		next[w]++
		key := int64(w)<<32 | next[w]
		if Lookup(key) != 3*key+1 {
			wrong.Add(1)
			return errWrong
		}
		return nil
	})
	if n := wrong.Load(); n > 0 {
		h.Fail("%d of %d lookups returned a wrong value", n, st.Calls)
	}
	h.Info("peak_threads_in_c", float64(libPeakInside()))
	h.Done()
}
