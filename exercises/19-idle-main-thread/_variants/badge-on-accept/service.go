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

// The dock calls (and only they: themeAccent works from any thread) must run
// on the process's first thread. Locking the main goroutine during init
// keeps it there; the goroutine then does nothing but drive the dock.
func init() { runtime.LockOSThread() }

// badgeEvery is how often the dock's badge shows the number of requests
// served.
const badgeEvery = 20 * time.Millisecond

var served atomic.Int64

// Run serves the status API on ln until stop is closed, with the service's
// icon in the dock meanwhile. The server runs on goroutines of its own, on
// any thread; the main goroutine, locked to the main thread, keeps the dock.
func Run(ln net.Listener, stop <-chan struct{}) error {
	if err := dockOpen(); err != nil {
		return err
	}
	srv := &http.Server{Handler: routes()}
	serveErr := make(chan error, 1)
	onMain := make(chan func(), 1)
	go func() { serveErr <- srv.Serve(&dockListener{Listener: ln, onMain: onMain}) }()

	var err error
	running := true
	for running {
		select {
		case f := <-onMain:
			f()
		case <-stop:
			err = srv.Shutdown(context.Background())
			if serr := <-serveErr; !errors.Is(serr, http.ErrServerClosed) && err == nil {
				err = serr
			}
			running = false
		case err = <-serveErr:
			running = false
		}
	}
	if berr := dockBadge(served.Load()); err == nil {
		err = berr
	}
	if cerr := dockClose(); err == nil {
		err = cerr
	}
	return err
}

// dockListener is the old event loop's refresh, kept in the accept loop, but
// the dock call itself is handed to the main goroutine.
type dockListener struct {
	net.Listener
	onMain chan<- func()
	last   time.Time
}

func (l *dockListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if now := time.Now(); now.Sub(l.last) >= badgeEvery {
		l.last = now
		select {
		case l.onMain <- func() { _ = dockBadge(served.Load()) }:
		default: // one is pending already
		}
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
