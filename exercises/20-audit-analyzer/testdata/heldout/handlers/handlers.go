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

// Handlers kept before they are registered: in a variable, in a route table.
// Their signature makes them handlers.
func Table(mux *http.ServeMux) {
	index := func(w http.ResponseWriter, r *http.Request) {
		runtime.LockOSThread() // @pin
		defer runtime.UnlockOSThread()
	}
	routes := map[string]http.HandlerFunc{
		"/": index,
		"/version": func(w http.ResponseWriter, r *http.Request) {
			runtime.LockOSThread() // @pin
			defer runtime.UnlockOSThread()
		},
	}
	for p, h := range routes {
		mux.HandleFunc(p, h)
	}
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

// Not handlers: a request alone, a writer alone.
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

// Not handlers either: an error result, the parameters swapped, a Request by
// value. None of them can be registered as one.
func check(w http.ResponseWriter, r *http.Request) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return nil
}

func swapped(r *http.Request, w http.ResponseWriter) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
}

func byValue(w http.ResponseWriter, r http.Request) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
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
