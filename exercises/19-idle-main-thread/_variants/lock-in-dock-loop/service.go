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

// badgeEvery is how often the dock's badge shows the number of requests
// served.
const badgeEvery = 20 * time.Millisecond

var served atomic.Int64

// Run serves the status API on ln until stop is closed, with the service's
// icon in the dock meanwhile. The server runs on goroutines of its own, on
// any thread; the main goroutine keeps the dock.
func Run(ln net.Listener, stop <-chan struct{}) error {
	srv := &http.Server{Handler: routes()}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	return keepDock(srv, serveErr, stop)
}

// keepDock drives the dock until stop. The dock wants the main thread, and
// Run runs on the main goroutine: pin it here, for as long as the dock is up.
func keepDock(srv *http.Server, serveErr chan error, stop <-chan struct{}) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := dockOpen(); err != nil {
		srv.Close()
		return err
	}
	tick := time.NewTicker(badgeEvery)
	defer tick.Stop()
	var err error
	running := true
	for running {
		select {
		case <-tick.C:
			_ = dockBadge(served.Load())
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

func routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /status", func(w http.ResponseWriter, r *http.Request) {
		n := served.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"served":%d,"accent":%q}`+"\n", n, themeAccent())
	})
	return mux
}
