// What the device library says about the devices (pristine, like the
// driver): how many compute at the same moment, and which OS threads hold
// their contexts. The C library keeps, per device, the calls in flight and
// the thread of the last Init. A C thread samples the calls in flight, so
// that the sampling does not wait for the Go scheduler (a goroutine runs
// only when a P is free, that is when fewer workers are busy).
package main

/*
#cgo CFLAGS: -I${SRCDIR}/../device
#cgo LDFLAGS: -lpthread
#include <pthread.h>
#include <time.h>
#include "device.h"

// The sampler thread is created before the idle baseline is measured (so
// it is part of it) and waits until sampling starts.
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static int sampling, peak;

static void *sample(void *arg) {
	(void)arg;
	struct timespec pause = {0, 200 * 1000}; // 200 µs
	for (;;) {
		pthread_mutex_lock(&mu);
		while (!sampling)
			pthread_cond_wait(&wake, &mu);
		pthread_mutex_unlock(&mu);
		int n = 0;
		for (int d = 0; d < pl_device_count(); d++) {
			pl_device_stats s;
			pl_stats(d, &s);
			n += s.in_flight > 0;
		}
		pthread_mutex_lock(&mu);
		if (sampling && n > peak)
			peak = n;
		pthread_mutex_unlock(&mu);
		nanosleep(&pause, NULL);
	}
	return NULL;
}

static int new_sampler(void) {
	pthread_t t;
	int rc = pthread_create(&t, NULL, sample, NULL);
	if (rc == 0)
		pthread_detach(t);
	return rc;
}

static void start_sampling(void) {
	pthread_mutex_lock(&mu);
	peak = 0;
	sampling = 1;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&mu);
}

static int stop_sampling(void) {
	pthread_mutex_lock(&mu);
	sampling = 0;
	int p = peak;
	pthread_mutex_unlock(&mu);
	return p;
}

// The distinct OS threads that hold the devices' open contexts (each
// device's last Init).
static int context_threads(void) {
	uint64_t seen[PL_MAX_DEVICES];
	int n = 0;
	for (int d = 0; d < pl_device_count(); d++) {
		pl_device_stats s;
		pl_stats(d, &s);
		if (s.contexts == 0)
			continue;
		int dup = 0;
		for (int i = 0; i < n; i++)
			dup |= seen[i] == s.owner_tid;
		if (!dup)
			seen[n++] = s.owner_tid;
	}
	return n;
}
*/
import "C"

import "fmt"

// newBusySampler creates a C thread that, between startBusySampling and
// stopBusySampling, samples every 200 µs how many devices are running a
// kernel; stopBusySampling returns the largest number seen.
func newBusySampler() error {
	if rc := C.new_sampler(); rc != 0 {
		return fmt.Errorf("pthread_create: %d", int(rc))
	}
	return nil
}

func startBusySampling() { C.start_sampling() }

func stopBusySampling() int { return int(C.stop_sampling()) }

// contextThreads is the number of distinct OS threads holding the devices'
// open contexts: one per device for a pool with a worker per device.
func contextThreads() int { return int(C.context_threads()) }
