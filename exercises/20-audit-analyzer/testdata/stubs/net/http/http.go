// Package http: the part of net/http the held-out corpus uses, type-checked
// under its real import path.
package http

type Header map[string][]string

type ResponseWriter interface {
	Header() Header
	Write([]byte) (int, error)
	WriteHeader(statusCode int)
}

type Request struct {
	Method string
	Path   string
}

type Handler interface {
	ServeHTTP(ResponseWriter, *Request)
}

type HandlerFunc func(ResponseWriter, *Request)

func (f HandlerFunc) ServeHTTP(w ResponseWriter, r *Request) { f(w, r) }

type ServeMux struct{}

func NewServeMux() *ServeMux                                                    { return &ServeMux{} }
func (m *ServeMux) Handle(pattern string, h Handler)                            {}
func (m *ServeMux) HandleFunc(pattern string, f func(ResponseWriter, *Request)) {}
func (m *ServeMux) ServeHTTP(w ResponseWriter, r *Request)                      {}

func Handle(pattern string, h Handler)                            {}
func HandleFunc(pattern string, f func(ResponseWriter, *Request)) {}
func Error(w ResponseWriter, msg string, code int)                {}
func ListenAndServe(addr string, h Handler) error                 { return nil }

const (
	StatusOK                  = 200
	StatusInternalServerError = 500
)
