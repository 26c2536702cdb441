// What the kernel and the device library say about the worker threads
// (pristine, like the driver). Nothing here trusts the learner's code: the
// thread that holds each device's context is the one the device library
// recorded when the context was created, and where a thread may run and did
// run comes from sched_getaffinity(2) and /proc.
package main

/*
#cgo CFLAGS: -I${SRCDIR}/../device
#include "device.h"

static uint64_t context_owner(int dev) {
	pl_device_stats s;
	pl_stats(dev, &s);
	return s.owner_tid;
}
*/
import "C"

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
	"unsafe"
)

// contextOwner is the OS thread (TID) that created dev's current context.
func contextOwner(dev int) int { return int(C.context_owner(C.int(dev))) }

// cpuMask is a kernel CPU set for up to 1024 CPUs.
type cpuMask [16]uint64

func (m *cpuMask) has(cpu int) bool { return m[cpu/64]&(1<<(cpu%64)) != 0 }

func (m *cpuMask) cpus() []int {
	var out []int
	for c := 0; c < len(m)*64; c++ {
		if m.has(c) {
			out = append(out, c)
		}
	}
	return out
}

// threadAffinity is the set of CPUs thread tid may run on.
func threadAffinity(tid int) (cpuMask, error) {
	var m cpuMask
	_, _, errno := syscall.RawSyscall(syscall.SYS_SCHED_GETAFFINITY, uintptr(tid),
		unsafe.Sizeof(m), uintptr(unsafe.Pointer(&m[0])))
	if errno != 0 {
		return m, errno
	}
	return m, nil
}

// statFile is a thread's stat file in its /proc/self/task directory,
// opened once and read again and again at offset 0 (procfs renders it
// afresh on every read there).
type statFile struct {
	f  *os.File
	fd uintptr
}

func openStat(dir string) (*statFile, error) {
	f, err := os.Open(dir + "/stat")
	if err != nil {
		return nil, err
	}
	return &statFile{f, f.Fd()}, nil
}

func (s *statFile) close() { s.f.Close() }

// lastCPU is the CPU the thread last ran on: field 39 of its stat file. The
// read is a raw pread: it keeps the goroutine's P, so a sample costs no
// trip through the scheduler (a blocking system call may hand the P away,
// and on a crowded machine win it back only much later).
func (s *statFile) lastCPU(buf []byte) (int, error) {
	r, _, errno := syscall.RawSyscall6(syscall.SYS_PREAD64, s.fd,
		uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), 0, 0, 0)
	if errno != 0 {
		return -1, errno
	}
	n := int(r)
	// The command name (field 2) may hold spaces: count fields after its ')'.
	paren := bytes.LastIndexByte(buf[:n], ')')
	if paren < 0 || paren+2 > n {
		return -1, syscall.EINVAL
	}
	fields := bytes.Fields(buf[paren+2 : n])
	if len(fields) < 37 {
		return -1, syscall.EINVAL
	}
	return strconv.Atoi(string(fields[36])) // fields[0] is field 3
}

// task is one thread of this process: its TID as the process itself sees
// it (gettid, sched_getaffinity) and its /proc/self/task directory. The two
// names differ when the process runs in a PID namespace of its own (pinlab
// runs scenarios so, to count thread creations) while /proc is the parent
// namespace's: the status file's NSpid line gives both.
type task struct {
	tid int
	dir string
}

// tasks lists the process's threads.
func tasks() []task {
	ents, _ := os.ReadDir("/proc/self/task")
	out := make([]task, 0, len(ents))
	for _, e := range ents {
		dir := "/proc/self/task/" + e.Name()
		tid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if b, err := os.ReadFile(dir + "/status"); err == nil {
			for _, line := range bytes.Split(b, []byte("\n")) {
				if f := bytes.Fields(line); len(f) > 1 && string(f[0]) == "NSpid:" {
					if inner, err := strconv.Atoi(string(f[len(f)-1])); err == nil {
						tid = inner // the innermost namespace: ours
					}
				}
			}
		}
		out = append(out, task{tid, dir})
	}
	return out
}

// taskDirs are the /proc/self/task directories of the threads with TIDs
// tids ("" for one that is not a thread of this process), from one pass.
func taskDirs(tids []int) []string {
	dirs := make([]string, len(tids))
	for _, t := range tasks() {
		for i, tid := range tids {
			if t.tid == tid {
				dirs[i] = t.dir
			}
		}
	}
	return dirs
}
