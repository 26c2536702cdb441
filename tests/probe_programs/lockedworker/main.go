// lockedworker is a tiny driver on pinlab's real harness: a worker goroutine
// locks its OS thread and reports it with h.Locked, then a short load runs
// calls through it, so the stream carries locked and tick (histogram)
// frames. It prints "locked" once the worker has reported and waits for a
// line on stdin before the load, and for stdin to close before it ends.
package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"time"

	"pinlab/exercises/harness"
)

func main() {
	h := harness.Start("probe-test")
	calls := make(chan chan struct{})
	reported := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		h.Locked("device 2 worker")
		close(reported)
		for reply := range calls {
			time.Sleep(200 * time.Microsecond)
			close(reply)
		}
	}()
	<-reported
	in := bufio.NewReader(os.Stdin)
	fmt.Println("locked")
	if _, err := in.ReadString('\n'); err != nil {
		return
	}
	h.Load(harness.Steady(2, 300*time.Millisecond), func(int) error {
		reply := make(chan struct{})
		calls <- reply
		<-reply
		return nil
	})
	fmt.Println("loaded")
	_, _ = in.ReadString('\n')
	h.Done()
}
