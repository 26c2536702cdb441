// Driver for exercise 09 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect). Four callers push batches through
// the pipeline for the scenario's duration. The answers for the 16 batches
// in rotation are worked out before the load, with the stages and the
// device's formula, and every result is checked against them. Device
// counters come from the device library; the stages count the runs that
// landed on device 0's thread (devthread.go). The moment NewPipeline returns,
// the driver asks the device library whether device 0's context exists yet.
package main

import (
	"fmt"
	"time"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

const (
	callers   = 4
	batches   = 16
	batchSize = 64
)

func main() {
	h := harness.Start("09-pin-the-device-step")

	input := make([][]int64, batches)
	want := make([]int64, batches)
	for b := range input {
		input[b] = make([]int64, batchSize)
		for i := range input[b] {
			input[b][i] = int64(b*1000 + i)
		}
		want[b] = postprocess(device.Expected(0, analyse(input[b])), input[b])
	}

	before := device.Total()
	contexts := device.Read(0).Contexts
	p, err := NewPipeline()
	if err != nil {
		h.Fail("NewPipeline: %v", err)
	}
	notReady := 0
	if device.Read(0).Contexts == contexts {
		notReady = 1 // returned before device 0's context existed
	}
	h.Info("not_ready_at_return", float64(notReady))
	next := make([]int, callers) // each caller touches only its own slot
	st := h.Load(harness.Steady(callers, time.Second), func(w int) error {
		b := (next[w] + w*5) % batches
		next[w]++
		got, err := p.Process(input[b])
		if err != nil {
			return err
		}
		if got != want[b] {
			return h.WrongAnswer(fmt.Sprintf("Process(batch %d) = %d, want %d", b, got, want[b]))
		}
		return nil
	})
	p.Close()
	calls := int64(device.ReportSince(h, before).Calls)
	h.Info("batches_without_device_call", float64(max(st.Calls-st.Errors-calls, 0)))
	h.Info("stages_on_device_thread", float64(stagesOnDeviceThread.Load()))
	h.Done()
}
