#define _GNU_SOURCE
#include "device.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

// Layout of the shared stats file (little-endian uint64 words):
//   magic, version, device count, then PL_MAX_DEVICES pl_device_stats.
#define PL_MAGIC 0x504c444556494345ULL // "PLDEVICE"
#define PL_VERSION 1

typedef struct {
	uint64_t magic, version, count;
	pl_device_stats dev[PL_MAX_DEVICES];
} pl_shared;

static pl_shared *shared;
static int ndevices = 4;
static int64_t init_ns = 10 * 1000 * 1000;
static uint64_t fail_init;            // bit d set: pl_init(d) fails after its init time
static __thread uint64_t thread_ctx; // bit d set: this thread holds device d

static pl_shared *state(void) {
	pl_shared *s = __atomic_load_n(&shared, __ATOMIC_ACQUIRE);
	if (s)
		return s;
	const char *n = getenv("PINLAB_DEVICES");
	if (n && atoi(n) > 0 && atoi(n) <= PL_MAX_DEVICES)
		ndevices = atoi(n);
	const char *ms = getenv("PINLAB_DEVICE_INIT_MS");
	if (ms)
		init_ns = (int64_t)(atof(ms) * 1e6);
	void *mem = MAP_FAILED;
	const char *path = getenv("PINLAB_DEVICE_STATS");
	if (path && *path) {
		int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644); // fresh counters per process
		if (fd >= 0 && ftruncate(fd, sizeof(pl_shared)) == 0)
			mem = mmap(NULL, sizeof(pl_shared), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (fd >= 0)
			close(fd);
	}
	if (mem == MAP_FAILED)
		mem = mmap(NULL, sizeof(pl_shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		abort();
	pl_shared *fresh = mem;
	fresh->version = PL_VERSION;
	fresh->count = (uint64_t)ndevices;
	__atomic_store_n(&fresh->magic, PL_MAGIC, __ATOMIC_RELEASE);
	pl_shared *expected = NULL;
	if (!__atomic_compare_exchange_n(&shared, &expected, fresh, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		munmap(mem, sizeof(pl_shared));
		return expected;
	}
	return fresh;
}

static int64_t now_ns(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

// Blocks the calling thread for ns, as a synchronous device call would.
static void block_for(int64_t ns) {
	if (ns <= 0)
		return;
	struct timespec ts = {.tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000};
	while (nanosleep(&ts, &ts) != 0) {
	}
}

int pl_device_count(void) {
	state();
	return ndevices;
}

void pl_set_init_ns(int64_t ns) {
	state();
	if (ns >= 0)
		__atomic_store_n(&init_ns, ns, __ATOMIC_RELAXED);
}

void pl_fail_init(int dev, int fail) {
	state();
	if (dev < 0 || dev >= PL_MAX_DEVICES)
		return;
	if (fail)
		__atomic_or_fetch(&fail_init, 1ULL << dev, __ATOMIC_RELAXED);
	else
		__atomic_and_fetch(&fail_init, ~(1ULL << dev), __ATOMIC_RELAXED);
}

int pl_init(int dev) {
	pl_shared *s = state();
	if (dev < 0 || dev >= ndevices)
		return PL_EINVAL;
	if (thread_ctx & (1ULL << dev))
		return PL_OK;
	block_for(__atomic_load_n(&init_ns, __ATOMIC_RELAXED));
	if (__atomic_load_n(&fail_init, __ATOMIC_RELAXED) & (1ULL << dev))
		return PL_EINIT; // a device that is there but broken: no context
	thread_ctx |= 1ULL << dev;
	__atomic_store_n(&s->dev[dev].owner_tid, (uint64_t)syscall(SYS_gettid), __ATOMIC_RELAXED);
	__atomic_add_fetch(&s->dev[dev].contexts, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&s->dev[dev].inits, 1, __ATOMIC_RELAXED);
	return PL_OK;
}

int pl_shutdown(int dev) {
	pl_shared *s = state();
	if (dev < 0 || dev >= ndevices)
		return PL_EINVAL;
	if (!(thread_ctx & (1ULL << dev))) {
		__atomic_add_fetch(&s->dev[dev].wrong_thread, 1, __ATOMIC_RELAXED);
		return PL_EWRONGTHREAD;
	}
	block_for(__atomic_load_n(&init_ns, __ATOMIC_RELAXED) / 10);
	thread_ctx &= ~(1ULL << dev);
	__atomic_sub_fetch(&s->dev[dev].contexts, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&s->dev[dev].shutdowns, 1, __ATOMIC_RELAXED);
	return PL_OK;
}

int pl_compute(int dev, int64_t work_ns, int64_t input, int64_t *output) {
	pl_shared *s = state();
	if (dev < 0 || dev >= ndevices)
		return PL_EINVAL;
	if (!(thread_ctx & (1ULL << dev))) {
		__atomic_add_fetch(&s->dev[dev].wrong_thread, 1, __ATOMIC_RELAXED);
		return PL_EWRONGTHREAD;
	}
	__atomic_add_fetch(&s->dev[dev].in_flight, 1, __ATOMIC_RELAXED);
	int64_t t0 = now_ns();
	block_for(work_ns);
	if (output)
		*output = input * 2 + dev;
	__atomic_add_fetch(&s->dev[dev].busy_ns, (uint64_t)(now_ns() - t0), __ATOMIC_RELAXED);
	__atomic_sub_fetch(&s->dev[dev].in_flight, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&s->dev[dev].calls, 1, __ATOMIC_RELAXED);
	return PL_OK;
}

pl_result pl_compute_value(int dev, int64_t work_ns, int64_t input) {
	pl_result r = {0, 0};
	r.rc = pl_compute(dev, work_ns, input, &r.output);
	return r;
}

int pl_run(int dev, int64_t work_ns) {
	return pl_compute(dev, work_ns, 0, NULL);
}

void pl_stats(int dev, pl_device_stats *out) {
	pl_shared *s = state();
	if (dev < 0 || dev >= ndevices)
		return;
	pl_device_stats *d = &s->dev[dev];
	out->inits = __atomic_load_n(&d->inits, __ATOMIC_RELAXED);
	out->shutdowns = __atomic_load_n(&d->shutdowns, __ATOMIC_RELAXED);
	out->calls = __atomic_load_n(&d->calls, __ATOMIC_RELAXED);
	out->wrong_thread = __atomic_load_n(&d->wrong_thread, __ATOMIC_RELAXED);
	out->busy_ns = __atomic_load_n(&d->busy_ns, __ATOMIC_RELAXED);
	out->owner_tid = __atomic_load_n(&d->owner_tid, __ATOMIC_RELAXED);
	out->in_flight = __atomic_load_n(&d->in_flight, __ATOMIC_RELAXED);
	out->contexts = __atomic_load_n(&d->contexts, __ATOMIC_RELAXED);
}
