// The desktop toolkit the service still links (pristine, like the driver).
// A small C library in the style of Cocoa's or SDL's main-thread rules:
//
//   - dock_open, dock_badge, dock_close put the service's icon in the
//     desktop's dock and show a number on it. They refuse to run on any
//     thread but the process's first one (gettid() == getpid()), as
//     AppKit and SDL's video functions do, and count the refusals.
//   - theme_accent returns the desktop theme's accent colour. It reads a
//     table set up once and is safe from any thread.
//
// The driver reads the counters to judge what the service did.
package main

/*
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long dk_refused, dk_badges, dk_opened, dk_closed, th_calls, th_main;
static int64_t dk_last_ns, dk_max_gap_ns, dk_gap_from_ns;

static int on_main_thread(void) { return syscall(SYS_gettid) == getpid(); }

static int64_t now_ns(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int refuse(void) {
	__atomic_add_fetch(&dk_refused, 1, __ATOMIC_RELAXED);
	return -1;
}

static int dock_open(void) {
	if (!on_main_thread())
		return refuse();
	__atomic_add_fetch(&dk_opened, 1, __ATOMIC_RELAXED);
	return 0;
}

// The gap between two badge updates is measured from dock_watch_gaps on.
static int dock_badge(long n) {
	(void)n;
	if (!on_main_thread())
		return refuse();
	int64_t now = now_ns();
	int64_t last = __atomic_exchange_n(&dk_last_ns, now, __ATOMIC_RELAXED);
	int64_t from = __atomic_load_n(&dk_gap_from_ns, __ATOMIC_RELAXED);
	if (from > 0) {
		int64_t gap = now - (last > from ? last : from);
		if (gap > __atomic_load_n(&dk_max_gap_ns, __ATOMIC_RELAXED))
			__atomic_store_n(&dk_max_gap_ns, gap, __ATOMIC_RELAXED);
	}
	__atomic_add_fetch(&dk_badges, 1, __ATOMIC_RELAXED);
	return 0;
}

static int dock_close(void) {
	if (!on_main_thread())
		return refuse();
	__atomic_add_fetch(&dk_closed, 1, __ATOMIC_RELAXED);
	return 0;
}

static const char *theme_accent(void) {
	__atomic_add_fetch(&th_calls, 1, __ATOMIC_RELAXED);
	if (on_main_thread())
		__atomic_add_fetch(&th_main, 1, __ATOMIC_RELAXED);
	return "#3d7eff";
}

// Start measuring the gaps between badge updates afresh, from now.
static void dock_watch_gaps(void) {
	__atomic_store_n(&dk_max_gap_ns, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&dk_gap_from_ns, now_ns(), __ATOMIC_RELAXED);
}

// The longest gap between badge updates since the last dock_watch_gaps,
// counting the time since the last update.
static int64_t dock_max_gap(void) {
	int64_t from = __atomic_load_n(&dk_gap_from_ns, __ATOMIC_RELAXED);
	int64_t last = __atomic_load_n(&dk_last_ns, __ATOMIC_RELAXED);
	int64_t gap = __atomic_load_n(&dk_max_gap_ns, __ATOMIC_RELAXED);
	int64_t open = now_ns() - (last > from ? last : from);
	return open > gap ? open : gap;
}

static long dock_refused(void) { return __atomic_load_n(&dk_refused, __ATOMIC_RELAXED); }
static long dock_badges(void) { return __atomic_load_n(&dk_badges, __ATOMIC_RELAXED); }
static long dock_opened(void) { return __atomic_load_n(&dk_opened, __ATOMIC_RELAXED); }
static long dock_closed(void) { return __atomic_load_n(&dk_closed, __ATOMIC_RELAXED); }
static long theme_main(void) { return __atomic_load_n(&th_main, __ATOMIC_RELAXED); }
*/
import "C"

import (
	"errors"
	"time"
)

// errNotMainThread is what a dock call returns on any thread but the
// process's first one.
var errNotMainThread = errors.New("dock: called from a thread other than the main thread")

func dockResult(rc C.int) error {
	if rc != 0 {
		return errNotMainThread
	}
	return nil
}

// dockOpen shows the service's icon in the dock. Main thread only.
func dockOpen() error { return dockResult(C.dock_open()) }

// dockBadge shows n on the icon. Main thread only.
func dockBadge(n int64) error { return dockResult(C.dock_badge(C.long(n))) }

// dockClose removes the icon. Main thread only.
func dockClose() error { return dockResult(C.dock_close()) }

// themeAccent is the desktop theme's accent colour. Any thread.
func themeAccent() string { return C.GoString(C.theme_accent()) }

// What the driver and the tests read.
func dockWatchGaps()            { C.dock_watch_gaps() }
func dockMaxGap() time.Duration { return time.Duration(C.dock_max_gap()) }
func dockRefused() int64        { return int64(C.dock_refused()) }
func dockBadges() int64         { return int64(C.dock_badges()) }
func dockOpened() int64         { return int64(C.dock_opened()) }
func dockClosed() int64         { return int64(C.dock_closed()) }
func themeOnMain() int64        { return int64(C.theme_main()) }
