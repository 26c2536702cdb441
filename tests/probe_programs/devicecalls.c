// Drives pinlab's simulated device (exercises/device/device.c) for the probe
// tests: a worker thread initialises device 2 and runs CALLS calls of MS
// milliseconds each; then main, which holds no context, makes one call that
// must be refused. Prints "tid TID" (the worker's TID), "done" at the end,
// and exits when stdin closes. The engine's stats file comes from
// PINLAB_DEVICE_STATS.   devicecalls CALLS MS
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "device.h"

static int calls;
static long ms;

static void *worker(void *arg) {
	(void)arg;
	if (pl_init(2) != PL_OK)
		exit(3);
	printf("tid %ld\n", (long)syscall(SYS_gettid));
	fflush(stdout);
	for (int i = 0; i < calls; i++)
		if (pl_run(2, ms * 1000000) != PL_OK)
			exit(4);
	return NULL;
}

int main(int argc, char **argv) {
	if (argc < 3) {
		fprintf(stderr, "usage: devicecalls CALLS MS\n");
		return 2;
	}
	calls = atoi(argv[1]);
	ms = atol(argv[2]);
	pthread_t t;
	pthread_create(&t, NULL, worker, NULL);
	pthread_join(t, NULL);
	if (pl_run(2, 1000000) != PL_EWRONGTHREAD)
		return 5;
	printf("done\n");
	fflush(stdout);
	char line[16];
	(void)fgets(line, sizeof line, stdin);
	return 0;
}
