// Driver for exercise 08 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect). Four callers on two Ps increment
// the shared counter, 64 times per call, for the scenario's duration. The
// driver knows exactly how many increments it made and reports how many the
// counter lost.
package main

import (
	"time"

	"pinlab/exercises/harness"
)

const (
	callers = 4
	perCall = 64
)

func main() {
	h := harness.Start("08-pin-is-not-a-lock")
	before := Count()
	st := h.Load(harness.Steady(callers, time.Second), func(int) error {
		for i := 0; i < perCall; i++ {
			Increment()
		}
		return nil
	})
	made := st.Calls * perCall
	got := Count() - before
	if got > made {
		h.Fail("the counter says %d but only %d increments were made", got, made)
	}
	h.Info("increments_made", float64(made))
	h.Info("lost_increments", float64(made-got))
	h.Done()
}
