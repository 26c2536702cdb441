#!/usr/bin/env python3
"""The latency table of exercise 17's README: the critical loop's latency and
the rest of the process's throughput, for the starter, the solution and every
learner variant, in interleaved rounds (one seed per round, so every case gets
the same critical CPU in a round). Standard library only.

    python3 exercises/17-affinity-tail/tail_table.py [--rounds 5] [--yours FILE]

--yours adds a case built from your own critical.go (e.g. the workspace's).

Each case is this folder's driver built with its critical.go (go build
-overlay) and run by hand, the harness's frames on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
KEYS = [
    ("critical_p50_us", "p50 µs"),
    ("critical_p99_us", "p99 µs"),
    ("critical_max_us", "max µs"),
    ("events", "events"),
    ("rest_calls_per_s", "rest calls/s"),
]


def cases(yours: Path | None) -> dict[str, Path]:
    out = {} if yours is None else {"yours": yours.resolve()}
    out |= {"starter": HERE / "critical.go", "solution": HERE / "_solution" / "critical.go"}
    for v in sorted((HERE / "_variants").iterdir()):
        out[v.name] = v / "critical.go"
    return out


def build(name: str, src: Path, tmp: Path) -> Path:
    overlay = tmp / f"{name}.json"
    overlay.write_text(json.dumps({"Replace": {str(HERE / "critical.go"): str(src)}}))
    binary = tmp / name
    subprocess.run(
        ["go", "build", "-overlay", str(overlay), "-o", str(binary), "."], cwd=HERE, check=True
    )
    return binary


def run(binary: Path, seed: int) -> dict[str, float]:
    env = {**os.environ, "PINLAB_STREAM": "stderr", "PINLAB_SEED": str(seed)}
    p = subprocess.run([str(binary)], env=env, capture_output=True, text=True, timeout=60)
    infos: dict[str, float] = {}
    for line in p.stderr.splitlines():
        if line.startswith("{"):
            frame = json.loads(line)
            if frame.get("type") == "info":
                infos[frame["key"]] = frame["value"]
    return infos


def span(values: list[float]) -> str:
    lo, hi = min(values), max(values)
    fmt = (lambda v: f"{v:,.0f}") if hi >= 100 else (lambda v: f"{v:.1f}")
    return fmt(lo) if fmt(lo) == fmt(hi) else f"{fmt(lo)}–{fmt(hi)}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--yours", type=Path, default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as t:
        bins = {name: build(name, src, Path(t)) for name, src in cases(args.yours).items()}
        got: dict[str, list[dict[str, float]]] = {name: [] for name in bins}
        for r in range(args.rounds):
            for name, binary in bins.items():
                got[name].append(run(binary, seed=1000 + r))
    print(f"{args.rounds} rounds, min–max\n")
    print("| case | " + " | ".join(label for _, label in KEYS) + " |")
    print("| --- |" + " ---: |" * len(KEYS))
    for name, runs in got.items():
        cells = [
            span([x[k] for x in runs if k in x]) if all(k in x for x in runs) else "?"
            for k, _ in KEYS
        ]
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
