package dot

import (
	"net/http"
	. "runtime"
)

func stats(w http.ResponseWriter, r *http.Request) {
	Gosched()
	NumCPU()
	helperDot()
}

func helperDot() {
	LockOSThread() // @pin
	defer UnlockOSThread()
}

func Routes(mux *http.ServeMux) {
	mux.HandleFunc("/stats", stats)
}
