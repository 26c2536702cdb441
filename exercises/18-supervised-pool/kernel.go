// The kernel library the pool runs (pristine, like the driver). Like a real
// accelerator library it has bugs: some inputs make it panic, and while a
// device is lost every call on it panics and leaves the calling thread's
// library state corrupt: from then on every call from that thread panics,
// whatever device it names, until the thread is gone. Only a fresh thread
// with a fresh context is clean again. The driver decides, from the run's
// seed, which inputs are bad and when devices are lost.
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"pinlab/exercises/device"
)

const (
	// jobWork is how long one job keeps a device busy.
	jobWork = 2 * time.Millisecond
	// faultLimit and faultWindow: a worker whose jobs panicked more than
	// faultLimit times within faultWindow is failing (in production: more
	// than 3 in 60 s; scaled down a hundredfold for a run of 2 s).
	faultLimit  = 3
	faultWindow = 600 * time.Millisecond
	// probeInput is the input of a health probe: kernel(dev, probeInput)
	// gives device.Expected(dev, probeInput) on a healthy device.
	probeInput int64 = 1 << 50
	// badInput marks an input the kernel cannot process (it panics).
	badInput int64 = 1 << 40
)

var (
	lost      [8]atomic.Bool // devices lost now (the driver sets them)
	corrupt   sync.Map       // tid -> struct{}: threads whose library state is corrupt
	corrupted atomic.Int64   // threads corrupted so far
)

// kernel runs one job on dev from the calling OS thread, which must hold a
// context for dev (device.Init on this thread), and returns the device's
// answer. It panics on a bad input, on a lost device, and on a thread whose
// library state a lost device corrupted.
func kernel(dev int, in int64) (int64, error) {
	tid := syscall.Gettid()
	if _, bad := corrupt.Load(tid); bad {
		panic(fmt.Sprintf("kernel: library state of thread %d is corrupt", tid))
	}
	if dev >= 0 && dev < len(lost) && lost[dev].Load() {
		if _, again := corrupt.LoadOrStore(tid, struct{}{}); !again {
			corrupted.Add(1)
		}
		panic(fmt.Sprintf("kernel: device %d lost (thread %d corrupt)", dev, tid))
	}
	if in&badInput != 0 {
		panic(fmt.Sprintf("kernel: cannot process input %#x", in))
	}
	return device.Compute(dev, jobWork, in)
}
