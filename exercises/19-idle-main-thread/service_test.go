package main

// The service's integration tests, run by pinlab under the race detector.
// TestMain plays main: it runs the service with Run on the main goroutine
// (after a goroutine of its own has taken the main thread, if the service's
// init did not lock it: see mainthread.go) and the tests against it on
// 127.0.0.1; when they are done and no request has come for 250 ms, it stops
// the service, which must then return, having kept the dock on the main
// thread and its badge fresh while no request came.
// Run them yourself with
//
//	go test -race -v ./19-idle-main-thread
//
// in exercises/.

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

var (
	base          string       // http://127.0.0.1:PORT
	probeRefusals atomic.Int64 // refusals TestWhichCallsNeedTheMainThread caused on purpose
)

func TestMain(m *testing.M) {
	// As the driver does (mainthread.go): unless the service locked the main
	// goroutine in init, a goroutine of ours now holds the main thread.
	_, release := takeMainThread()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	base = "http://" + ln.Addr().String()
	stop := make(chan struct{})
	code := make(chan int, 1)
	var idleGap time.Duration
	go func() {
		defer close(stop)
		code <- m.Run()
		// No request for a while, the service still running: the badge
		// is due every badgeEvery all the same.
		dockWatchGaps()
		time.Sleep(250 * time.Millisecond)
		idleGap = dockMaxGap()
	}()
	go func() { // a Run that never returns would hold the binary until go test's timeout
		<-stop
		time.Sleep(2 * time.Second)
		fmt.Fprintln(os.Stderr, "FAIL (after the tests): Run did not return within 2 s of stop")
		os.Exit(1)
	}()
	runErr := Run(ln, stop)
	release()
	rc := <-code
	for _, bad := range []struct {
		failed bool
		why    string
	}{
		{runErr != nil, fmt.Sprintf("Run: %v", runErr)},
		{dockRefused() > probeRefusals.Load(), fmt.Sprintf("%d dock calls refused: they ran off the main thread", dockRefused()-probeRefusals.Load())},
		{dockOpened() != 1 || dockClosed() != 1, fmt.Sprintf("the icon was opened %d and closed %d times, want once each", dockOpened(), dockClosed())},
		{dockBadges() < 2, fmt.Sprintf("the badge was updated %d times", dockBadges())},
		{idleGap > 100*time.Millisecond, fmt.Sprintf("the badge went %v without an update while no request came", idleGap.Round(time.Millisecond))},
	} {
		if bad.failed {
			fmt.Fprintln(os.Stderr, "FAIL (after the tests):", bad.why)
			rc = 1
		}
	}
	os.Exit(rc)
}

// fetch asks for path on a new connection.
func fetch(t *testing.T, method, path string) (int, string) {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 2 * time.Second}
	req, _ := http.NewRequest(method, base+path, nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestStatus(t *testing.T) {
	code, body := fetch(t, "GET", "/status")
	if code != http.StatusOK || !strings.Contains(body, `"accent":"#3d7eff"`) || !strings.Contains(body, `"served":`) {
		t.Errorf("GET /status: %d %q", code, body)
	}
}

func TestRoutes(t *testing.T) {
	if code, _ := fetch(t, "POST", "/status"); code != http.StatusMethodNotAllowed {
		t.Errorf("POST /status: %d, want 405", code)
	}
	if code, _ := fetch(t, "GET", "/nothing"); code != http.StatusNotFound {
		t.Errorf("GET /nothing: %d, want 404", code)
	}
}

func TestManyNewConnections(t *testing.T) {
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				if code, body := fetch(t, "GET", "/status"); code != http.StatusOK {
					t.Errorf("GET /status: %d %q", code, body)
				}
			}
		}()
	}
	wg.Wait()
}

// TestWhichCallsNeedTheMainThread calls each toolkit function from a
// goroutine locked to a thread that is not the main one, and says which
// refuse. Run it with -v to see.
func TestWhichCallsNeedTheMainThread(t *testing.T) {
	type probe struct {
		name string
		call func() error
	}
	probes := []probe{
		{"themeAccent", func() error { themeAccent(); return nil }},
		{"dockBadge", func() error { return dockBadge(0) }},
	}
	refusedBefore := dockRefused()
	for _, p := range probes {
		errc := make(chan error, 1)
		go func() {
			runtime.LockOSThread() // never unlocked: this thread ends with the goroutine
			if syscall.Gettid() == os.Getpid() {
				errc <- fmt.Errorf("on the main thread, cannot tell")
				return
			}
			errc <- p.call()
		}()
		t.Logf("%-12s from another thread: %v", p.name, orOK(<-errc))
	}
	probeRefusals.Add(dockRefused() - refusedBefore)
	if dockRefused()-refusedBefore != 1 {
		t.Errorf("the toolkit refused %d calls off the main thread, want 1 (dockBadge)", dockRefused()-refusedBefore)
	}
}

func orOK(err error) string {
	if err != nil {
		return err.Error()
	}
	return "ok"
}
