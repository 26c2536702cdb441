// Driver for exercise 07 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect). 256 callers look keys up in the C
// library for the scenario's duration; every answer is checked. The library
// itself counts, in C, the most threads that were inside it at once, the
// calls it answered and how long its connections were in use.
package main

import (
	"fmt"
	"time"

	"pinlab/exercises/harness"
)

const callers = 256

func main() {
	h := harness.Start("07-bounded-cgo")
	next := make([]int64, callers) // each caller touches only its own slot
	libReset()
	st := h.Load(harness.Steady(callers, time.Second), func(w int) error {
		next[w]++
		key := int64(w)<<32 | next[w]
		if got := Lookup(key); got != 3*key+1 {
			return h.WrongAnswer(fmt.Sprintf("Lookup(%d) = %d, want %d", key, got, 3*key+1))
		}
		return nil
	})
	answered, inUse := libCounts()
	h.Info("peak_threads_in_c", float64(libPeakInside()))
	h.Info("lookups_without_library", float64(max(st.Calls-answered, 0)))
	h.Info("connections_in_use", inUse.Seconds()/st.Elapsed.Seconds())
	h.Done()
}
