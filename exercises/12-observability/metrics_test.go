package main

import (
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"pinlab/exercises/device"
	"pinlab/exercises/harness"
)

// childEnv, when set, makes the test binary a child that serves one pool's
// metrics and checks them (see metricsChild); its value is how many idle C
// threads to start first. A child process per pool: the device count is
// fixed when a process first uses the devices, and a pool may register its
// metrics once per process (the default registry, say).
const childEnv = "PINLAB_METRICS_CHILD_THREADS"

func TestMain(m *testing.M) {
	if v := os.Getenv(childEnv); v != "" {
		os.Exit(metricsChild(v))
	}
	os.Exit(m.Run())
}

// TestMetricsFollowThePool: in processes with other pool sizes than the
// driver's (3 and 2 devices) and other thread counts (idle C threads), the
// metrics read what the kernel and the pool say, not numbers that happen
// to match one run.
func TestMetricsFollowThePool(t *testing.T) {
	for _, c := range []struct{ devices, cThreads int }{{3, 0}, {2, 9}} {
		t.Run(fmt.Sprintf("%d devices, %d C threads", c.devices, c.cThreads), func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(),
				childEnv+"="+strconv.Itoa(c.cThreads),
				"PINLAB_DEVICES="+strconv.Itoa(c.devices),
				"PINLAB_DEVICE_STATS=", // private counters
			)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
		})
	}
}

// metricsChild starts cThreads idle C threads, then a pool, scrapes its
// /metrics once and prints what does not match; it returns the exit code.
func metricsChild(cThreads string) int {
	n, err := strconv.Atoi(cThreads)
	if err != nil {
		fmt.Println(err)
		return 2
	}
	if n > 0 {
		helpers, err := startCThreads(n)
		if err != nil {
			fmt.Println(err)
			return 2
		}
		defer helpers.stop()
	}
	before := harness.SelfThreads()
	pool, err := NewPool()
	if err != nil {
		fmt.Println("NewPool:", err)
		return 1
	}
	defer pool.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return 2
	}
	if err := pool.ServeMetrics(ln); err != nil {
		fmt.Println("ServeMetrics:", err)
		return 1
	}
	client := &http.Client{Timeout: 5 * time.Second}
	lo := harness.SelfThreads()
	m, err := scrape(client, "http://"+ln.Addr().String()+"/metrics")
	hi := harness.SelfThreads()
	if err != nil {
		fmt.Println("scrape:", err)
		return 1
	}
	var bad []string
	ndev := float64(device.Count())
	if v := single(m, "pinlab_pool_workers"); v != ndev {
		bad = append(bad, fmt.Sprintf("pinlab_pool_workers reads %v; the pool has %v workers", v, ndev))
	}
	if v := single(m, "pinlab_threads_baseline"); math.IsNaN(v) || math.Abs(v-float64(before)) > 1 {
		bad = append(bad, fmt.Sprintf("pinlab_threads_baseline reads %v; the kernel counted %d threads when NewPool began", v, before))
	}
	if e := threadError(m, lo, hi); e > 1 {
		bad = append(bad, fmt.Sprintf("pinlab_os_threads is %v away from the kernel's count (%d to %d)", e, lo, hi))
	}
	workers := map[string]bool{}
	for _, s := range m["pinlab_worker_queue_depth"] {
		workers[s.labels["worker"]] = true
		if s.value != 0 {
			bad = append(bad, fmt.Sprintf("pinlab_worker_queue_depth{worker=%q} reads %v on an idle pool", s.labels["worker"], s.value))
		}
	}
	for d := 0; d < device.Count(); d++ {
		if !workers[strconv.Itoa(d)] {
			bad = append(bad, fmt.Sprintf("no pinlab_worker_queue_depth series for worker %q", strconv.Itoa(d)))
		}
	}
	if len(bad) > 0 {
		fmt.Println(strings.Join(bad, "\n"))
		return 1
	}
	return 0
}
