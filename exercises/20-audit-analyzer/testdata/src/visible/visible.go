// The visible cases: analysistest checks that lockcheck reports exactly the
// lines that carry an expectation, each with a message matching its pattern.
package visible

import (
	"net/http"
	"runtime"
)

// 1. A function with a handler's signature is a handler.
func hello(w http.ResponseWriter, r *http.Request) {
	runtime.LockOSThread() // want `runtime.LockOSThread`
	defer runtime.UnlockOSThread()
	_, _ = w.Write([]byte("hello"))
}

// 2. So is a method that makes its type an http.Handler ...
type Counter struct{ n int }

func (c *Counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	runtime.LockOSThread() // want `runtime.LockOSThread`
	defer runtime.UnlockOSThread()
	c.n++
}

// 3. ... and a function literal passed as one.
func Routes(mux *http.ServeMux) {
	mux.Handle("/count", &Counter{})
	mux.HandleFunc("/hello", hello)
	mux.HandleFunc("/time", func(w http.ResponseWriter, r *http.Request) {
		runtime.LockOSThread() // want `runtime.LockOSThread`
		defer runtime.UnlockOSThread()
	})
	mux.HandleFunc("/report", report)
	mux.HandleFunc("/gpu", gpu)
	mux.HandleFunc("/legacy", legacy)
}

// 4. What a handler reaches, however deep: report → render → checksum, and
// the method it calls.
type Store struct{ last string }

func report(w http.ResponseWriter, r *http.Request) {
	render(w)
	(&Store{}).save(r.Method)
}

func render(w http.ResponseWriter) {
	_, _ = w.Write([]byte{byte(checksum([]byte("report")))})
}

func checksum(b []byte) uint32 {
	runtime.LockOSThread() // want `runtime.LockOSThread`
	defer runtime.UnlockOSThread()
	var s uint32
	for _, c := range b {
		s += uint32(c)
	}
	return s
}

func (s *Store) save(v string) {
	runtime.LockOSThread() // want `runtime.LockOSThread`
	defer runtime.UnlockOSThread()
	s.last = v
}

// 5. Outside the handlers, a pin needs a deferred unlock in its own body.
func openDevice() {
	runtime.LockOSThread() // want `runtime.LockOSThread`
	// ... a panic here would leave the thread locked ...
	runtime.UnlockOSThread()
}

func withDevice(f func()) {
	runtime.LockOSThread() // not reached from a handler, and deferred: fine
	defer runtime.UnlockOSThread()
	f()
}

// 6. An allowance with a reason exempts its own line ...
func gpu(w http.ResponseWriter, r *http.Request) {
	runtime.LockOSThread() // lockosthread:allow the preview's GL context is per thread
	defer runtime.UnlockOSThread()
}

func gpuWorker(jobs chan func()) {
	runtime.LockOSThread() // lockosthread:allow owns the device context for good
	for j := range jobs {
		j()
	}
}

// 7. ... an allowance without one exempts nothing, and is reported itself.
func legacy(w http.ResponseWriter, r *http.Request) {
	runtime.LockOSThread() /* want `runtime.LockOSThread` `lockosthread:allow.*reason` */ // lockosthread:allow
	defer runtime.UnlockOSThread()
}

func Main() {
	openDevice()
	withDevice(func() {})
	go gpuWorker(make(chan func()))
}
