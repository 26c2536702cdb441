// The machine's layout for exercise 11 (pristine, like the driver): which
// CPUs form each socket, and which socket each device hangs off.
//
// On a machine with two or more NUMA nodes the sockets are the first two
// nodes, read from /sys. Everywhere else the layout is simulated, and the
// manifest declares the same one for pinlab's CPU map: socket 0 is CPU 0
// with devices 0 and 1, socket 1 is CPU 1 with devices 2 and 3. Affinity
// is set and checked for real either way; only the grouping is declared.
package main

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// deviceSocket is the socket each device is attached to.
var deviceSocket = []int{0, 0, 1, 1}

// sockets lists the CPUs of each socket; simulated says whether the layout
// is declared rather than read from the machine.
var sockets, simulated = loadSockets()

// socketCPUs returns the CPUs of the socket that dev is attached to.
func socketCPUs(dev int) []int {
	return sockets[deviceSocket[dev%len(deviceSocket)]]
}

func loadSockets() ([][]int, bool) {
	paths, _ := filepath.Glob("/sys/devices/system/node/node*/cpulist")
	type node struct {
		id   int
		cpus []int
	}
	var nodes []node
	for _, p := range paths {
		id, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(filepath.Dir(p)), "node"))
		if err != nil {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if cpus := parseCPUList(string(b)); len(cpus) > 0 {
			nodes = append(nodes, node{id, cpus})
		}
	}
	if len(nodes) >= 2 {
		sort.Slice(nodes, func(i, j int) bool { return nodes[i].id < nodes[j].id })
		return [][]int{nodes[0].cpus, nodes[1].cpus}, false
	}
	return [][]int{{0}, {1}}, true
}

// parseCPUList reads the kernel's cpulist format: "0-3,8,10-11".
func parseCPUList(s string) []int {
	var cpus []int
	for _, part := range strings.Split(strings.TrimSpace(s), ",") {
		if part == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			return nil
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil || b < a {
				return nil
			}
		}
		for c := a; c <= b; c++ {
			cpus = append(cpus, c)
		}
	}
	return cpus
}
