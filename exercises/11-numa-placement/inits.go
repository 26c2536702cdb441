// Was each device's context created on a thread already confined to the
// device's socket (pristine, like the driver)? The device library records
// a context's thread only when Init returns, so the watcher samples, while
// NewPool runs, every thread's affinity mask and every device's context
// thread. Afterwards, the samples of a device's context thread taken while
// its Init was under way (before the library recorded it, well after the
// Init began) say where that thread was allowed to run then.
package main

import (
	"time"
)

// initSample is one look at the process: when, each thread's mask, each
// device's context thread (0: none yet).
type initSample struct {
	at     time.Time
	masks  map[int]cpuMask
	owners []int
}

type initWatch struct {
	done    chan struct{}
	samples chan []initSample
}

// watchInits samples the process every interval until stop.
func watchInits(interval time.Duration) *initWatch {
	w := &initWatch{make(chan struct{}), make(chan []initSample, 1)}
	go func() {
		var out []initSample
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			s := initSample{at: time.Now(), masks: map[int]cpuMask{}}
			for _, task := range tasks() {
				if m, err := threadAffinity(task.tid); err == nil {
					s.masks[task.tid] = m
				}
			}
			for d := range deviceSocket {
				s.owners = append(s.owners, contextOwner(d))
			}
			out = append(out, s)
			select {
			case <-w.done:
				w.samples <- out
				return
			case <-t.C:
			}
		}
	}()
	return w
}

// stop ends the watch and returns what it saw.
func (w *initWatch) stop() initHistory {
	close(w.done)
	return initHistory(<-w.samples)
}

type initHistory []initSample

// confinedDuringInit says whether thread tid, which holds dev's context,
// was confined to cpus while that context was being created: every sample
// of it taken from a fifth of the Init time after the Init began until
// the last sample before the library recorded tid as dev's context thread.
// At least two samples must fall there.
func (h initHistory) confinedDuringInit(dev, tid int, cpus []int, initTime time.Duration) bool {
	end := -1
	for i, s := range h {
		if dev < len(s.owners) && s.owners[dev] == tid {
			end = i
			break
		}
	}
	if end < 0 {
		return false
	}
	from := h[end].at.Add(-initTime * 4 / 5)
	seen := 0
	for _, s := range h[:end] {
		if s.at.Before(from) {
			continue
		}
		m, ok := s.masks[tid]
		if !ok {
			continue
		}
		if !inside(m.cpus(), cpus) {
			return false
		}
		seen++
	}
	return seen >= 2
}
