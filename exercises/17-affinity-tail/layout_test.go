package main

import (
	"testing"
	"time"
)

// TestCriticalFollowsItsCPU: StartCritical confines the loop's thread to
// exactly the CPU it is given and every other thread to rest, whichever CPU
// that is, and no thread is left confined to that CPU once the loop ends.
// It tries every CPU of the process in turn, putting every thread's mask
// back between tries.
func TestCriticalFollowsItsCPU(t *testing.T) {
	full, err := affinity(0)
	if err != nil {
		t.Fatalf("sched_getaffinity: %v", err)
	}
	if len(full.cpus()) < 2 {
		// no layout to test with one CPU; the check cannot pass there
		// anyway: the driver fails the run with the same reason
		t.Skip("needs two CPUs")
	}
	t.Cleanup(func() { resetAffinity(full) })
	for _, cpu := range full.cpus() {
		resetAffinity(full)
		l := newLayout(full, cpu)
		rec := newRecorder()
		probe.Store(rec)
		events := make(chan Event)
		done, err := StartCritical(l.cpu, l.rest, events)
		if err != nil {
			t.Fatalf("CPU %d: StartCritical: %v", cpu, err)
		}
		for i := 0; i < 20; i++ {
			events <- Event{sent: time.Now()}
		}
		crit := int(rec.last.Load())
		if m, err := affinity(crit); err != nil || m != maskOf(cpu) {
			t.Errorf("CPU %d: the loop's thread may run on %v, want exactly [%d]", cpu, m.cpus(), cpu)
		}
		for _, id := range threadIDs() {
			if m, err := affinity(id); id != crit && err == nil && m.has(cpu) {
				t.Errorf("CPU %d: thread %d, not the loop's, may run on %v", cpu, id, m.cpus())
			}
		}
		close(events)
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			t.Fatalf("CPU %d: the loop did not end after its events channel was closed", cpu)
		}
		if n := narrowedTo(cpu, 300*time.Millisecond); n > 0 {
			t.Errorf("CPU %d: %d threads still confined to it after the loop ended", cpu, n)
		}
		rec.mu.Lock()
		if len(rec.tids) != 1 {
			t.Errorf("CPU %d: the events were handled on %d threads, want 1", cpu, len(rec.tids))
		}
		rec.mu.Unlock()
	}
}
