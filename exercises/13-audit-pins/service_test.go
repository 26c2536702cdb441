package main

// Integration tests of the service's handlers: what a client sees must not
// change while the pins move. They run under -race (pinlab's "behaviour"
// target), against your files:
//
//	cd exercises && go test -race ./13-audit-pins/

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"pinlab/exercises/13-audit-pins/codec"
	"pinlab/exercises/device"
)

func newTestService(t *testing.T) *Service {
	t.Helper()
	svc, err := NewService()
	if err != nil {
		t.Fatalf("NewService: %v", err)
	}
	t.Cleanup(func() { _ = svc.Close() })
	return svc
}

// testRequest builds a request signed by client (an unknown client signs
// with an empty key).
func testRequest(ctx context.Context, client, method, uri string, body []byte) *http.Request {
	r := httptest.NewRequestWithContext(ctx, method, uri, bytes.NewReader(body))
	r.Header.Set("X-Client", client)
	r.Header.Set("X-Signature", signature(clientKeys[client], method, uri, body))
	return r
}

func testServe(svc http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	svc.ServeHTTP(w, r)
	return w
}

func scoreBody(input int64) []byte {
	return []byte(`{"input":` + strconv.FormatInt(input, 10) + `}`)
}

// testScore scores input and checks the reply as a client would.
func testScore(svc http.Handler, input int64) (scoreReply, error) {
	body := scoreBody(input)
	w := testServe(svc, testRequest(context.Background(), "beta", http.MethodPost, "/score", body))
	var got scoreReply
	if w.Code != http.StatusOK {
		return got, fmt.Errorf("POST /score %d: status %d %q", input, w.Code, w.Body.String())
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		return got, fmt.Errorf("POST /score: Content-Type %q", ct)
	}
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		return got, err
	}
	if got.Input != input || got.Device < 0 || got.Device >= device.Count() ||
		got.Value != device.Expected(got.Device, input) || got.Sum != codec.Sum(body) || got.ID == "" {
		return got, fmt.Errorf("POST /score %d: wrong reply %+v", input, got)
	}
	return got, nil
}

func TestScoreThenResult(t *testing.T) {
	svc := newTestService(t)
	got, err := testScore(svc, 12345)
	if err != nil {
		t.Fatal(err)
	}
	uri := "/result?id=" + got.ID
	w := testServe(svc, testRequest(context.Background(), "alpha", http.MethodGet, uri, nil))
	var back scoreReply
	if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &back) != nil || back != got {
		t.Fatalf("GET %s: %d %q, scored %+v", uri, w.Code, w.Body.String(), got)
	}
}

func TestHealthNeedsNoSignature(t *testing.T) {
	svc := newTestService(t)
	w := testServe(svc, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if w.Code != http.StatusOK || w.Body.String() != "ok\n" {
		t.Fatalf("GET /healthz: %d %q", w.Code, w.Body.String())
	}
}

func TestRejectedRequestsUseNoDevice(t *testing.T) {
	svc := newTestService(t)
	before := device.Total().Calls
	forged := testRequest(context.Background(), "alpha", http.MethodPost, "/score", scoreBody(7))
	forged.Header.Set("X-Signature", "0")
	cases := []struct {
		name string
		r    *http.Request
		want int
	}{
		{"forged signature", forged, http.StatusUnauthorized},
		{"unknown client", testRequest(context.Background(), "gamma", http.MethodPost, "/score", scoreBody(7)), http.StatusUnauthorized},
		{"not JSON", testRequest(context.Background(), "alpha", http.MethodPost, "/score", []byte("seven")), http.StatusBadRequest},
		{"negative input", testRequest(context.Background(), "alpha", http.MethodPost, "/score", scoreBody(-1)), http.StatusUnprocessableEntity},
		{"input too large", testRequest(context.Background(), "alpha", http.MethodPost, "/score", scoreBody(maxInput+1)), http.StatusUnprocessableEntity},
		{"no such result", testRequest(context.Background(), "alpha", http.MethodGet, "/result?id=nope", nil), http.StatusNotFound},
		{"wrong method", testRequest(context.Background(), "alpha", http.MethodGet, "/score", nil), http.StatusMethodNotAllowed},
	}
	for _, c := range cases {
		if w := testServe(svc, c.r); w.Code != c.want {
			t.Errorf("%s: status %d %q, want %d", c.name, w.Code, w.Body.String(), c.want)
		}
	}
	if n := device.Total().Calls - before; n != 0 {
		t.Errorf("rejected requests made %d device calls", n)
	}
}

// A client that has gone before its turn gets 503 and costs no device time.
func TestCancelledRequestUsesNoDevice(t *testing.T) {
	svc := newTestService(t)
	if _, err := testScore(svc, 1); err != nil { // every device open
		t.Fatal(err)
	}
	before := device.Total().Calls
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	w := testServe(svc, testRequest(ctx, "alpha", http.MethodPost, "/score", scoreBody(99)))
	if w.Code != http.StatusServiceUnavailable {
		t.Errorf("cancelled request: status %d %q, want 503", w.Code, w.Body.String())
	}
	if n := device.Total().Calls - before; n != 0 {
		t.Errorf("a cancelled request made %d device calls", n)
	}
}

// Many clients at once: each gets its own answer, and can read it back.
func TestConcurrentClients(t *testing.T) {
	svc := newTestService(t)
	const clients, each = 32, 4
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				input := int64(c*1000 + i)
				got, err := testScore(svc, input)
				if err == nil {
					uri := "/result?id=" + got.ID
					w := testServe(svc, testRequest(context.Background(), "beta", http.MethodGet, uri, nil))
					var back scoreReply
					if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &back) != nil || back != got {
						err = fmt.Errorf("GET %s: %d %q, scored %+v", uri, w.Code, w.Body.String(), got)
					}
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// gatedBody is a request body that says when the service first reads it
// (the request is then inside), and cannot be read until open is closed.
type gatedBody struct {
	inside chan<- struct{}
	once   sync.Once
	open   <-chan struct{}
	r      io.Reader
}

func (b *gatedBody) Read(p []byte) (int, error) {
	b.once.Do(func() { close(b.inside) })
	<-b.open
	return b.r.Read(p)
}

// A request already inside the service when Close is called gets an
// answer (served, or 503), never a crash or a hang; a request after Close
// gets 503.
func TestCloseWithRequestInside(t *testing.T) {
	svc, err := NewService()
	if err != nil {
		t.Fatalf("NewService: %v", err)
	}
	body := scoreBody(5)
	inside, open := make(chan struct{}), make(chan struct{})
	r := testRequest(context.Background(), "alpha", http.MethodPost, "/score", nil)
	r.Body = io.NopCloser(&gatedBody{inside: inside, open: open, r: bytes.NewReader(body)})
	r.Header.Set("X-Signature", signature(clientKeys["alpha"], http.MethodPost, "/score", body))
	code := make(chan int, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				t.Errorf("the request inside the service panicked: %v", p)
				code <- -1
			}
		}()
		code <- testServe(svc, r).Code
	}()
	<-inside
	if err := svc.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	close(open)
	if c := <-code; c != http.StatusOK && c != http.StatusServiceUnavailable && c != -1 {
		t.Errorf("the request inside the service got %d, want 200 or 503", c)
	}
	after := testServe(svc, testRequest(context.Background(), "alpha", http.MethodPost, "/score", scoreBody(6)))
	if after.Code != http.StatusServiceUnavailable {
		t.Errorf("a request after Close got %d, want 503", after.Code)
	}
}
