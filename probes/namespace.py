"""The private PID namespace that makes thread churn exact: the `unshare`
command this machine allows, nsinit (nsinit.c beside this file, compiled once)
that runs as the namespace's init and reports every PID handed out, and the
process tree below it. Used by the engine's sandbox, `pinlab probe` and the
probe tests alike."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
from functools import cache
from pathlib import Path

from probes.procfs import child_pids

NSINIT_SOURCE = Path(__file__).with_name("nsinit.c")


@cache
def namespace_prefix() -> tuple[str, ...] | None:
    """The unshare command that gives a private PID namespace, or None where
    the machine does not allow one (PINLAB_NO_NAMESPACE forces None)."""
    if os.environ.get("PINLAB_NO_NAMESPACE") or not shutil.which("unshare"):
        return None
    base = ("unshare", "--pid", "--fork", "--kill-child")
    tries: list[tuple[str, ...]] = [base] if os.geteuid() == 0 else []
    tries.append(("unshare", "--user", "--map-root-user", *base[1:]))
    for prefix in tries:
        try:
            ok = subprocess.run([*prefix, "true"], capture_output=True, timeout=10).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            ok = False
        if ok:
            return prefix
    return None


def nsinit_binary(cache_dir: Path) -> Path | None:
    """nsinit compiled into cache_dir, once per source (None: no C compiler)."""
    digest = hashlib.sha256(NSINIT_SOURCE.read_bytes()).hexdigest()[:12]
    dest = cache_dir / f"nsinit-{digest}"
    if dest.exists():
        return dest
    cc = shutil.which("cc") or shutil.which("gcc")
    if not cc:
        return None
    tmp = dest.with_suffix(f".{os.getpid()}")
    res = subprocess.run([cc, "-O2", "-o", str(tmp), str(NSINIT_SOURCE)], capture_output=True)
    if res.returncode != 0:
        return None
    os.replace(tmp, dest)
    return dest


def program_below(launcher: int) -> int | None:
    """unshare -> nsinit -> program: the program's PID as seen from here."""
    for init in child_pids(launcher):
        kids = child_pids(init)
        if kids:
            return kids[0]
    return None


def wait_for_program(launcher: int, timeout: float = 5.0) -> int | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (pid := program_below(launcher)) is not None:
            return pid
        time.sleep(0.002)
    return None


def descendants(pid: int) -> list[int]:
    """Every process below pid, found through /proc children files."""
    out, todo = [], [pid]
    while todo:
        for kid in child_pids(todo.pop()):
            out.append(kid)
            todo.append(kid)
    return out
