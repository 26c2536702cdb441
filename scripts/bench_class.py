"""A room, simulated through the real thing: N learners push their progress
every few seconds for a while, with pinlab's own push code
(workshop/engine/classroom.py), to Debian's real prometheus-pushgateway,
scraped every second by Debian's real prometheus, both on loopback. Reports:

- pushes lost: pushes that failed, and pushes Prometheus never saw (each push
  raises one learner's checks counter by one; with a 1 s scrape and pushes
  3 s apart, every push shows as one change of some series, or as a new one),
  and learners whose final counters differ from what they pushed;
- the class view's refresh at N learners: the queries and their aggregation
  (engine/class_query.fetch_snapshot), then the screen drawing it (headless);
- the gateway's and Prometheus's CPU (share of one core) and peak memory (psutil);
- the push's cost on the learner's side: the time the caller's thread spends
  (Pusher.request), the push itself on the pusher's thread, and bytes per push.

    .venv/bin/python scripts/bench_class.py --learners 200 --seconds 60
    (figures to quote: run under `flock /tmp/pinlab-measure.lock`)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import heapq
import json
import random
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workshop.engine.catalog import load_catalog  # noqa: E402
from workshop.engine.class_local import LocalRoom  # noqa: E402
from workshop.engine.class_query import ClassSnapshot, PromClient, fetch_snapshot  # noqa: E402
from workshop.engine.classroom import ClassSettings, Pusher, push_progress  # noqa: E402


class Learner:
    """A learner working through the catalog: each push is one more check of
    the current exercise; targets met rise now and then, then it is solved."""

    def __init__(self, name: str, exercises: list[tuple[str, list[str]]], rng: random.Random):
        self.name, self.exercises, self.rng = name, exercises, rng
        self.index = 0
        self.progress: dict[str, Any] = {"exercises": {}}
        self.pushed = 0
        self.rise = 0.3  # the chance that a check meets one more target

    def check(self, now: float) -> None:
        ex_id, targets = self.exercises[self.index % len(self.exercises)]
        entry = self.progress["exercises"].setdefault(
            ex_id, {"checks": 0, "first_check": now, "best_met": 0, "progress_at": now}
        )
        entry["checks"] += 1
        entry["last_check"] = now
        met = min(len(targets), entry.get("met", 0) + (self.rng.random() < self.rise))
        if met > entry["best_met"]:
            entry["best_met"], entry["progress_at"] = met, now
        entry.update(
            met=met,
            targets=len(targets),
            values={t: round(self.rng.uniform(0, 10), 3) for t in targets},
            met_targets={t: i < met for i, t in enumerate(targets)},
        )
        entry["status"] = "solved" if met == len(targets) else "in progress"
        if met == len(targets):
            entry.setdefault("first_pass", now)
            self.index += 1
        self.progress["current"] = ex_id


def sample_processes(
    procs: dict[str, psutil.Process], peaks: dict[str, int], stop: threading.Event
) -> None:
    while not stop.wait(0.5):
        for name, p in procs.items():
            with contextlib.suppress(psutil.Error):
                peaks[name] = max(peaks[name], p.memory_info().rss)


async def draw_seconds(snap: ClassSnapshot, order: list[str]) -> list[float]:
    """The class view's screen drawing the room's snapshot (headless, Pilot)."""
    from workshop.app.class_app import ClassApp
    from workshop.app.screens.class_view import ClassViewScreen

    app = ClassApp(PromClient("http://127.0.0.1:9"), refresh_seconds=3600, order=order)
    out = []
    async with app.run_test(size=(200, 60)) as pilot:
        screen = app.screen
        assert isinstance(screen, ClassViewScreen)
        for _ in range(5):
            t0 = time.perf_counter()
            screen.show(snap)
            await pilot.pause()
            out.append(time.perf_counter() - t0)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--learners", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument(
        "--interval", type=float, default=3.0, help="seconds between a learner's pushes"
    )
    ap.add_argument("--threads", type=int, default=16, help="pushing threads (the room's laptops)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    catalog = load_catalog()
    exercises = [(ex.id, [t.id for t in ex.targets]) for ex in catalog]
    order = [ex.id for ex in catalog]
    rng = random.Random(12)
    learners = [
        Learner(f"learner-{i:03d}", exercises, random.Random(i)) for i in range(args.learners)
    ]

    room = LocalRoom.start(scrape_interval="1s")
    try:
        procs = {
            "gateway": psutil.Process(room.gateway.pid),
            "prometheus": psutil.Process(room.prometheus.pid),
        }
        cpu0 = {n: sum(p.cpu_times()[:2]) for n, p in procs.items()}
        peaks = {n: p.memory_info().rss for n, p in procs.items()}
        stop = threading.Event()
        sampler = threading.Thread(target=sample_processes, args=(procs, peaks, stop), daemon=True)
        sampler.start()

        settings = {lr.name: ClassSettings(room.gateway_url, lr.name) for lr in learners}
        outcomes: list[tuple[bool, float, int]] = []
        lock = threading.Lock()

        def push(lr: Learner, snapshot: dict[str, Any]) -> None:
            o = push_progress(settings[lr.name], snapshot)
            with lock:
                outcomes.append((o.ok, o.seconds, o.bytes))
                if o.ok:
                    lr.pushed += 1

        refreshes: list[float] = []
        client = PromClient(room.prometheus_url, timeout=10)
        t0 = time.monotonic()
        t_start_wall = time.time()
        queue = [(t0 + rng.uniform(0, args.interval), i) for i in range(len(learners))]
        heapq.heapify(queue)
        next_refresh = t0 + 5.0
        made = 0
        with ThreadPoolExecutor(max_workers=args.threads) as pool:
            while queue:
                when, i = heapq.heappop(queue)
                if when > t0 + args.seconds:
                    break
                now = time.monotonic()
                if now >= next_refresh:  # the instructor's view, while the room pushes
                    refreshes.append(fetch_snapshot(client, 10, order).seconds)
                    next_refresh = now + 5.0
                    now = time.monotonic()
                if when > now:
                    time.sleep(when - now)
                lr = learners[i]
                lr.check(time.time())
                made += 1
                pool.submit(push, lr, json.loads(json.dumps(lr.progress)))
                heapq.heappush(queue, (when + args.interval * rng.uniform(0.8, 1.2), i))
        run_seconds = time.monotonic() - t0
        cpu1 = {n: sum(p.cpu_times()[:2]) for n, p in procs.items()}
        time.sleep(3.0)  # the last scrape
        final = [fetch_snapshot(client, 10, order) for _ in range(5)]
        stop.set()

        # what Prometheus saw: per learner, the sum of their checks counters and
        # how many pushes its samples show (changes + series)
        window = int(time.time() - t_start_wall) + 30
        totals = {
            s.labels["learner"]: s.value
            for s in client.query('sum by (learner) (pinlab_exercise_checks_total{job="pinlab"})')
        }
        changes = {
            s.labels["learner"]: s.value
            for s in client.query(
                "sum by (learner) (changes("
                f'pinlab_exercise_checks_total{{job="pinlab"}}[{window}s]))'
                f' + count by (learner) (pinlab_exercise_checks_total{{job="pinlab"}})'
            )
        }
        # the learner's side with the real Pusher: the caller's cost of request()
        pusher = Pusher(ClassSettings(room.gateway_url, "timing"), lambda: learners[0].progress)
        costs = []
        for _ in range(200):
            a = time.perf_counter()
            pusher.request()
            costs.append(time.perf_counter() - a)
            time.sleep(0.005)
        pusher.close(flush=2)
    finally:
        room.stop()

    draw = asyncio.run(draw_seconds(final[-1], order))
    failed = sum(1 for ok, _, _ in outcomes if not ok)
    wrong_final = sum(1 for lr in learners if totals.get(lr.name, 0) != lr.pushed)
    unseen = sum(max(0, lr.pushed - int(changes.get(lr.name, 0))) for lr in learners)
    ok_times = sorted(s for ok, s, _ in outcomes if ok)
    sizes = [b for ok, _, b in outcomes if ok]
    report = {
        "learners": args.learners,
        "seconds": round(run_seconds, 1),
        "pushes_made": made,
        "pushes_failed": failed,
        "pushes_not_seen_by_prometheus": unseen,
        "learners_with_wrong_final_counts": wrong_final,
        "refresh_ms_during": [round(x * 1000, 1) for x in refreshes],
        "refresh_ms_final_median": round(statistics.median(f.seconds for f in final) * 1000, 1),
        "refresh_ms_final_max": round(max(f.seconds for f in final) * 1000, 1),
        "learners_in_view": len(final[-1].learners),
        "draw_ms_median": round(statistics.median(draw) * 1000, 1),
        "gateway_cpu_pct_of_a_core": round(
            100 * (cpu1["gateway"] - cpu0["gateway"]) / run_seconds, 1
        ),
        "prometheus_cpu_pct_of_a_core": round(
            100 * (cpu1["prometheus"] - cpu0["prometheus"]) / run_seconds, 1
        ),
        "gateway_peak_rss_mib": round(peaks["gateway"] / 2**20, 1),
        "prometheus_peak_rss_mib": round(peaks["prometheus"] / 2**20, 1),
        "push_ms_median": round(statistics.median(ok_times) * 1000, 2) if ok_times else None,
        "push_ms_p99": round(ok_times[int(0.99 * (len(ok_times) - 1))] * 1000, 2)
        if ok_times
        else None,
        "push_bytes_median": int(statistics.median(sizes)) if sizes else None,
        "push_bytes_max": max(sizes) if sizes else None,
        "caller_thread_us_median": round(statistics.median(costs) * 1e6, 1),
        "caller_thread_us_max": round(max(costs) * 1e6, 1),
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for k, v in report.items():
            print(f"{k:<36} {v}")
    return 0 if failed == 0 and unseen == 0 and wrong_final == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
