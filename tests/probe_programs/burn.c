// A CPU-bound workload with many idle threads, for pinlab's sampler
// benchmark:   burn WORKERS SLEEPERS ITERATIONS
// starts SLEEPERS threads that block on a pipe, prints "ready", waits for a
// line on stdin, then runs WORKERS threads of ITERATIONS fixed arithmetic
// steps each and prints the seconds the work took. It exits when stdin closes.
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static int block_pipe[2];
static long iterations;
static volatile uint64_t sink;

static void *sleeper(void *arg) {
	(void)arg;
	char c;
	while (read(block_pipe[0], &c, 1) < 0) {
	}
	return NULL;
}

static void *worker(void *arg) {
	uint64_t x = (uint64_t)(uintptr_t)arg + 1;
	for (long i = 0; i < iterations; i++)
		x = x * 6364136223846793005ULL + 1442695040888963407ULL; // an LCG step
	sink += x;
	return NULL;
}

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
	if (argc < 4) {
		fprintf(stderr, "usage: burn WORKERS SLEEPERS ITERATIONS\n");
		return 2;
	}
	int workers = atoi(argv[1]);
	long sleepers = atol(argv[2]);
	iterations = atol(argv[3]);
	if (pipe(block_pipe) != 0)
		return 1;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (long i = 0; i < sleepers; i++) {
		pthread_t t;
		if (pthread_create(&t, &attr, sleeper, NULL) != 0) {
			perror("pthread_create");
			return 1;
		}
	}
	char line[64];
	printf("ready\n");
	fflush(stdout);
	while (fgets(line, sizeof line, stdin)) {
		double start = now();
		pthread_t *ts = calloc((size_t)workers, sizeof *ts);
		for (int i = 0; i < workers; i++)
			pthread_create(&ts[i], NULL, worker, (void *)(uintptr_t)i);
		for (int i = 0; i < workers; i++)
			pthread_join(ts[i], NULL);
		free(ts);
		printf("%.6f\n", now() - start);
		fflush(stdout);
	}
	return 0;
}
