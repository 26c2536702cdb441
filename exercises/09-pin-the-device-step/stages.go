// The pure-Go stages of exercise 09's batch pipeline (pristine, like the
// driver). They read only their arguments: any goroutine, on any thread,
// may run them, and many at once. Each notes whether it runs on device 0's
// thread (devthread.go): the driver reports how many did.
package main

import "time"

// deviceWork is how long the device call keeps the device busy.
const deviceWork = 300 * time.Microsecond

// stageRounds sets the CPU cost of analyse and postprocess: about 140 µs
// each on a 2-vCPU AMD EPYC VM (BenchmarkStages in pipeline_test.go).
const stageRounds = 300

// mix is a few rounds of xorshift-multiply: CPU work the compiler cannot
// skip.
func mix(x uint64, rounds int) uint64 {
	for i := 0; i < rounds; i++ {
		x ^= x >> 33
		x *= 0xff51afd7ed558ccd
		x ^= x >> 29
	}
	return x
}

// analyse reduces a batch to the one number the device needs.
func analyse(batch []int64) int64 {
	noteStage()
	var acc uint64 = 0x9e3779b97f4a7c15
	for r := 0; r < stageRounds; r++ {
		for _, v := range batch {
			acc = mix(acc^uint64(v), 4)
		}
	}
	return int64(acc >> 2)
}

// postprocess combines the device's answer with the batch into the result.
func postprocess(out int64, batch []int64) int64 {
	noteStage()
	acc := uint64(out)
	for r := 0; r < stageRounds; r++ {
		for _, v := range batch {
			acc = mix(acc+uint64(v), 4)
		}
	}
	return int64(acc >> 2)
}
