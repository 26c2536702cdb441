// Driver for exercise 13 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect).
//
// Sixty-four clients call the service in-process (ServeHTTP, as a server's
// connection goroutines would) for the scenario's duration: each call is a
// signed POST /score, and one in eight reads its result back with GET
// /result. Every answer is checked: the value against the device that gave
// it, the checksum against the body sent, the stored record against the
// reply. Then, with every device busy, requests queue behind the workers
// and some of their clients go while they wait (queued.go): the device
// counters say how many kernels those cost. Right after Close returns, the
// device library says how many contexts were created, how many are still
// open, and how many calls came from a thread without the context. pinlab
// counts the OS threads.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"time"

	"pinlab/exercises/13-audit-pins/codec"
	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

const (
	clients   = 64
	readEvery = 8 // one call in readEvery also reads its result back
	// From Close on, a device Shutdown takes a tenth of this: 30 ms, so
	// that a Close that returns before its workers are done is seen.
	closeInitTime = 300 * time.Millisecond
)

func main() {
	h := harness.Start("13-audit-pins")
	before := device.Total()
	svc, err := NewService()
	if err != nil {
		h.Fail("NewService: %v", err)
	}
	ndev := device.Count()
	next := make([]int64, clients) // each client touches only its own slot
	h.Load(harness.Steady(clients, time.Second), func(w int) error {
		next[w]++
		input := int64(w)<<24 | next[w]
		got, err := driveScore(svc, "alpha", input)
		if err != nil {
			return err
		}
		if got.Device < 0 || got.Device >= ndev || got.Value != device.Expected(got.Device, input) || got.Input != input {
			return h.WrongAnswer(fmt.Sprintf("score %d: device %d, value %d", input, got.Device, got.Value))
		}
		if next[w]%readEvery == 0 {
			back, err := driveResult(svc, "alpha", got.ID)
			if err != nil {
				return err
			}
			if back != got {
				return h.WrongAnswer(fmt.Sprintf("result %q: %+v, scored %+v", got.ID, back, got))
			}
		}
		return nil
	})
	q := queuedCancels(h, svc, ndev)
	device.SetInitTime(closeInitTime)
	if err := svc.Close(); err != nil {
		h.Fail("Close: %v", err)
	}
	q.report(h)
	device.ReportSince(h, before)
	h.Done()
}

// driveScore sends a signed POST /score for input and decodes the reply.
func driveScore(svc http.Handler, client string, input int64) (scoreReply, error) {
	return driveScoreCtx(context.Background(), svc, client, input)
}

// driveScoreCtx is driveScore for a client whose request carries ctx.
func driveScoreCtx(ctx context.Context, svc http.Handler, client string, input int64) (scoreReply, error) {
	body := []byte(`{"input":` + strconv.FormatInt(input, 10) + `}`)
	var got scoreReply
	if err := driveCallCtx(ctx, svc, client, http.MethodPost, "/score", body, &got); err != nil {
		return got, err
	}
	if want := codec.Sum(body); got.Sum != want {
		return got, fmt.Errorf("score %d: checksum %08x, want %08x", input, got.Sum, want)
	}
	return got, nil
}

// driveResult reads a stored result back.
func driveResult(svc http.Handler, client, id string) (scoreReply, error) {
	var got scoreReply
	err := driveCall(svc, client, http.MethodGet, "/result?id="+id, nil, &got)
	return got, err
}

func driveCall(svc http.Handler, client, method, uri string, body []byte, out any) error {
	return driveCallCtx(context.Background(), svc, client, method, uri, body, out)
}

func driveCallCtx(ctx context.Context, svc http.Handler, client, method, uri string, body []byte, out any) error {
	req := httptest.NewRequestWithContext(ctx, method, uri, bytes.NewReader(body))
	req.Header.Set("X-Client", client)
	req.Header.Set("X-Signature", signature(clientKeys[client], method, uri, body))
	rec := httptest.NewRecorder()
	svc.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return fmt.Errorf("%s %s: %d %s", method, uri, rec.Code, bytes.TrimSpace(rec.Body.Bytes()))
	}
	return json.Unmarshal(rec.Body.Bytes(), out)
}
