// Driver for exercise 01 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect). Eight callers on two Ps hammer compute
// for the scenario's duration, so goroutines are preempted often; every answer is checked.
package main

import (
	"errors"
	"runtime"
	"time"

	"pinlab/exercises/harness"
)

var errWrong = errors.New("compute(1000) != 499500")

func main() {
	runtime.GOMAXPROCS(2)
	h := harness.Start("01-vestigial-pin")
	st := h.Load(harness.Steady(8, time.Second), func(int) error {
		if compute(1000) != 499500 {
			return errWrong
		}
		return nil
	})
	if st.Errors > 0 {
		h.Fail("%d of %d calls returned a wrong sum", st.Errors, st.Calls)
	}
	h.Done()
}
