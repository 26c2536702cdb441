// Threads that C code starts (pristine, like the driver): a C library's
// helper threads, which the Go runtime neither created nor counts. The
// kernel counts them, and so must pinlab_os_threads.
package main

/*
#cgo LDFLAGS: -lpthread
#include <pthread.h>
#include <stdlib.h>

typedef struct {
	pthread_mutex_t mu;
	pthread_cond_t cond;
	int stop;
	int n;
	pthread_t *threads;
} helpers;

static void *idle(void *arg) {
	helpers *h = arg;
	pthread_mutex_lock(&h->mu);
	while (!h->stop)
		pthread_cond_wait(&h->cond, &h->mu);
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

static helpers *start_helpers(int n) {
	helpers *h = calloc(1, sizeof *h);
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->cond, NULL);
	h->threads = calloc(n, sizeof *h->threads);
	for (; h->n < n; h->n++)
		if (pthread_create(&h->threads[h->n], NULL, idle, h) != 0)
			break;
	return h;
}

static int helper_count(helpers *h) { return h->n; }

static void stop_helpers(helpers *h) {
	pthread_mutex_lock(&h->mu);
	h->stop = 1;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->mu);
	for (int i = 0; i < h->n; i++)
		pthread_join(h->threads[i], NULL);
	free(h->threads);
	free(h);
}
*/
import "C"

import "fmt"

// cThreads are idle threads started by C; stop ends them and waits until
// they are gone.
type cThreads struct{ h *C.helpers }

func startCThreads(n int) (cThreads, error) {
	h := C.start_helpers(C.int(n))
	if got := int(C.helper_count(h)); got != n {
		C.stop_helpers(h)
		return cThreads{}, fmt.Errorf("started %d of %d C threads", got, n)
	}
	return cThreads{h}, nil
}

func (c cThreads) stop() { C.stop_helpers(c.h) }
