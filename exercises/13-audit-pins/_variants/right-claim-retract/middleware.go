package main

import (
	"bytes"
	"io"
	"net/http"

	"pinlab/exercises/13-audit-pins/codec"
)

// maxBody is the largest request body the service reads.
const maxBody = 1 << 16

// withOpen answers 503 once Close has been called.
func (s *Service) withOpen(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.closed.Load() {
			http.Error(w, "closed", http.StatusServiceUnavailable)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// withAuth lets through /healthz and the requests whose X-Signature is the
// signature of the request under the key of the client named in X-Client.
func (s *Service) withAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" {
			next.ServeHTTP(w, r)
			return
		}
		key, known := clientKeys[r.Header.Get("X-Client")]
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
		if err != nil {
			http.Error(w, "cannot read the body", http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		// codec keeps no state: callable from any thread, no pin.
		want := signature(key, r.Method, r.URL.RequestURI(), body)
		if !known || r.Header.Get("X-Signature") != want {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// checksum is the CRC-32C of b, from the codec library.
func checksum(b []byte) uint32 {
	return codec.Sum(b)
}
