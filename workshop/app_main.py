"""`pinlab`, `pinlab workshop`, `pinlab present` and `pinlab serve`."""

from __future__ import annotations

import argparse
import os
import shlex
import sys

from workshop.catalog import load_catalog
from workshop.workspace import Workspace

SECONDS_ENV = "PINLAB_APP_SECONDS"  # override each scenario's load duration (demos, benchmarks)


def _seconds() -> float | None:
    raw = os.environ.get(SECONDS_ENV)
    try:
        return float(raw) if raw else None
    except ValueError:
        return None


def serve_command(args: argparse.Namespace, present: bool = False) -> str:
    """The command textual-serve starts for each browser tab."""
    sub = "present" if present else "workshop"
    return " ".join(
        shlex.quote(part)
        for part in (
            sys.executable,
            "-m",
            "workshop.cli",
            "--workspace",
            str(args.workspace.resolve()),
            sub,
        )
    )


def run_app(args: argparse.Namespace, command: str) -> int:
    if command == "serve":
        from textual_serve.server import Server

        server = Server(serve_command(args), host=args.host, port=args.port, title="pinlab")
        print(f"pinlab: serving the workshop on http://{args.host}:{args.port}", flush=True)
        server.serve()
        return 0

    from workshop import toolchain
    from workshop.app import PinlabApp

    catalog = load_catalog()
    workspace = Workspace(args.workspace)
    workspace.ensure(catalog)
    app = PinlabApp(
        catalog,
        workspace,
        toolchain.find(),
        projection=command == "present",
        seconds=_seconds(),
        open_exercise=os.environ.get("PINLAB_OPEN") or None,
    )
    app.run()
    return app.return_code or 0
