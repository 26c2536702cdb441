package harness

import (
	"encoding/json"
	"os"
	"strconv"
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
}

// openStream uses the file descriptor named by PINLAB_STREAM_FD. Without it
// (a driver run by hand) frames go to stderr when PINLAB_STREAM=stderr, and
// nowhere otherwise.
func openStream() *stream {
	s := &stream{queue: make(chan []byte, 32), done: make(chan struct{})}
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

// send queues one frame, or drops it when the queue is full.
func (s *stream) send(frame any) {
	line, err := json.Marshal(frame)
	if err != nil {
		return
	}
	line = append(line, '\n')
	select {
	case s.queue <- line:
	default:
		s.dropped.Add(1)
	}
}

// sendWait queues a frame that must not be lost (hello, result), waiting for
// room in the queue.
func (s *stream) sendWait(frame any) {
	line, err := json.Marshal(frame)
	if err != nil {
		return
	}
	s.queue <- append(line, '\n')
}

// close flushes what is queued and closes the stream.
func (s *stream) close() {
	close(s.queue)
	<-s.done
	if s.out != nil && s.out != os.Stderr {
		_ = s.out.Close()
	}
}
