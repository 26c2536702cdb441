package main

// Where a batch's time goes. Run without -race, in exercises/:
//
//	go test -run '^$' -bench . -cpu 2 -count 5 ./09-pin-the-device-step
//
// Stages and DeviceCall are the parts; HandOff is the round trip to a
// worker that does nothing; Pipeline pushes batches from four goroutines on
// two Ps, as the driver does, through both shapes of the pipeline and
// through yours (ns/op is per batch: 1e9/(ns/op) batches per second).

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"pinlab/exercises/device"
)

var sink int64

func benchBatch() []int64 {
	b := make([]int64, batchSize)
	for i := range b {
		b[i] = int64(i)
	}
	return b
}

func BenchmarkStages(b *testing.B) {
	batch := benchBatch()
	b.Run("analyse", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			sink += analyse(batch)
		}
	})
	b.Run("postprocess", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			sink += postprocess(int64(i), batch)
		}
	})
}

// BenchmarkDeviceCall is one device.Compute of deviceWork on a thread that
// holds the context: what the device thread spends per batch at best.
func BenchmarkDeviceCall(b *testing.B) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := device.Init(0); err != nil {
		b.Fatal(err)
	}
	defer device.Shutdown(0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		v, err := device.Compute(0, deviceWork, int64(i))
		if err != nil {
			b.Fatal(err)
		}
		sink += v
	}
}

// BenchmarkHandOff is a round trip to a worker that does no work: a job on
// one channel, the answer on another, the caller waiting for it. "pinned"
// locks the worker to its thread, as the device worker is.
func BenchmarkHandOff(b *testing.B) {
	for _, pin := range []bool{false, true} {
		name := "unpinned"
		if pin {
			name = "pinned"
		}
		b.Run(name, func(b *testing.B) {
			jobs, replies := make(chan int64), make(chan int64, 1)
			go func() {
				if pin {
					runtime.LockOSThread()
					defer runtime.UnlockOSThread()
				}
				for j := range jobs {
					replies <- j
				}
			}()
			for i := 0; i < b.N; i++ {
				jobs <- int64(i)
				sink += <-replies
			}
			close(jobs)
		})
	}
}

// refJob is a batch for the reference worker: the whole batch when every
// stage runs there, analyse's result when only the device call does.
type refJob struct {
	batch []int64
	setup int64
	reply chan int64
}

// refWorker is a pinned worker that owns device 0, like the exercise's;
// whole says whether it runs every stage or only the device call. It keeps
// the time it spent in device calls and in the stages.
type refWorker struct {
	jobs           chan refJob
	done           chan struct{}
	device, stages time.Duration // written by the worker, read after done
	n              int
}

func startRef(b *testing.B, whole bool) *refWorker {
	w := &refWorker{jobs: make(chan refJob), done: make(chan struct{})}
	ready := make(chan error)
	go func() {
		defer close(w.done)
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := device.Init(0); err != nil {
			ready <- err
			return
		}
		defer device.Shutdown(0)
		ready <- nil
		for j := range w.jobs {
			t0 := time.Now()
			setup := j.setup
			if whole {
				setup = analyse(j.batch)
			}
			t1 := time.Now()
			out, err := device.Compute(0, deviceWork, setup)
			if err != nil {
				panic(err)
			}
			t2 := time.Now()
			if whole {
				out = postprocess(out, j.batch)
			}
			w.device += t2.Sub(t1)
			w.stages += t1.Sub(t0) + time.Since(t2)
			w.n++
			j.reply <- out
		}
	}()
	if err := <-ready; err != nil {
		b.Fatal(err)
	}
	return w
}

// stop ends the worker and reports, per batch, where its time went:
// device calls, stages, and the rest (hand-offs and waiting for work or for
// a CPU).
func (w *refWorker) stop(b *testing.B, elapsed time.Duration) {
	close(w.jobs)
	<-w.done
	if w.n == 0 {
		return
	}
	per := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(w.n) }
	b.ReportMetric(per(w.device), "device-µs")
	b.ReportMetric(per(w.stages), "stages-µs")
	b.ReportMetric(per(elapsed-w.device-w.stages), "rest-µs")
}

// fourCallers runs process from four goroutines (on two Ps: run with
// -cpu 2, as the driver does) and returns how long they took.
func fourCallers(b *testing.B, process func(batch []int64) int64) time.Duration {
	b.SetParallelism(max(1, 4/runtime.GOMAXPROCS(0)))
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		batch := benchBatch()
		var acc int64
		for pb.Next() {
			acc += process(batch)
		}
		atomic.AddInt64(&sink, acc)
	})
	return time.Since(start)
}

func BenchmarkPipeline(b *testing.B) {
	b.Run("all-on-worker", func(b *testing.B) {
		w := startRef(b, true)
		w.stop(b, fourCallers(b, func(batch []int64) int64 {
			reply := make(chan int64, 1)
			w.jobs <- refJob{batch: batch, reply: reply}
			return <-reply
		}))
	})
	b.Run("device-only-on-worker", func(b *testing.B) {
		w := startRef(b, false)
		w.stop(b, fourCallers(b, func(batch []int64) int64 {
			reply := make(chan int64, 1)
			w.jobs <- refJob{setup: analyse(batch), reply: reply}
			return postprocess(<-reply, batch)
		}))
	})
	b.Run("yours", func(b *testing.B) {
		p, err := NewPipeline()
		if err != nil {
			b.Fatal(err)
		}
		defer p.Close()
		fourCallers(b, func(batch []int64) int64 {
			v, err := p.Process(batch)
			if err != nil {
				panic(err)
			}
			return v
		})
	})
}
