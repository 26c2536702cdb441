"""Builds and starts the small real programs that the probe tests and
`python -m probes.bench` watch (sources in tests/probe_programs/), and the
private PID namespace that makes churn exact. Development tooling: the app
itself never imports this module.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from probes.churn import NsinitReport
from probes.namespace import namespace_prefix, wait_for_program

REPO = Path(__file__).resolve().parents[1]
PROGRAMS = REPO / "tests" / "probe_programs"


class ProgramError(RuntimeError):
    pass


def build_c(source: Path, dest_dir: Path, extra: tuple[str, ...] = ()) -> Path:
    """Compile one C file (plus `extra` sources) with cc into dest_dir."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        raise ProgramError("no C compiler (cc) on PATH")
    binary = dest_dir / source.stem
    argv = [cc, "-O2", "-pthread", "-o", str(binary), str(source), *extra]
    done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode != 0:
        raise ProgramError(f"cc {source.name} failed:\n{done.stderr}")
    return binary


def build_go(package: str, dest_dir: Path) -> Path:
    """`go build` one package of tests/probe_programs (offline: the module
    cache already holds hdrhistogram-go for exercises/)."""
    go = shutil.which("go")
    if go is None:
        raise ProgramError("no Go toolchain (go) on PATH")
    binary = dest_dir / package
    env = dict(os.environ, GOPROXY="off", GOFLAGS="-mod=readonly")
    done = subprocess.run(
        [go, "build", "-o", str(binary), f"./{package}"],
        cwd=PROGRAMS,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise ProgramError(f"go build {package} failed:\n{done.stderr}")
    return binary


@dataclass
class Namespaced:
    """A program running as `unshare ... nsinit FD -- argv`, with nsinit's
    report read on demand. `pid` is the program's PID as seen from here."""

    proc: subprocess.Popen[str]
    report_fd: int
    pid: int
    report: NsinitReport = field(default_factory=NsinitReport)

    def drain(self, quiet: float = 0.05) -> NsinitReport:
        """Read report lines until none arrives for `quiet` seconds."""
        while True:
            ready, _, _ = select.select([self.report_fd], [], [], quiet)
            if not ready:
                return self.report
            data = os.read(self.report_fd, 4096)
            if not data:
                return self.report
            self.report.feed(data)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        os.close(self.report_fd)


def start_namespaced(
    nsinit: Path,
    argv: list[str],
    env: dict[str, str] | None = None,
    pass_fds: tuple[int, ...] = (),
) -> Namespaced:
    """Start argv under nsinit in a private PID namespace (stdin and stdout
    piped, text; `pass_fds` reach the program too). Raises ProgramError
    where namespaces are not allowed."""
    prefix = namespace_prefix()
    if prefix is None:
        raise ProgramError("no private PID namespace on this machine")
    read_end, write_end = os.pipe()
    proc = subprocess.Popen(
        [*prefix, str(nsinit), str(write_end), "--", *argv],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        pass_fds=[write_end, *pass_fds],
        env=env,
    )
    os.close(write_end)
    pid = wait_for_program(proc.pid)
    if pid is None:
        proc.kill()
        raise ProgramError("the namespaced program did not start")
    return Namespaced(proc=proc, report_fd=read_end, pid=pid)
