package main

import (
	"testing"
)

// TestWorkersFollowTheLayout: the pool confines each worker to the CPUs
// socketCPUs gives for its device, whatever the layout. The test swaps the
// two sockets' CPUs (still CPUs this machine has) and checks, from the
// kernel, the mask of the thread that holds each device's context.
func TestWorkersFollowTheLayout(t *testing.T) {
	saved := sockets
	t.Cleanup(func() { sockets = saved })
	sockets = [][]int{saved[1], saved[0]}

	pool, err := NewPool()
	if err != nil {
		t.Fatalf("NewPool: %v", err)
	}
	defer pool.Close()
	for d := range deviceSocket {
		want := socketCPUs(d)
		tid := contextOwner(d)
		if tid == 0 {
			t.Fatalf("device %d has no context after NewPool", d)
		}
		m, err := threadAffinity(tid)
		if err != nil {
			t.Fatalf("device %d: sched_getaffinity(%d): %v", d, tid, err)
		}
		if got := m.cpus(); !inside(got, want) {
			t.Errorf("device %d (socket %d): its context thread may run on CPUs %v, want only %v",
				d, deviceSocket[d], got, want)
		}
	}
}
