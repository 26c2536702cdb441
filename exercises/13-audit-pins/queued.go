// The driver's queued-cancel phase (pristine, like main.go): clients that go
// while their requests wait behind busy devices.
//
// One request per device (the blockers) starts a kernel; once every one of
// them has started (or failed, where its call fails), eight more requests arrive and wait behind them, then
// four more that will stay. The eight clients go (their contexts are
// cancelled) while every device is still busy with a blocker, 20 ms a
// kernel. Everything is then answered and Close drains what is left.
//
// A kernel that starts after the cancel can only be a cancelled request's or
// a staying one's: every blocker had started, or failed, before the first
// of the eight arrived. So the kernels the cancelled requests cost after their clients
// had gone are the kernels started from the cancel on, less the staying
// requests'. That holds whatever the order the service serves its queue in,
// and however late the cancel comes (a request whose kernel had begun before
// its client went is not counted).
//
// The service may look at a request's context when it arrives: the driver
// waits until each of the eight has been looked at (or 10 ms), so that the
// clients go after that first look, while the requests wait.
package main

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

const (
	queuedCancelled = 8 // requests whose clients go while they wait
	queuedStaying   = 4 // requests that arrive behind them and stay
	lookWait        = 10 * time.Millisecond
)

// queued is what the phase saw; report sends it once Close has drained the
// service, so that a kernel run late, for a job left in a queue, counts.
type queued struct {
	before   device.Stats // the counters when the phase began
	atCancel uint64       // kernels started in the phase, read right after the cancel
	unserved int64        // blockers and staying requests not answered 200
}

// watchedCtx is a request's context that says when the service first looks
// at it (Err or Done).
type watchedCtx struct {
	context.Context
	once   sync.Once
	looked chan struct{}
}

func (c *watchedCtx) Done() <-chan struct{} {
	d := c.Context.Done()
	c.once.Do(func() { close(c.looked) })
	return d
}

func (c *watchedCtx) Err() error {
	err := c.Context.Err() // what the service sees, before the driver hears of the look
	c.once.Do(func() { close(c.looked) })
	return err
}

// started counts the kernels begun since before, never fewer than were: a
// kernel that ends between the two reads is counted twice.
func started(ndev int, before device.Stats) uint64 {
	var n uint64
	for d := 0; d < ndev; d++ {
		n += device.Read(d).InFlight
	}
	for d := 0; d < ndev; d++ {
		n += device.Read(d).Calls
	}
	return n - before.Calls
}

func inFlight(ndev int) (n uint64) {
	for d := 0; d < ndev; d++ {
		n += device.Read(d).InFlight
	}
	return n
}

// waitFor polls cond every 100 µs until it holds or limit passes.
func waitFor(limit time.Duration, cond func() bool) bool {
	end := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(end) {
			return false
		}
		time.Sleep(100 * time.Microsecond)
	}
	return true
}

func queuedCancels(h *harness.Session, svc http.Handler, ndev int) *queued {
	h.Phase("queued-cancel")
	if !waitFor(5*time.Second, func() bool { return inFlight(ndev) == 0 }) {
		h.Fail("queued-cancel: a kernel still runs 5 s after the load ended")
	}
	q := &queued{before: device.Total()}
	var wg sync.WaitGroup
	var wrong atomic.Pointer[string]
	var unserved, failed atomic.Int64
	stay := func(input int64) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := driveScoreCtx(context.Background(), svc, "beta", input)
			switch {
			case err != nil:
				unserved.Add(1)
				failed.Add(1)
			case got.Device < 0 || got.Device >= ndev || got.Value != device.Expected(got.Device, input) || got.Input != input:
				w := fmt.Sprintf("queued score %d: device %d, value %d", input, got.Device, got.Value)
				wrong.CompareAndSwap(nil, &w)
			}
		}()
	}
	// The blockers: one kernel per device, all begun (or failed: a call
	// that failed may begin none) before anything queues.
	for i := 0; i < ndev; i++ {
		stay(1<<32 + int64(i))
	}
	if !waitFor(5*time.Second, func() bool { return started(ndev, q.before)+uint64(failed.Load()) >= uint64(ndev) }) {
		h.Fail("queued-cancel: %d requests sent at once neither began a kernel nor failed within 5 s", ndev)
	}
	// The cancelled: they arrive behind the blockers; their clients go once
	// the service has looked at each of their contexts (or lookWait).
	cancels := make([]context.CancelFunc, queuedCancelled)
	looks := make([]chan struct{}, queuedCancelled)
	for i := range cancels {
		ctx, cancel := context.WithCancel(context.Background())
		wc := &watchedCtx{Context: ctx, looked: make(chan struct{})}
		cancels[i], looks[i] = cancel, wc.looked
		input := 2<<32 + int64(i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Any answer will do (503, or 200 where the kernel had begun):
			// what the driver judges is the device time.
			_, _ = driveScoreCtx(wc, svc, "alpha", input)
		}()
	}
	deadline := time.After(lookWait)
wait:
	for _, l := range looks {
		select {
		case <-l:
		case <-deadline:
			break wait
		}
	}
	// The staying requests arrive behind the cancelled ones.
	for i := 0; i < queuedStaying; i++ {
		stay(3<<32 + int64(i))
	}
	for _, cancel := range cancels {
		cancel()
	}
	q.atCancel = started(ndev, q.before)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		h.Fail("queued-cancel: requests still unanswered 10 s after their clients went")
	}
	if w := wrong.Load(); w != nil {
		h.Fail("%s", *w)
	}
	q.unserved = unserved.Load()
	// A job left in a queue may still run: wait until no kernel has started
	// for three kernels' time (Close drains the rest before report).
	last, quiet := started(ndev, q.before), time.Now()
	waitFor(2*time.Second, func() bool {
		if n := started(ndev, q.before); n != last {
			last, quiet = n, time.Now()
		}
		return inFlight(ndev) == 0 && time.Since(quiet) > 3*kernel
	})
	h.Phase("teardown")
	return q
}

// report sends what the phase cost: the kernels begun after the clients had
// gone, less the staying requests' (never below zero), and the blockers and
// staying requests left unanswered.
func (q *queued) report(h *harness.Session) {
	after := device.Total().Calls - q.before.Calls
	cost := int64(after) - int64(q.atCancel) - queuedStaying
	h.Info("queued_cancel_kernels", float64(max(cost, 0)))
	h.Info("queued_unserved", float64(q.unserved))
}
