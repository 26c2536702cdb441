package reach

import (
	"net/http"
	"runtime"
)

type Server struct {
	mux  *http.ServeMux
	hits int
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.count()
	render(w)
}

func (s *Server) count() {
	s.bump(1)
}

func (s *Server) bump(n int) {
	runtime.LockOSThread() // @pin
	defer runtime.UnlockOSThread()
	s.hits += n
}

func render(w http.ResponseWriter) {
	encode(w, "ok")
}

func encode(w http.ResponseWriter, s string) {
	sign([]byte(s))
	_, _ = w.Write([]byte(s))
}

func sign(b []byte) uint32 {
	runtime.LockOSThread() // @pin
	defer runtime.UnlockOSThread()
	var h uint32
	for _, c := range b {
		h = h*31 + uint32(c)
	}
	return h
}

func upload(w http.ResponseWriter, r *http.Request) {
	done := make(chan struct{})
	go compress(done)
	<-done
	func() {
		runtime.LockOSThread() // @pin
		defer runtime.UnlockOSThread()
	}()
	defer flush()
}

func compress(done chan struct{}) {
	runtime.LockOSThread() // @pin
	defer runtime.UnlockOSThread()
	close(done)
}

func flush() {
	runtime.LockOSThread() // @pin
	defer runtime.UnlockOSThread()
}

// even, odd: a cycle a handler enters.
func even(n int) bool {
	if n == 0 {
		return true
	}
	return odd(n - 1)
}

func odd(n int) bool {
	runtime.LockOSThread() // @pin
	defer runtime.UnlockOSThread()
	if n == 0 {
		return false
	}
	return even(n - 1)
}

func parity(w http.ResponseWriter, r *http.Request) {
	_ = even(len(r.Path))
	warmCache()
}

// Reached from a handler and never unlocked: one pin, one diagnostic.
func warmCache() {
	runtime.LockOSThread() // @pin
}

// A handler that passes functions as values: withRetry calls fill, the hooks
// loop calls prime, both on the request path.
func refresh(w http.ResponseWriter, r *http.Request) {
	_ = withRetry(fill)
	hooks := []func(){prime}
	for _, h := range hooks {
		h()
	}
}

func withRetry(f func() error) error {
	var err error
	for i := 0; i < 3; i++ {
		if err = f(); err == nil {
			return nil
		}
	}
	return err
}

func fill() error {
	runtime.LockOSThread() // @pin
	defer runtime.UnlockOSThread()
	return nil
}

func prime() {
	runtime.LockOSThread() // @pin
	defer runtime.UnlockOSThread()
}

// Reached from main only, never from a handler.
func warmUp() {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	_ = sign(nil)
}

func Main() {
	warmUp()
	s := &Server{mux: http.NewServeMux()}
	s.mux.HandleFunc("/upload", upload)
	s.mux.HandleFunc("/parity", parity)
	s.mux.HandleFunc("/refresh", refresh)
	_ = http.ListenAndServe(":8080", s)
}
