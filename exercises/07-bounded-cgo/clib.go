// The C library of exercise 07 (pristine, like the driver). It stands for a
// thread-safe client library that talks to a backend over a fixed number of
// connections: any OS thread may call it, a call holds one connection for
// about a millisecond, and a caller who finds every connection busy waits
// inside C, holding its thread, until one frees up.
//
// The library counts, in C, where the learner's Go code cannot change them:
// how many threads are inside it at once, how many calls it answered, and
// how long its connections were in use.
package main

/*
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#define LIB_CONNECTIONS 8

static pthread_mutex_t lib_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t lib_free = PTHREAD_COND_INITIALIZER;
static int lib_busy;
static int64_t lib_inside, lib_peak;
static int64_t lib_calls, lib_conn_ns; // answered calls; connection time in use

static int64_t lib_now_ns(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void lib_enter(void) {
	int64_t n = __atomic_add_fetch(&lib_inside, 1, __ATOMIC_SEQ_CST);
	int64_t p = __atomic_load_n(&lib_peak, __ATOMIC_RELAXED);
	while (n > p && !__atomic_compare_exchange_n(&lib_peak, &p, n, 0, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) {
	}
}

// lib_lookup asks the backend for key's value: 3*key+1.
static int64_t lib_lookup(int64_t key, int64_t rtt_ns) {
	lib_enter();
	pthread_mutex_lock(&lib_mu);
	while (lib_busy == LIB_CONNECTIONS)
		pthread_cond_wait(&lib_free, &lib_mu);
	lib_busy++;
	pthread_mutex_unlock(&lib_mu);

	int64_t t0 = lib_now_ns();
	struct timespec ts = {rtt_ns / 1000000000, rtt_ns % 1000000000};
	while (nanosleep(&ts, &ts) != 0) {
	}

	pthread_mutex_lock(&lib_mu);
	lib_conn_ns += lib_now_ns() - t0;
	lib_calls++;
	lib_busy--;
	pthread_cond_signal(&lib_free);
	pthread_mutex_unlock(&lib_mu);
	__atomic_sub_fetch(&lib_inside, 1, __ATOMIC_SEQ_CST);
	return 3 * key + 1;
}

static int64_t lib_peak_inside(void) { return __atomic_load_n(&lib_peak, __ATOMIC_SEQ_CST); }

typedef struct {
	int64_t calls, conn_ns;
} lib_counts;

static lib_counts lib_read_counts(void) {
	pthread_mutex_lock(&lib_mu);
	lib_counts c = {lib_calls, lib_conn_ns};
	pthread_mutex_unlock(&lib_mu);
	return c;
}

static void lib_reset(void) {
	__atomic_store_n(&lib_peak, __atomic_load_n(&lib_inside, __ATOMIC_SEQ_CST), __ATOMIC_SEQ_CST);
	pthread_mutex_lock(&lib_mu);
	lib_calls = 0;
	lib_conn_ns = 0;
	pthread_mutex_unlock(&lib_mu);
}
*/
import "C"

import "time"

// libConnections is how many calls the library serves at once.
const libConnections = C.LIB_CONNECTIONS

// backendRTT is how long one call holds a connection.
const backendRTT = time.Millisecond

// libLookup calls the C library. It blocks the calling OS thread until a
// connection is free and the backend has answered.
func libLookup(key int64) int64 {
	return int64(C.lib_lookup(C.int64_t(key), C.int64_t(backendRTT)))
}

// libPeakInside is the most threads that were inside the library at once
// since the last libReset.
func libPeakInside() int64 { return int64(C.lib_peak_inside()) }

// libCounts are the calls the library answered since the last libReset, and
// the time its connections were in use for them, summed over connections.
func libCounts() (calls int64, inUse time.Duration) {
	c := C.lib_read_counts()
	return int64(c.calls), time.Duration(c.conn_ns)
}

// libReset starts the counts afresh.
func libReset() { C.lib_reset() }
