// Package costcard holds the benchmarks behind pinlab's cost card: the few
// figures every lesson about runtime.LockOSThread rests on, measured on the
// learner's own machine by `pinlab calibrate` (go test -bench, summarised by
// tools/costcard the way benchstat does).
package costcard

/*
#include <stdint.h>
#include <unistd.h>

static int64_t pl_identity(int64_t x) { return x; }
static void pl_block(int64_t us) { usleep((useconds_t)us); }
*/
import "C"

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// Identity crosses into C and back: the bare cost of a cgo call.
func Identity(x int64) int64 { return int64(C.pl_identity(C.int64_t(x))) }

// Block sleeps in C for us microseconds, holding its OS thread the whole time.
func Block(us int64) { C.pl_block(C.int64_t(us)) }

// Threads is the kernel's count of this process's threads.
func Threads() int {
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
