// What the device library says about its devices right now (pristine, like
// the driver): the driver's probes wait on it instead of trusting timing.
package main

/*
#cgo CFLAGS: -I${SRCDIR}/../device
#include "device.h"

static uint64_t in_flight(int dev) {
	pl_device_stats s;
	pl_stats(dev, &s);
	return s.in_flight;
}
*/
import "C"

import "time"

// busyDevices is how many devices are running a job at this moment.
func busyDevices(ndev int) int {
	n := 0
	for d := 0; d < ndev; d++ {
		if C.in_flight(C.int(d)) > 0 {
			n++
		}
	}
	return n
}

// waitBusy waits until at least n devices run a job, or until limit has
// passed, and says whether they did.
func waitBusy(ndev, n int, limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	for busyDevices(ndev) < n {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(time.Millisecond)
	}
	return true
}
