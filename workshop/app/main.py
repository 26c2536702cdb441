"""`pinlab`, `pinlab workshop`, `pinlab present` and `pinlab serve`."""

from __future__ import annotations

import argparse
import os
import shlex
import sys

from workshop.engine.catalog import load_catalog
from workshop.engine.workspace import Workspace


def serve_command(args: argparse.Namespace, present: bool = False) -> str:
    """The command textual-serve starts for each browser tab."""
    parts = [sys.executable, "-m", "workshop.cli", "--workspace", str(args.workspace.resolve())]
    parts.append("present" if present else "workshop")
    if getattr(args, "seconds", None):
        parts += ["--seconds", str(args.seconds)]
    return " ".join(shlex.quote(part) for part in parts)


def run_app(args: argparse.Namespace, command: str) -> int:
    if command == "serve":
        from textual_serve.server import Server

        server = Server(
            serve_command(args, present=args.present),
            host=args.host,
            port=args.port,
            title="pinlab",
        )
        print(f"pinlab: serving the workshop on http://{args.host}:{args.port}", flush=True)
        server.serve()
        return 0

    from workshop.app.app import PinlabApp
    from workshop.engine import toolchain

    catalog = load_catalog()
    workspace = Workspace(args.workspace)
    workspace.ensure(catalog)
    app = PinlabApp(
        catalog,
        workspace,
        toolchain.find(),
        projection=command == "present",
        seconds=getattr(args, "seconds", None),
        open_exercise=os.environ.get("PINLAB_OPEN") or None,
    )
    app.run()
    return app.return_code or 0
