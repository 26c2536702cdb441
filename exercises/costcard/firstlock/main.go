// Command firstlock prints the OS threads of a pure-Go process before and
// right after its first runtime.LockOSThread: the runtime starts its template
// thread then (a program that uses cgo starts it at init instead). pinlab's
// cost card runs it (BenchmarkTemplateThread). It also prints the last PID
// handed out before and after the lock: in a private PID namespace their
// difference counts every thread the lock started, exactly (the card's
// cross-check).
package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
)

func threads() int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "Threads:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	return -1
}

// lastPID is /proc/sys/kernel/ns_last_pid: the last PID this process's PID
// namespace handed out (-1 where it cannot be read).
func lastPID() int {
	b, err := os.ReadFile("/proc/sys/kernel/ns_last_pid")
	if err != nil {
		return -1
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return -1
	}
	return n
}

func main() {
	before, pidBefore := threads(), lastPID()
	runtime.LockOSThread()
	after, pidAfter := threads(), lastPID()
	runtime.UnlockOSThread()
	fmt.Println(before, after, pidBefore, pidAfter)
}
