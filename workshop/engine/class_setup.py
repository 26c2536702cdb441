"""`pinlab class --config DIR`: a room's Prometheus set-up, ready to start
with Debian's `prometheus` and `prometheus-pushgateway`. The learners push
to the gateway; Prometheus scrapes it with honor_labels, so each series
keeps the job and learner the push gave it (Prometheus's documented way of
scraping a Pushgateway)."""

from __future__ import annotations

import os
import shlex
import socket
from pathlib import Path

import psutil

from workshop.engine.class_query import GATEWAY_JOB

PROMETHEUS_YML = """\
# A pinlab classroom (written by `pinlab class --config`).
# Learners push to the Pushgateway; Prometheus scrapes it every 5 s.
global:
  scrape_interval: 5s
  evaluation_interval: 5s

scrape_configs:
  - job_name: {job}
    # keep the job and learner labels the pushes carry
    honor_labels: true
    static_configs:
      - targets: ["{gateway}"]
"""

START_SH = """\
#!/bin/sh
# Start the room: a Pushgateway the learners push to (on every interface,
# port {port}) and a Prometheus that scrapes it (on this machine only).
# Debian: apt-get install prometheus prometheus-pushgateway
# (the packages also start their own services on :9090 and :9091 with
# Debian's configuration: `systemctl stop prometheus prometheus-pushgateway` first).
set -e
cd "$(dirname "$0")"
prometheus-pushgateway --web.listen-address=:{port} \\
  --persistence.file=pushgateway.db --persistence.interval=1m &
prometheus --config.file=prometheus.yml --storage.tsdb.path=data \\
  --storage.tsdb.retention.time=30d --web.listen-address=127.0.0.1:9090 &
trap 'kill 0' INT TERM
wait
"""


def write_room_config(directory: Path, gateway: str = "127.0.0.1:9091") -> str:
    """Writes prometheus.yml and start.sh; returns what to tell the instructor."""
    host, _, port = gateway.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"--gateway wants HOST:PORT, not {gateway!r}")
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "prometheus.yml").write_text(
        PROMETHEUS_YML.format(job=GATEWAY_JOB, gateway=gateway)
    )
    start = directory / "start.sh"
    start.write_text(START_SH.format(port=port))
    os.chmod(start, 0o755)
    d = shlex.quote(str(directory))
    return "\n".join(
        [
            f"wrote {directory / 'prometheus.yml'} and {start}",
            "",
            "start the room (Debian's prometheus and prometheus-pushgateway):",
            f"  {d}/start.sh",
            "learners join with:",
            f"  pinlab --class http://{machine_address()}:{port} --name 'Their Name'",
            "and you watch with:",
            "  pinlab class --prometheus http://127.0.0.1:9090",
        ]
    )


def machine_address() -> str:
    """An address other machines in the room can reach this one by: the first
    IPv4 address of an interface that is up and not loopback (read from the
    interfaces, nothing is sent), else the host name."""
    stats = psutil.net_if_stats()
    for name, addrs in sorted(psutil.net_if_addrs().items()):
        if not stats.get(name) or not stats[name].isup:
            continue
        for a in addrs:
            if a.family == socket.AF_INET and not a.address.startswith("127."):
                return str(a.address)
    return socket.gethostname()
