// The main thread, taken away (pristine, like the driver).
//
// Only init is sure to run on the main thread. Go starts main there, but an
// unlocked main goroutine may resume on any thread after it blocks, and any
// goroutine may run on the main thread meanwhile. A real main blocks before
// it gets to Run (it reads its configuration, opens its listener, sets up a
// library); where its goroutine then runs is a matter of chance. The driver
// and the integration tests take the chance out: before they call Run, a
// goroutine of theirs takes the main thread if it can, and keeps it until Run
// has returned. Only a main goroutine locked to the main thread since init
// keeps it.
package main

import (
	"os"
	"runtime"
	"syscall"
)

// The driver's own lock, so that main starts on the main thread whatever the
// service does; takeMainThread lets it go.
func init() { runtime.LockOSThread() }

func onMainThread() bool { return syscall.Gettid() == os.Getpid() }

// takeMainThread, called first in main, undoes the driver's init lock and,
// unless the service's own lock keeps the main goroutine on the main thread,
// gives the main thread to a goroutine that stays locked to it until release
// is called. It says whether it did.
func takeMainThread() (taken bool, release func()) {
	runtime.UnlockOSThread() // the driver's; the service's own lock, if any, stays
	// With one P, no other thread runs Go code meanwhile: the new goroutine
	// waits for the main thread's P, and so runs on the main thread as soon as
	// the main goroutine blocks, unless the main goroutine is locked to it.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	rel := make(chan struct{})
	release = func() { close(rel) }
	for try := 0; try < 3 && onMainThread(); try++ {
		got := make(chan bool)
		go func() {
			runtime.LockOSThread()
			if !onMainThread() {
				runtime.UnlockOSThread()
				got <- false
				return
			}
			got <- true
			<-rel
			runtime.UnlockOSThread()
		}()
		if <-got {
			return true, release
		}
	}
	return false, release
}
