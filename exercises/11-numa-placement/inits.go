// Was each device's context created on a thread already confined to the
// device's socket (pristine, like the driver)? The device library records
// a context's thread when its Init is done, just before Init returns. So
// the watcher samples, while NewPool runs, every thread's affinity mask and
// then every device's context thread. A thread seen confined in a sample
// taken before the library named it was confined while its Init ran: the
// masks are read before the owners, so a mask narrowed after Init returned
// only shows up in samples that already name the thread.
package main

import (
	"os"
	"strconv"
	"strings"
	"time"
)

// initSample is one look at the process: each thread's mask, then each
// device's context thread (0: none yet).
type initSample struct {
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
		tids := map[string]int{} // /proc/self/task entry -> TID as this process sees it
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			s := initSample{masks: map[int]cpuMask{}}
			ents, _ := os.ReadDir("/proc/self/task")
			for _, e := range ents {
				tid, ok := tids[e.Name()]
				if !ok {
					// cached only once read: a status file that could not
					// be read must not fix a wrong number for good
					if tid, ok = namespaceTID(e.Name()); ok {
						tids[e.Name()] = tid
					}
				}
				if m, err := threadAffinity(tid); err == nil {
					s.masks[tid] = m
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

// namespaceTID is the TID of /proc/self/task/NAME as this process sees it
// (the innermost NSpid; see tasks); ok is false when the status file could
// not be read or has no NSpid line, and tid is then NAME's own number.
func namespaceTID(name string) (tid int, ok bool) {
	tid, _ = strconv.Atoi(name)
	b, err := os.ReadFile("/proc/self/task/" + name + "/status")
	if err != nil {
		return tid, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) > 1 && f[0] == "NSpid:" {
			if inner, err := strconv.Atoi(f[len(f)-1]); err == nil {
				return inner, true
			}
		}
	}
	return tid, false
}

// stop ends the watch and returns what it saw.
func (w *initWatch) stop() initHistory {
	close(w.done)
	return initHistory(<-w.samples)
}

type initHistory []initSample

// confinedDuringInit says whether thread tid, which holds dev's context,
// was seen confined to cpus before the device library named it dev's
// context thread.
func (h initHistory) confinedDuringInit(dev, tid int, cpus []int) bool {
	for _, s := range h {
		if dev < len(s.owners) && s.owners[dev] == tid {
			return false
		}
		if m, ok := s.masks[tid]; ok && inside(m.cpus(), cpus) {
			return true
		}
	}
	return false
}
