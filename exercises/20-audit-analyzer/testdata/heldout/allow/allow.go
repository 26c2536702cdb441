package allow

import (
	"net/http"
	"runtime"
)

func frame(w http.ResponseWriter, r *http.Request) {
	runtime.LockOSThread() // lockosthread:allow the GL context of the preview is per thread
	defer runtime.UnlockOSThread()
}

func thumb(w http.ResponseWriter, r *http.Request) {
	runtime.LockOSThread() // lockosthread:allow // @pin @reason
	defer runtime.UnlockOSThread()
}

func scale(w http.ResponseWriter, r *http.Request) {
	// lockosthread:allow the allowance is for the next line only when it is on it
	runtime.LockOSThread() // @pin
	defer runtime.UnlockOSThread()
}

// Another word than the directive: no allowance, and no directive to report.
func crop(w http.ResponseWriter, r *http.Request) {
	runtime.LockOSThread() // lockosthread:allowed by the imaging team // @pin
	defer runtime.UnlockOSThread()
}

// A pool worker locked for good, on purpose, with its reason.
func gpuWorker(jobs chan func()) {
	runtime.LockOSThread() // lockosthread:allow owns device 0's context until the process ends
	for j := range jobs {
		j()
	}
}

// Nothing to allow here, and still no reason given.
func idle() {
	runtime.LockOSThread() // lockosthread:allow // @reason
	defer runtime.UnlockOSThread()
}

func Routes(mux *http.ServeMux) {
	mux.HandleFunc("/frame", frame)
	mux.HandleFunc("/thumb", thumb)
	mux.HandleFunc("/scale", scale)
	mux.HandleFunc("/crop", crop)
	go gpuWorker(make(chan func()))
	idle()
}
