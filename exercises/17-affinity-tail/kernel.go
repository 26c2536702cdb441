// What the kernel says about this process's threads (pristine, like the
// driver): where each one may run (sched_getaffinity(2)), whether it is
// running, and on which CPU it last ran (/proc/self/task/TID/stat). Nothing
// here takes the learner's word for anything.
package main

import (
	"bytes"
	"os"
	"strconv"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// cpuMask is a kernel CPU set (unix.CPUSet: up to 1024 CPUs), comparable
// with ==.
type cpuMask unix.CPUSet

func maskOf(cpus ...int) cpuMask {
	var s unix.CPUSet
	for _, c := range cpus {
		s.Set(c)
	}
	return cpuMask(s)
}

func (m *cpuMask) has(cpu int) bool { return (*unix.CPUSet)(m).IsSet(cpu) }

func (m *cpuMask) cpus() []int {
	var out []int
	for c := 0; c < len(m)*64; c++ {
		if m.has(c) {
			out = append(out, c)
		}
	}
	return out
}

// affinity is the set of CPUs thread tid may run on (0: the caller).
func affinity(tid int) (cpuMask, error) {
	var m cpuMask
	err := unix.SchedGetaffinity(tid, (*unix.CPUSet)(&m))
	return m, err
}

// setAffinity confines thread tid (0: the caller) to m.
func setAffinity(tid int, m cpuMask) error {
	return unix.SchedSetaffinity(tid, (*unix.CPUSet)(&m))
}

// task is one thread of this process: its TID as the process sees it
// (gettid, sched_getaffinity) and its /proc/self/task directory. The two
// differ when the process runs in a PID namespace of its own (pinlab runs
// scenarios so) under the parent namespace's /proc: NSpid gives both.
type task struct {
	tid int
	dir string
}

// taskNames caches /proc/self/task entry -> TID as this process sees it.
var (
	taskMu    sync.Mutex
	taskNames = map[string]int{}
)

// tasks lists the process's threads.
func tasks() []task {
	taskMu.Lock()
	defer taskMu.Unlock()
	ents, _ := os.ReadDir("/proc/self/task")
	out := make([]task, 0, len(ents))
	for _, e := range ents {
		dir := "/proc/self/task/" + e.Name()
		tid, ok := taskNames[e.Name()]
		if !ok {
			// cached only once read: a status file that could not be read
			// (the thread was ending) must not fix a wrong number for good
			if tid, ok = innerTID(e.Name(), dir); ok {
				taskNames[e.Name()] = tid
			}
		}
		out = append(out, task{tid, dir})
	}
	return out
}

// innerTID is the TID of /proc/self/task/NAME as this process sees it (the
// innermost NSpid); ok is false when the status file could not be read or
// has no NSpid line, and tid is then NAME's own number.
func innerTID(name, dir string) (tid int, ok bool) {
	tid, _ = strconv.Atoi(name)
	b, err := os.ReadFile(dir + "/status")
	if err != nil {
		return tid, false
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if f := bytes.Fields(line); len(f) > 1 && string(f[0]) == "NSpid:" {
			if inner, err := strconv.Atoi(string(f[len(f)-1])); err == nil {
				return inner, true
			}
		}
	}
	return tid, false
}

// runState reads a thread's state (field 3 of its stat file: 'R' running
// or runnable, 'S' asleep, ...) and the CPU it last ran on (field 39).
func runState(dir string, buf []byte) (state byte, cpu int, err error) {
	f, err := os.Open(dir + "/stat")
	if err != nil {
		return 0, -1, err
	}
	n, err := f.Read(buf)
	f.Close()
	if err != nil {
		return 0, -1, err
	}
	// The command name (field 2) may hold spaces: count fields after its ')'.
	rest := buf[bytes.LastIndexByte(buf[:n], ')')+2 : n]
	fields := bytes.Fields(rest)
	if len(fields) < 37 {
		return 0, -1, syscall.EINVAL
	}
	cpu, err = strconv.Atoi(string(fields[36])) // fields[0] is field 3
	return fields[0][0], cpu, err
}

// threadIDs lists the TIDs of every thread of this process, as gettid(2)
// and sched_setaffinity(2) number them. (pinlab runs the scenario in a PID
// namespace of its own while /proc is the parent namespace's, so the names
// in /proc/self/task are other numbers for the same threads.)
func threadIDs() []int {
	ts := tasks()
	out := make([]int, len(ts))
	for i, t := range ts {
		out[i] = t.tid
	}
	return out
}

// resetAffinity gives every thread of the process the mask m again.
func resetAffinity(m cpuMask) {
	for _, t := range tasks() {
		_ = setAffinity(t.tid, m)
	}
}
