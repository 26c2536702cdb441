package main

// From the exercise (not in your workspace): Event, Handle(e Event) and
// threadIDs() in scenario.go and kernel.go. harness.Pinned(role) and
// harness.Unpinned() (package pinlab/exercises/harness) mark a locked
// thread on pinlab's CPU map. golang.org/x/sys/unix is in go.mod.

// StartCritical starts the latency-critical loop: one goroutine that passes
// every event from events to Handle as soon as it arrives. The host keeps
// CPU cpu for this loop; rest are the CPUs for the rest of the process.
// StartCritical returns once the loop is ready; the channel it returns is
// closed when events has been closed and the loop has ended.
func StartCritical(cpu int, rest []int, events <-chan Event) (<-chan struct{}, error) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for e := range events {
			Handle(e)
		}
	}()
	return done, nil
}
