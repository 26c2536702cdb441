"""`pinlab`, `pinlab workshop`, `pinlab present` and `pinlab serve`."""

from __future__ import annotations

import argparse
import os
import shlex
import sys

from workshop.engine.catalog import load_catalog
from workshop.engine.class_setup import machine_address
from workshop.engine.classroom import ClassSettings
from workshop.engine.workspace import Workspace


def serve_command(args: argparse.Namespace, present: bool = False) -> str:
    """The command textual-serve starts for each browser tab."""
    parts = [sys.executable, "-m", "workshop.cli", "--workspace", str(args.workspace.resolve())]
    if getattr(args, "read_only", False):
        parts.append("--read-only")
    parts.append("present" if present else "workshop")
    if getattr(args, "seconds", None):
        parts += ["--seconds", str(args.seconds)]
    return " ".join(shlex.quote(part) for part in parts)


def run_app(args: argparse.Namespace, command: str) -> int:
    if command == "serve":
        from workshop.app.serve import RoomServer

        server = RoomServer.for_room(
            serve_command(args, present=args.present),
            args.host,
            args.port,
            args.token,
            args.max_sessions,
        )
        mode = " (read-only)" if getattr(args, "read_only", False) else ""
        print(f"pinlab: serving the workshop{mode} on {server.url()}", flush=True)
        if server.token and args.host in ("0.0.0.0", "::"):
            address = machine_address()
            print(f"pinlab: from other machines: {server.url(address)}", flush=True)
        print(f"pinlab: at most {args.max_sessions} sessions at once", flush=True)
        server.serve()
        return 0

    from workshop.app.app import PinlabApp
    from workshop.engine import toolchain

    catalog = load_catalog()
    read_only = getattr(args, "read_only", False)
    workspace = Workspace(args.workspace, read_only=read_only)
    why = None
    if not read_only and not workspace.writable():  # a grader's read-only mount, say
        read_only = True
        why = f"{workspace.root} is read-only: browse only, nothing is run or saved"
        print(f"pinlab: {why}", file=sys.stderr)
    workspace.ensure(catalog)
    app = PinlabApp(
        catalog,
        workspace,
        toolchain.find(),
        projection=command == "present",
        seconds=getattr(args, "seconds", None),
        open_exercise=os.environ.get("PINLAB_OPEN") or None,
        classroom=ClassSettings.resolve(
            getattr(args, "class_url", None), getattr(args, "name", None)
        ),
        read_only=read_only,
        read_only_why=why,
    )
    app.run()
    return app.return_code or 0
