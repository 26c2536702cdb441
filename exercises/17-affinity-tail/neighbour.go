// The noisy neighbour (pristine, like the driver): another process that
// wants CPU time all the time, as a batch job or a second service does on
// a shared host. It is this same binary started again with
// PINLAB17_NEIGHBOUR set: two threads that spin until they are killed.
//
// The driver plays the administrator: it starts the neighbour already
// confined to the CPUs that are not the critical one, as isolcpus keeps
// other processes off the isolated CPUs of a real host.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"syscall"
)

const neighbourEnv = "PINLAB17_NEIGHBOUR"

// neighbourThreads is how many threads of the neighbour spin.
const neighbourThreads = 2

func init() {
	if os.Getenv(neighbourEnv) == "" {
		return
	}
	runtime.GOMAXPROCS(neighbourThreads)
	for i := 0; i < neighbourThreads; i++ {
		go spinForever()
	}
	select {}
}

var spinSink uint64

func spinForever() {
	x := uint64(1)
	for {
		for i := 0; i < 1<<20; i++ {
			x = x*6364136223846793005 + 1442695040888963407
		}
		spinSink = x
	}
}

// startNeighbour starts the neighbour confined to the CPUs of m: a child
// inherits the affinity of the thread that forks it, so the fork is made
// from a locked thread narrowed for the moment and then put back.
func startNeighbour(m cpuMask) (*exec.Cmd, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), neighbourEnv+"=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	own, err := affinity(0)
	if err != nil {
		return nil, err
	}
	if err := setAffinity(0, m); err != nil {
		return nil, fmt.Errorf("sched_setaffinity: %w", err)
	}
	err = cmd.Start()
	if rerr := setAffinity(0, own); rerr != nil {
		// This thread must not go back to the scheduler narrowed.
		panic(fmt.Sprintf("restoring the driver thread's affinity: %v", rerr))
	}
	return cmd, err
}

// stopNeighbour kills the neighbour and waits for it.
func stopNeighbour(cmd *exec.Cmd) {
	if cmd == nil || cmd.Process == nil {
		return
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
}
