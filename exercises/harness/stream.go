package harness

import (
	"bytes"
	"encoding/json"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
)

// stream writes JSON lines to pinlab over an inherited pipe. Frames are
// queued on a small buffered channel and written by one goroutine; when the
// reader is slow the frame is dropped and counted, so the workload never
// waits on pinlab.
type stream struct {
	out     *os.File
	queue   chan []byte
	done    chan struct{}
	dropped atomic.Int64

	mu     sync.Mutex // guards buf, enc and closed, shared by every sender
	buf    bytes.Buffer
	enc    *json.Encoder
	closed bool // after close, frames are dropped: a straggler must not crash the run
}

// openStream uses the file descriptor named by PINLAB_STREAM_FD. Without it
// (a driver run by hand) frames go to stderr when PINLAB_STREAM=stderr, and
// nowhere otherwise.
func openStream() *stream {
	s := &stream{queue: make(chan []byte, 32), done: make(chan struct{})}
	s.enc = newEncoder(&s.buf)
	if fd, err := strconv.Atoi(os.Getenv("PINLAB_STREAM_FD")); err == nil && fd > 2 {
		// Non-blocking, so the runtime's poller waits on a full pipe instead
		// of parking a whole OS thread in write(2).
		_ = syscall.SetNonblock(fd, true)
		s.out = os.NewFile(uintptr(fd), "pinlab-stream")
	} else if os.Getenv("PINLAB_STREAM") == "stderr" {
		s.out = os.Stderr
	}
	go s.writeLoop()
	return s
}

func (s *stream) writeLoop() {
	defer close(s.done)
	for line := range s.queue {
		if s.out == nil {
			continue
		}
		if _, err := s.out.Write(line); err != nil {
			s.out = nil // the reader went away; keep draining so senders never block
		}
	}
}

func newEncoder(buf *bytes.Buffer) *json.Encoder {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	return enc
}

// line encodes one frame as a JSON line of its own (the only allocation a
// frame costs, besides what its MarshalJSON methods make).
func (s *stream) line(frame any) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf.Reset()
	if err := s.enc.Encode(frame); err != nil {
		return nil
	}
	return bytes.Clone(s.buf.Bytes())
}

// send queues one frame, or drops it when the queue is full.
func (s *stream) send(frame any) { s.put(frame, false) }

// sendWait queues a frame that must not be lost (hello, result), waiting for
// room in the queue.
func (s *stream) sendWait(frame any) { s.put(frame, true) }

// put queues under the lock that close takes, so nothing is sent on a
// closed queue (a goroutine reporting after the driver's Done is ignored).
func (s *stream) put(frame any, wait bool) {
	line := s.line(frame)
	if line == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	if wait {
		s.queue <- line // the writer drains without taking the lock
		return
	}
	select {
	case s.queue <- line:
	default:
		s.dropped.Add(1)
	}
}

// close flushes what is queued and closes the stream.
func (s *stream) close() {
	s.mu.Lock()
	s.closed = true
	close(s.queue)
	s.mu.Unlock()
	<-s.done
	if s.out != nil && s.out != os.Stderr {
		_ = s.out.Close()
	}
}
