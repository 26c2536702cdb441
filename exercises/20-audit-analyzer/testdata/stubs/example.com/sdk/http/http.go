// Package http of a vendor's SDK (example.com/sdk/http): the name of net/http
// at another path, with look-alike types for the SDK's event callbacks. A
// function of this package's ResponseWriter and *Request is no net/http
// handler.
package http

type ResponseWriter interface {
	Write([]byte) (int, error)
}

type Request struct {
	Event string
}

func HandleFunc(event string, f func(ResponseWriter, *Request)) {}
