// Which OS threads held each device's context (pristine, like the driver).
// The device library records, per device, the thread of the last Init. A C
// thread samples it every 200 µs (an Init costs at least 5 ms here, so no
// owner is missed) and keeps every distinct thread seen, without waiting for
// the Go scheduler.
package main

/*
#cgo CFLAGS: -I${SRCDIR}/../device
#cgo LDFLAGS: -lpthread
#include <pthread.h>
#include <time.h>
#include "device.h"

#define MAX_OWNERS 1024

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static uint64_t owners[PL_MAX_DEVICES][MAX_OWNERS];
static int nowners[PL_MAX_DEVICES];

static void record(int d, uint64_t tid) {
	if (tid == 0)
		return;
	for (int i = 0; i < nowners[d]; i++)
		if (owners[d][i] == tid)
			return;
	if (nowners[d] < MAX_OWNERS)
		owners[d][nowners[d]++] = tid;
}

static void *sample(void *arg) {
	(void)arg;
	struct timespec pause = {0, 200 * 1000};
	for (;;) {
		pthread_mutex_lock(&mu);
		for (int d = 0; d < pl_device_count(); d++) {
			pl_device_stats s;
			pl_stats(d, &s);
			record(d, s.owner_tid);
		}
		pthread_mutex_unlock(&mu);
		nanosleep(&pause, NULL);
	}
	return NULL;
}

static int new_owner_sampler(void) {
	pthread_t t;
	int rc = pthread_create(&t, NULL, sample, NULL);
	if (rc == 0)
		pthread_detach(t);
	return rc;
}

static int owner_count(int d) {
	pthread_mutex_lock(&mu);
	int n = nowners[d];
	pthread_mutex_unlock(&mu);
	return n;
}

static uint64_t owner_at(int d, int i) {
	pthread_mutex_lock(&mu);
	uint64_t t = i < nowners[d] ? owners[d][i] : 0;
	pthread_mutex_unlock(&mu);
	return t;
}
*/
import "C"

import "fmt"

// newOwnerSampler starts the C thread that records every thread seen
// holding each device's latest context.
func newOwnerSampler() error {
	if rc := C.new_owner_sampler(); rc != 0 {
		return fmt.Errorf("pthread_create: %d", int(rc))
	}
	return nil
}

// owners returns the distinct threads seen holding dev's latest context,
// in the order they were seen.
func owners(dev int) []int {
	n := int(C.owner_count(C.int(dev)))
	out := make([]int, n)
	for i := range out {
		out[i] = int(C.owner_at(C.int(dev), C.int(i)))
	}
	return out
}
