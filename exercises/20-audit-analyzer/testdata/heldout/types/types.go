package types

import (
	web "net/http"
	rt "runtime"
)

type (
	Writer = web.ResponseWriter
	Req    = web.Request
)

// Aliased imports and alias types: still a handler, still runtime's pin.
func export(w Writer, r *Req) {
	rt.LockOSThread() // @pin
	defer rt.UnlockOSThread()
}

type Cache struct{ n int }

func (c *Cache) fill() {
	rt.LockOSThread() // @pin
	defer rt.UnlockOSThread()
	c.n++
}

func (c *Cache) drop() {
	rt.LockOSThread() // @pin
	defer rt.UnlockOSThread()
	c.n = 0
}

// A handler that reaches fill through a method value and drop through a
// method expression.
func (c *Cache) refresh(w web.ResponseWriter, r *web.Request) {
	f := c.fill
	f()
	g := (*Cache).drop
	g(c)
}

// Names that only look like the real ones.
type ResponseWriter struct{}
type Request struct{}

func notAHandler(w ResponseWriter, r *Request) {
	rt.LockOSThread()
	defer rt.UnlockOSThread()
}

type threads struct{}

func (threads) LockOSThread()   {}
func (threads) UnlockOSThread() {}

func notAPin(w web.ResponseWriter, r *web.Request) {
	var runtime threads
	runtime.LockOSThread()
	LockOSThread()
}

func LockOSThread() {}

func Routes(mux *web.ServeMux) {
	c := &Cache{}
	mux.HandleFunc("/export", export)
	mux.HandleFunc("/refresh", c.refresh)
	mux.HandleFunc("/not", notAPin)
	notAHandler(ResponseWriter{}, &Request{})
}
