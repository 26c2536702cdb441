"""A room on this machine: Debian's real `prometheus-pushgateway` and
`prometheus` on free loopback ports, with temporary storage and a short
scrape interval, configured as `pinlab class --config` configures a room.
The test suite and scripts/bench_class.py start one; nothing here is mocked."""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from workshop.engine.class_query import GATEWAY_JOB
from workshop.engine.class_setup import PROMETHEUS_YML

GATEWAY_BIN, PROMETHEUS_BIN = "prometheus-pushgateway", "prometheus"
# Debian's gateway persists to /var/lib/prometheus/pushgateway.data by default:
# a room started here keeps nothing and reads nothing left by another
MEMORY_ONLY = ("--persistence.file=", "--log.level=warn")


class RoomUnavailable(RuntimeError):
    """The binaries are not installed, or did not start."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(url: str, proc: subprocess.Popen[bytes], what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RoomUnavailable(f"{what} exited with status {proc.returncode}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=1) as r:
            if r.status == 200:
                return
        time.sleep(0.1)
    raise RoomUnavailable(f"{what} not ready after {timeout:g} s")


@dataclass
class LocalRoom:
    gateway_url: str
    prometheus_url: str
    gateway: subprocess.Popen[bytes]
    prometheus: subprocess.Popen[bytes]
    directory: Path

    @classmethod
    def start(cls, scrape_interval: str = "1s", timeout: float = 30.0) -> LocalRoom:
        if not (shutil.which(GATEWAY_BIN) and shutil.which(PROMETHEUS_BIN)):
            raise RoomUnavailable(
                "needs Debian's prometheus and prometheus-pushgateway (python3 dev.py test "
                "installs them)"
            )
        directory = Path(tempfile.mkdtemp(prefix="pinlab-room-"))
        gw_port, prom_port = free_port(), free_port()
        gw_argv = [GATEWAY_BIN, f"--web.listen-address=127.0.0.1:{gw_port}", *MEMORY_ONLY]
        yml = PROMETHEUS_YML.format(job=GATEWAY_JOB, gateway=f"127.0.0.1:{gw_port}")
        yml = yml.replace("scrape_interval: 5s", f"scrape_interval: {scrape_interval}")
        (directory / "prometheus.yml").write_text(yml)
        log = open(directory / "log", "wb")  # noqa: SIM115 - kept open for the processes
        gateway = subprocess.Popen(gw_argv, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        prometheus = subprocess.Popen(
            [
                PROMETHEUS_BIN,
                f"--config.file={directory / 'prometheus.yml'}",
                f"--storage.tsdb.path={directory / 'data'}",
                f"--web.listen-address=127.0.0.1:{prom_port}",
                "--log.level=warn",
            ],
            stdout=log,
            stderr=log,
            stdin=subprocess.DEVNULL,
        )
        room = cls(
            f"http://127.0.0.1:{gw_port}",
            f"http://127.0.0.1:{prom_port}",
            gateway,
            prometheus,
            directory,
        )
        try:
            _wait_ready(f"{room.gateway_url}/-/ready", gateway, "the Pushgateway", timeout)
            _wait_ready(f"{room.prometheus_url}/-/ready", prometheus, "Prometheus", timeout)
            room.wait_scraped(timeout)
        except BaseException:
            room.stop()
            raise
        return room

    def wait_scraped(self, timeout: float = 30.0) -> None:
        """Until Prometheus has scraped the gateway once (its service
        discovery takes about 5 s to hand the target over)."""
        deadline = time.monotonic() + timeout
        url = f"{self.prometheus_url}/api/v1/targets?state=active"
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError, ValueError):
                with urllib.request.urlopen(url, timeout=1) as r:
                    targets = json.loads(r.read())["data"]["activeTargets"]
                if any(t.get("health") == "up" for t in targets):
                    return
            time.sleep(0.2)
        raise RoomUnavailable(f"Prometheus did not scrape the gateway within {timeout:g} s")

    def log(self) -> str:
        return (self.directory / "log").read_text(errors="replace")

    def stop(self) -> None:
        for proc in (self.prometheus, self.gateway):
            if proc.poll() is None:
                proc.terminate()
        for proc in (self.prometheus, self.gateway):
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> LocalRoom:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_gateway(
    web_config: Path | None = None, log: Path | None = None, timeout: float = 15.0
) -> tuple[str, subprocess.Popen[bytes]]:
    """A Pushgateway alone on a free loopback port; web_config: an
    exporter-toolkit web config (basic auth). Returns its URL and process."""
    if not shutil.which(GATEWAY_BIN):
        raise RoomUnavailable("needs Debian's prometheus-pushgateway")
    port = free_port()
    argv = [GATEWAY_BIN, f"--web.listen-address=127.0.0.1:{port}", *MEMORY_ONLY]
    if web_config is not None:
        argv.append(f"--web.config.file={web_config}")
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(argv, stdout=out, stderr=out, stdin=subprocess.DEVNULL)
    try:
        _wait_port(port, proc, timeout)
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    return f"http://127.0.0.1:{port}", proc


def _wait_port(port: int, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RoomUnavailable(f"the Pushgateway exited with status {proc.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.1)
    raise RoomUnavailable(f"the Pushgateway not listening after {timeout:g} s")
