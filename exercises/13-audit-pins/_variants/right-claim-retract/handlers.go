package main

import (
	"encoding/json"
	"io"
	"net/http"
)

// maxInput is the largest input the model accepts.
const maxInput = 1 << 40

type scoreRequest struct {
	Input int64 `json:"input"`
}

// scoreReply is a stored result, as the client sees it.
type scoreReply struct {
	ID     string `json:"id"`
	Input  int64  `json:"input"`
	Device int    `json:"device"`
	Value  int64  `json:"value"`
	Sum    uint32 `json:"sum"` // CRC-32C of the request body
}

// handleScore runs the input on a device and stores the result.
func (s *Service) handleScore(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "cannot read the body", http.StatusBadRequest)
		return
	}
	var req scoreRequest
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, "body is not a score request", http.StatusBadRequest)
		return
	}
	if req.Input < 0 || req.Input > maxInput {
		http.Error(w, "input out of range", http.StatusUnprocessableEntity)
		return
	}
	dev, value, err := s.accel.Score(r.Context(), req.Input)
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	rec := Record{Input: req.Input, Device: dev, Value: value, Sum: checksum(body)}
	rec.ID = s.store.Put(rec)
	writeJSON(w, reply(rec))
}

// handleResult answers with a stored result.
func (s *Service) handleResult(w http.ResponseWriter, r *http.Request) {
	rec, ok := s.store.Get(r.URL.Query().Get("id"))
	if !ok {
		http.Error(w, "no such result", http.StatusNotFound)
		return
	}
	writeJSON(w, reply(rec))
}

func (s *Service) handleHealth(w http.ResponseWriter, r *http.Request) {
	_, _ = io.WriteString(w, "ok\n")
}

func reply(rec Record) scoreReply {
	return scoreReply{ID: rec.ID, Input: rec.Input, Device: rec.Device, Value: rec.Value, Sum: rec.Sum}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
