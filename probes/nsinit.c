// nsinit: a tiny init for a private PID namespace (run as
// `unshare --pid --fork nsinit FD -- CMD ARGS`). It starts CMD as PID 2,
// reaps every process, and writes to FD how many PIDs the namespace has
// handed out ("pids N"), which counts every thread and process CMD created,
// however short-lived. When CMD exits it writes "exit CODE" or "signal SIG",
// kills whatever CMD left behind, and exits. It is single-threaded C so that
// it creates no threads of its own.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long last_pid(int fd) {
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return strtol(buf, NULL, 10);
}

static void report(int fd, const char *fmt, long v) {
	char line[64];
	int n = snprintf(line, sizeof line, fmt, v);
	if (fd >= 0 && write(fd, line, (size_t)n) < 0 && errno == EPIPE)
		_exit(1);
}

int main(int argc, char **argv) {
	if (argc < 4 || strcmp(argv[2], "--") != 0) {
		fprintf(stderr, "usage: nsinit REPORT_FD -- CMD [ARGS...]\n");
		return 2;
	}
	int out = atoi(argv[1]);
	signal(SIGPIPE, SIG_IGN);
	int nsfd = open("/proc/sys/kernel/ns_last_pid", O_RDONLY | O_CLOEXEC);
	fcntl(out, F_SETFD, FD_CLOEXEC);

	pid_t child = fork();
	if (child < 0) {
		perror("nsinit: fork");
		return 1;
	}
	if (child == 0) {
		signal(SIGPIPE, SIG_DFL);
		execvp(argv[3], &argv[3]);
		fprintf(stderr, "nsinit: cannot run %s: %s\n", argv[3], strerror(errno));
		_exit(127);
	}
	report(out, "child %ld\n", (long)child);

	long seen = -1;
	int status = 0;
	const struct timespec tick = {.tv_sec = 0, .tv_nsec = 10 * 1000 * 1000};
	for (;;) {
		int st;
		pid_t p;
		int child_done = 0;
		while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
			if (p == child) {
				status = st;
				child_done = 1;
			}
		}
		long now = last_pid(nsfd);
		if (now != seen) {
			report(out, "pids %ld\n", now);
			seen = now;
		}
		if (child_done)
			break;
		nanosleep(&tick, NULL);
	}
	if (WIFSIGNALED(status))
		report(out, "signal %ld\n", WTERMSIG(status));
	else
		report(out, "exit %ld\n", WEXITSTATUS(status));
	kill(-1, SIGKILL); // anything CMD left behind in the namespace
	while (waitpid(-1, NULL, 0) > 0) {
	}
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}
