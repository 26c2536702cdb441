// lockexit makes exactly N goroutines that each lock their OS thread and
// exit while locked, so the Go runtime destroys N threads. It prints
// "ready" once started and waits for a line on stdin, then runs the N
// goroutines one after another, prints "done" and waits for stdin to close.
// pinlab's churn tests count the threads created in between.
//
// main locks itself to the main thread first: a goroutine that exits locked
// on the main thread does not end it (the runtime parks that thread
// forever instead), so without this one of the N might destroy no thread.
package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
)

func main() {
	runtime.LockOSThread()
	n, err := strconv.Atoi(os.Args[1])
	if err != nil {
		panic(err)
	}
	in := bufio.NewReader(os.Stdin)
	fmt.Println("ready")
	if _, err := in.ReadString('\n'); err != nil {
		return
	}
	done := make(chan struct{})
	for i := 0; i < n; i++ {
		go func() {
			runtime.LockOSThread()
			done <- struct{}{}
			// returning while locked: the runtime ends this OS thread
		}()
		<-done
	}
	fmt.Println("done")
	_, _ = in.ReadString('\n')
}
