package main

// ops carries every request to the goroutine that owns the count: nil for
// an increment, a reply channel for a read. One unbuffered channel keeps
// them in order: a Count sent after an Increment returned sees it.
var ops = make(chan chan int64)

func init() {
	go func() {
		var n int64
		for op := range ops {
			if op == nil {
				n++
			} else {
				op <- n
			}
		}
	}()
}

// Increment adds one to the counter.
func Increment() {
	ops <- nil
}

// Count returns the counter's value.
func Count() int64 {
	reply := make(chan int64)
	ops <- reply
	return <-reply
}
