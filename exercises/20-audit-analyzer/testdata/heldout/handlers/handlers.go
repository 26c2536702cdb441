package handlers

import (
	"net/http"
	"runtime"
)

type Quotes struct{ n int }

func (q *Quotes) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	runtime.LockOSThread() // @pin
	defer runtime.UnlockOSThread()
	q.n++
}

func status(w http.ResponseWriter, r *http.Request) {
	runtime.LockOSThread() // @pin
	defer runtime.UnlockOSThread()
	w.WriteHeader(http.StatusOK)
}

func Routes(mux *http.ServeMux) {
	mux.Handle("/quotes", &Quotes{})
	mux.HandleFunc("/status", status)
	mux.HandleFunc("/download", download)
	mux.HandleFunc("/ping", func(w http.ResponseWriter, r *http.Request) {
		runtime.LockOSThread() // @pin
		defer runtime.UnlockOSThread()
		w.WriteHeader(http.StatusOK)
	})
	http.HandleFunc("/legacy", func(w http.ResponseWriter, r *http.Request) {
		runtime.LockOSThread() // @pin
		defer runtime.UnlockOSThread()
	})
	mux.Handle("/wrapped", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		runtime.LockOSThread() // @pin
		defer runtime.UnlockOSThread()
	}))
}

// In a handler and unlocked without defer: two rules, one pin, one diagnostic.
func download(w http.ResponseWriter, r *http.Request) {
	runtime.LockOSThread() // @pin
	w.WriteHeader(http.StatusOK)
	runtime.UnlockOSThread()
}

// A handler's signature makes a handler, registered or not.
func unregistered(w http.ResponseWriter, req *http.Request) {
	runtime.LockOSThread() // @pin
	defer runtime.UnlockOSThread()
}

// Not handlers: a request alone, a writer alone, an error result.
func logRequest(r *http.Request) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	_ = r.Method
}

func writeOK(w http.ResponseWriter) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	w.WriteHeader(http.StatusOK)
}

// A pool worker outside every request: pinned, and unlocked on the way out.
func worker(jobs chan func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for j := range jobs {
		j()
	}
}

func Start() {
	jobs := make(chan func())
	go worker(jobs)
	logRequest(&http.Request{})
}
