package lookalike

// The SDK's packages runtime and http, imported under their own names: the
// same spelling as the standard library's, other import paths.
import (
	goruntime "runtime"

	"example.com/sdk/http"
	"example.com/sdk/runtime"
)

// An SDK callback, not a net/http handler: the SDK's lock, not a pin.
func onEvent(w http.ResponseWriter, r *http.Request) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	flushEvents()
}

// An SDK callback that does pin, and unlocks on the way out: no net/http
// request runs it.
func onAck(w http.ResponseWriter, r *http.Request) {
	goruntime.LockOSThread()
	defer goruntime.UnlockOSThread()
}

// The SDK's lock, taken for good: still no pin.
func attach() {
	runtime.LockOSThread()
}

func Register() {
	http.HandleFunc("event", onEvent)
	http.HandleFunc("ack", onAck)
	attach()
}
