// A simulated thread-affine accelerator. Like a CUDA context, a device's
// context is bound to the OS thread that initialised it: calls from any other
// thread fail. Each thread that calls pl_init gets a context of its own. Initialising costs time; work keeps the device busy.
#ifndef PINLAB_DEVICE_H
#define PINLAB_DEVICE_H

#include <stdint.h>

#define PL_MAX_DEVICES 8

enum {
	PL_OK = 0,
	PL_EINVAL = -1,      // no such device
	PL_EWRONGTHREAD = -2, // the calling thread does not hold this device's context
	PL_EINIT = -3,       // the device failed to initialise (pl_fail_init)
};

// Per-device counters, published in a shared file for pinlab's GPU panel.
typedef struct {
	uint64_t inits;
	uint64_t shutdowns;
	uint64_t calls;
	uint64_t wrong_thread;
	uint64_t busy_ns;
	uint64_t owner_tid; // thread that last initialised a context
	uint64_t in_flight;
	uint64_t contexts;  // live contexts (inits - shutdowns)
} pl_device_stats;

int pl_device_count(void);
int pl_init(int dev);
void pl_set_init_ns(int64_t ns); // from now on, pl_init costs ns
void pl_fail_init(int dev, int fail); // from now on, pl_init(dev) fails (fail != 0) or works
int pl_shutdown(int dev);
int pl_run(int dev, int64_t work_ns);
int pl_compute(int dev, int64_t work_ns, int64_t input, int64_t *output);

// pl_compute's result by value, so that Go's caller passes no pointer to C
// and allocates nothing per call.
typedef struct {
	int rc;
	int64_t output;
} pl_result;
pl_result pl_compute_value(int dev, int64_t work_ns, int64_t input);
void pl_stats(int dev, pl_device_stats *out);

#endif
