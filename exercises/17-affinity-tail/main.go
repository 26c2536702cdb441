// Driver for exercise 17 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect). It plays the administrator of a
// two-CPU host: it draws which CPU the critical loop gets, starts a noisy
// neighbour process confined to the other CPU, and runs the scenario in
// scenario.go. It judges, from the kernel, where the critical thread and
// every other thread of the process may run and did run, and after the loop
// ends whether a thread narrowed to the critical CPU was handed back to the
// Go scheduler. It also reads every thread's mask the instant StartCritical
// returns: the layout must be in place by then. The critical loop's latency is reported, not judged: see
// the README for why.
package main

import (
	"time"

	"pinlab/exercises/harness"
)

func main() {
	h := harness.Start("17-affinity-tail")
	full, err := affinity(0)
	if err != nil {
		h.Fail("sched_getaffinity: %v", err)
	}
	cpus := full.cpus()
	if len(cpus) < 2 {
		h.Fail("this exercise needs two CPUs; the process may use %v", cpus)
	}
	cpu := cpus[h.Intn(len(cpus))]
	h.Info("critical_cpu", float64(cpu))

	o := runScenario(h, newLayout(full, cpu), StartCritical)
	switch {
	case o.neighbourError != nil:
		h.Fail("starting the neighbour process: %v", o.neighbourError)
	case o.startErr != nil:
		h.Fail("StartCritical: %v", o.startErr)
	case !o.loopEnded:
		h.Fail("the critical loop did not end within 2 s of its events channel being closed")
	case o.handled != o.sent:
		h.Fail("%d events sent, %d handled", o.sent, o.handled)
	case o.samples < 20:
		h.Fail("only %d placement samples could be taken", o.samples)
	}
	us := func(v int64) float64 { return float64(v) / float64(time.Microsecond) }
	h.Info("critical_threads", float64(o.criticalTIDs))
	h.Info("critical_exact_pct", 100*float64(o.exactSamples)/float64(o.samples))
	h.Info("others_allowed_on_cpu", float64(o.othersAllowed))
	h.Info("others_running_on_cpu", float64(o.othersRunning))
	h.Info("narrowed_after_stop", float64(o.narrowedAfter))
	h.Info("loop_unbound_at_return", float64(o.loopUnboundAtReturn))
	h.Info("others_allowed_at_return", float64(o.othersAllowedAtReturn))
	h.Info("layout_faults_at_return", float64(o.loopUnboundAtReturn+o.othersAllowedAtReturn))
	h.Info("placement_samples", float64(o.samples))
	h.Info("events", float64(o.handled))
	h.Info("critical_p50_us", us(o.hist.ValueAtQuantile(50)))
	h.Info("critical_p99_us", us(o.hist.ValueAtQuantile(99)))
	h.Info("critical_p999_us", us(o.hist.ValueAtQuantile(99.9)))
	h.Info("critical_max_us", us(o.hist.Max()))
	h.Info("rest_calls_per_s", o.restCallsPerS)
	h.Done()
}
