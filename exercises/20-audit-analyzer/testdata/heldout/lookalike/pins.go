package lookalike

import (
	"net/http"
	goruntime "runtime"

	sdk "example.com/sdk/runtime"
)

// Reached only from the SDK's callback onEvent, which no net/http request
// runs, and unlocked on the way out.
func flushEvents() {
	goruntime.LockOSThread()
	defer goruntime.UnlockOSThread()
}

// The SDK's unlock does not undo the Go runtime's pin.
func bind() {
	goruntime.LockOSThread() // @pin
	defer sdk.UnlockOSThread()
}

// A net/http handler: the Go runtime's pin is one, the SDK's lock is not.
func health(w http.ResponseWriter, r *http.Request) {
	goruntime.LockOSThread() // @pin
	defer goruntime.UnlockOSThread()
}

func metrics(w http.ResponseWriter, r *http.Request) {
	sdk.LockOSThread()
	defer sdk.UnlockOSThread()
}

func Routes(mux *http.ServeMux) {
	mux.HandleFunc("/health", health)
	mux.HandleFunc("/metrics", metrics)
	bind()
}
