package main

// From the driver (desktop.go, not in your workspace): the desktop
// toolkit's dockOpen, dockBadge(n), dockClose and themeAccent. They are C
// calls; some of them care which OS thread calls them. The driver calls
// Run from main, on the main goroutine.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"sync/atomic"
	"time"
)

// The desktop toolkit wants the main thread.
func init() { runtime.LockOSThread() }

// badgeEvery is how often the dock's badge shows the number of requests
// served.
const badgeEvery = 20 * time.Millisecond

var served atomic.Int64

// Run serves the status API on ln until stop is closed, with the service's
// icon in the dock meanwhile.
func Run(ln net.Listener, stop <-chan struct{}) error {
	if err := dockOpen(); err != nil {
		return err
	}
	srv := &http.Server{Handler: routes()}
	go func() {
		<-stop
		srv.Shutdown(context.Background())
	}()
	// The old UI's event loop: between connections, refresh the dock.
	err := srv.Serve(&dockListener{Listener: ln})
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	if berr := dockBadge(served.Load()); err == nil {
		err = berr
	}
	if cerr := dockClose(); err == nil {
		err = cerr
	}
	return err
}

// dockListener refreshes the dock's badge from the accept loop.
type dockListener struct {
	net.Listener
	last time.Time
}

func (l *dockListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if now := time.Now(); now.Sub(l.last) >= badgeEvery {
		l.last = now
		_ = dockBadge(served.Load()) // a stale badge is not worth a failed request
	}
	return c, err
}

func routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /status", func(w http.ResponseWriter, r *http.Request) {
		n := served.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"served":%d,"accent":%q}`+"\n", n, themeAccent())
	})
	return mux
}
