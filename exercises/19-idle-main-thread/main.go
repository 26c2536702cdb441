// Driver for exercise 19 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect).
//
// main first lets a goroutine of its own take the main thread, which it can
// unless the service locked the main goroutine in init (mainthread.go), then
// calls the service's Run on the main goroutine, as a real main would, with a
// listener on 127.0.0.1. Two callers, each on a connection of its own per
// request (keep-alive off, so every request is also an accept), ask for
// GET /status for the scenario's duration; every answer is checked. Then no
// request comes for idleTime, the service still running. Then the driver
// stops the service and reads the desktop toolkit's counters (desktop.go):
// dock calls refused for running off the main thread, the longest the badge
// went without an update while the load ran and while no request came,
// whether the icon was opened and closed, and theme calls made on the main
// thread while the load ran.
package main

import (
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"pinlab/exercises/harness"
)

const (
	callers   = 2
	loadTime  = 1500 * time.Millisecond
	idleTime  = 300 * time.Millisecond
	readyWait = 2 * time.Second
	wantBody  = `"accent":"#3d7eff"`
)

func main() {
	taken, release := takeMainThread() // mainthread.go
	h := harness.Start("19-idle-main-thread")
	h.Info("main_thread_taken", b2f(taken))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		h.Fail("listen: %v", err)
	}
	url := "http://" + ln.Addr().String() + "/status"
	stop := make(chan struct{})
	returned := make(chan struct{}) // Run returned
	loaded := make(chan func(), 1)  // what the load measured, reported after Run
	go func() {
		defer close(stop)
		loaded <- load(h, url, returned)
	}()
	runErr := Run(ln, stop)
	release()
	close(returned)
	report := <-loaded
	report()
	h.Info("run_failed", b2f(runErr != nil))
	h.Info("dock_refused", float64(dockRefused()))
	h.Info("dock_opened", float64(dockOpened()))
	h.Info("dock_closed", float64(dockClosed()))
	h.Done()
}

// load waits for the service, runs the callers and returns what to report.
// A service that does not come up (or has stopped already) gets the load all
// the same: its failed requests are counted.
func load(h *harness.Session, url string, returned <-chan struct{}) func() {
	clients := make([]*http.Client, callers)
	for i := range clients {
		clients[i] = &http.Client{
			Transport: &http.Transport{DisableKeepAlives: true},
			Timeout:   5 * time.Second,
		}
	}
	for t0 := time.Now(); time.Since(t0) < readyWait && get(clients[0], url) != nil; time.Sleep(time.Millisecond) {
		select {
		case <-returned:
			t0 = time.Time{} // Run has returned: nothing to wait for
		default:
		}
	}
	themeBefore := themeOnMain()
	dockWatchGaps()
	h.Load(harness.Steady(callers, loadTime), func(w int) error {
		return get(clients[w], url)
	})
	gap := dockMaxGap()
	theme := themeOnMain() - themeBefore
	// The traffic pauses: no request at all for idleTime, the service still
	// running. The badge is due every badgeEvery all the same.
	h.Phase("idle")
	dockWatchGaps()
	time.Sleep(idleTime)
	idleGap := dockMaxGap()
	return func() {
		h.Info("badge_gap_ms", float64(gap)/float64(time.Millisecond))
		h.Info("badge_idle_gap_ms", float64(idleGap)/float64(time.Millisecond))
		h.Info("theme_on_main", float64(theme))
	}
}

// get asks for url once, on a new connection, and checks the answer.
func get(c *http.Client, url string) error {
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), wantBody) {
		return errWrong
	}
	return nil
}

var errWrong = &wrongAnswer{}

type wrongAnswer struct{}

func (*wrongAnswer) Error() string { return "GET /status: not 200 with the theme's accent" }

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
