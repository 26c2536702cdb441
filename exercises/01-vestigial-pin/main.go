// Driver for exercise 01 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect). Eight callers on two Ps hammer
// compute(n) for the scenario's duration, so goroutines are preempted often;
// n is drawn anew each run, and every answer is checked.
package main

import (
	"fmt"
	"time"

	"pinlab/exercises/harness"
)

func main() {
	h := harness.Start("01-vestigial-pin")
	n := int(h.Between("n", 20000, 30000))
	want := n * (n - 1) / 2
	wrong := fmt.Sprintf("compute(%d) did not return %d", n, want)
	h.Load(harness.Steady(8, time.Second), func(int) error {
		if compute(n) != want {
			return h.WrongAnswer(wrong)
		}
		return nil
	})
	h.Done()
}
