// Where exercise 09's stages run (pristine, like the driver). analyse and
// postprocess call noteStage; a stage that runs on the OS thread holding
// device 0's context is counted, and the driver reports the count.
package main

/*
#cgo CFLAGS: -I${SRCDIR}/../device
#include "device.h"

// owner_tid is the OS thread that last initialised a context for dev (0
// before any did).
static uint64_t owner_tid(int dev) {
	pl_device_stats s = {0};
	pl_stats(dev, &s);
	return s.owner_tid;
}
*/
import "C"

import (
	"sync/atomic"
	"syscall"
)

// stagesOnDeviceThread counts analyse and postprocess runs on device 0's
// thread: each one kept the device waiting.
var stagesOnDeviceThread atomic.Int64

// noteStage counts the calling stage if it runs on device 0's thread.
func noteStage() {
	if owner := int(C.owner_tid(0)); owner != 0 && owner == syscall.Gettid() {
		stagesOnDeviceThread.Add(1)
	}
}
