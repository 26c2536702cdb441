package main

// The scoring service. POST /score runs an input through the model on one
// of the accelerator's devices, keeps the result and answers with it;
// GET /result?id= reads a result back; GET /healthz says the service is up.
// Every request but /healthz is signed (middleware.go).
//
// From the driver's files (not in your workspace): kernel, clientKeys and
// signature (fixtures.go). harness.Pinned(role) / harness.Unpinned() mark a
// long-lived locked thread on pinlab's CPU map.

import (
	"fmt"
	"net/http"
	"sync/atomic"
)

// Service is the whole service behind one http.Handler.
type Service struct {
	handler http.Handler
	store   *Store
	accel   *Accel
	closed  atomic.Bool
}

// NewService opens the accelerator and the store and wires the routes.
func NewService() (*Service, error) {
	// Fail fast when the accelerator is missing: NewAccel opens every
	// device on its worker's thread and reports the first failure.
	accel, err := NewAccel()
	if err != nil {
		return nil, fmt.Errorf("accelerator: %w", err)
	}
	s := &Service{store: NewStore(), accel: accel}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /score", s.handleScore)
	mux.HandleFunc("GET /result", s.handleResult)
	mux.HandleFunc("GET /healthz", s.handleHealth)
	s.handler = s.withOpen(s.withAuth(mux))
	return s, nil
}

func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// Close stops the service: later requests get 503.
func (s *Service) Close() error {
	s.closed.Store(true)
	s.store.Close()
	return s.accel.Close()
}
