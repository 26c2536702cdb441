// A program with a known number of threads, for pinlab's probe tests.
//
//   threads N [CPULIST]
//
// starts N extra threads (N+1 in all with main) that block on a pipe, named
// "sleeper-I", except thread 1, named "odd) (name" to test stat parsing.
// With CPULIST (e.g. "0" or "0,1"), thread 0 pins itself to those CPUs
// before the program reports. It prints "ready TID0" (thread 0's kernel
// TID) and exits when stdin closes or a line arrives.
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int block_pipe[2];
static pthread_barrier_t started;
static cpu_set_t pin_set;
static int pin = 0;
static volatile long first_tid;

static void *sleeper(void *arg) {
	long i = (long)arg;
	char name[16];
	if (i == 1)
		snprintf(name, sizeof name, "odd) (name");
	else
		snprintf(name, sizeof name, "sleeper-%ld", i);
	pthread_setname_np(pthread_self(), name);
	if (i == 0) {
		first_tid = syscall(SYS_gettid);
		if (pin && sched_setaffinity(0, sizeof pin_set, &pin_set) != 0) {
			perror("sched_setaffinity");
			exit(3);
		}
	}
	pthread_barrier_wait(&started);
	char c;
	while (read(block_pipe[0], &c, 1) < 0) {
	}
	return NULL;
}

int main(int argc, char **argv) {
	if (argc < 2) {
		fprintf(stderr, "usage: threads N [CPULIST]\n");
		return 2;
	}
	long n = atol(argv[1]);
	if (argc > 2) {
		pin = 1;
		CPU_ZERO(&pin_set);
		char *list = strdup(argv[2]);
		for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ","))
			CPU_SET(atoi(tok), &pin_set);
		free(list);
	}
	if (pipe(block_pipe) != 0)
		return 1;
	pthread_barrier_init(&started, NULL, (unsigned)n + 1);
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (long i = 0; i < n; i++) {
		pthread_t t;
		if (pthread_create(&t, &attr, sleeper, (void *)i) != 0) {
			perror("pthread_create");
			return 1;
		}
	}
	pthread_barrier_wait(&started);
	printf("ready %ld\n", first_tid);
	fflush(stdout);
	char line[64];
	(void)fgets(line, sizeof line, stdin);
	return 0;
}
