"""The `pinlab` command."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path

from workshop.engine import paths
from workshop.engine.catalog import CatalogError, Exercise, load_catalog, resolve
from workshop.engine.classroom import ClassSettings, ClassSetupError
from workshop.engine.toolchain import ToolchainError

SUBCOMMANDS = {
    "calibrate",
    "check",
    "class",
    "history",
    "init",
    "reset",
    "list",
    "probe",
    "present",
    "serve",
    "workshop",
}


def _global_options(default: bool) -> argparse.ArgumentParser:
    """Options every command takes, before or after its name: `pinlab
    --workspace W check 1` and `pinlab check 1 --workspace W` alike."""
    g = argparse.ArgumentParser(add_help=False)
    g.add_argument(
        "--workspace",
        type=Path,
        help=f"the learner's workspace (default: {paths.default_workspace()})",
        default=paths.default_workspace() if default else argparse.SUPPRESS,
    )
    g.add_argument(
        "--class",
        dest="class_url",
        metavar="URL",
        help="push your progress after each check to the room's Pushgateway "
        "(also PINLAB_CLASS; README: what is sent)",
        default=None if default else argparse.SUPPRESS,
    )
    g.add_argument(
        "--name",
        metavar="NAME",
        help="the name the instructor sees with --class (also PINLAB_NAME)",
        default=None if default else argparse.SUPPRESS,
    )
    g.add_argument(
        "--read-only",
        action="store_true",
        help="browse only: no check, run, reset or solution (pinlab serve --read-only)",
        default=False if default else argparse.SUPPRESS,
    )
    return g


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="pinlab",
        description="A workshop and live visualiser for Go's runtime.LockOSThread.",
        parents=[_global_options(default=True)],
    )
    sub = p.add_subparsers(dest="command")
    common = [_global_options(default=False)]

    c = sub.add_parser("check", parents=common, help="check exercises headless (CI)")
    c.add_argument("exercises", nargs="*", metavar="EX", help="1, 01 or 01-slug; none: all")
    c.add_argument(
        "--against",
        default="workspace",
        metavar="SOURCE",
        help="workspace (default), starter, solution, or the name of a learner variant "
        "kept beside the solution (`pinlab list --variants` names them)",
    )
    c.add_argument("--format", choices=["text", "json", "junit"], default="text")
    c.add_argument("--output", type=Path, help="write the report here instead of stdout")
    c.add_argument("--seconds", type=float, help="override each scenario's load duration")
    c.add_argument("--timeout", type=float, help="override each run's wall-clock limit (seconds)")

    i = sub.add_parser("init", parents=common, help="create a workspace with every starter")
    i.add_argument("dir", nargs="?", type=Path)
    r = sub.add_parser(
        "reset", parents=common, help="restore an exercise's starter (your version is backed up)"
    )
    r.add_argument("exercise", metavar="EX")
    h = sub.add_parser("history", parents=common, help="every check of an exercise, oldest first")
    h.add_argument("exercise", metavar="EX")
    h.add_argument("--format", choices=("text", "json"), default="text")
    ls = sub.add_parser("list", parents=common, help="list exercises and your progress")
    ls.add_argument(
        "--variants", action="store_true", help="also list each exercise's learner variants"
    )

    pr = sub.add_parser(
        "probe",
        parents=common,
        help="watch a process: pinlab probe PID, or pinlab probe -- CMD ARGS",
    )
    pr.add_argument("pid", nargs="?", type=int)
    pr.add_argument("--count", type=int, default=0, help="samples to take (0: until it exits)")
    pr.add_argument("--interval", type=float, default=0.5, help="seconds between samples")
    pr.add_argument("--format", choices=["text", "json"], default="text")

    cal = sub.add_parser(
        "calibrate",
        parents=common,
        help="measure the cost card: what pinning costs on this machine",
    )
    cal.add_argument("--again", action="store_true", help="measure even if a card is kept")
    cal.add_argument("--format", choices=["text", "json"], default="text")

    seconds_help = "override each scenario's load duration (demos)"
    w = sub.add_parser("workshop", parents=common, help="open the workshop (the default)")
    w.add_argument("--seconds", type=float, help=seconds_help)
    pre = sub.add_parser(
        "present", parents=common, help="open the workshop in the projection layout"
    )
    pre.add_argument("--seconds", type=float, help=seconds_help)
    s = sub.add_parser("serve", parents=common, help="serve the workshop to a browser")
    s.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback only)")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--present", action="store_true", help="serve the projection layout")
    s.add_argument("--seconds", type=float, help=seconds_help)
    s.add_argument(
        "--token",
        help="the token the printed URL carries (default: a random one when bound beyond "
        "loopback; none on loopback)",
    )
    s.add_argument(
        "--max-sessions",
        type=int,
        default=8,
        help="browser sessions open at once (each is a workshop process; default 8)",
    )

    cl = sub.add_parser(
        "class",
        parents=common,
        help="the instructor's class view (--prometheus URL), or write a room's "
        "Prometheus set-up (--config DIR)",
    )
    cl.add_argument("--prometheus", metavar="URL", help="the room's Prometheus (http://HOST:9090)")
    cl.add_argument(
        "--config", type=Path, metavar="DIR", help="write prometheus.yml and start commands here"
    )
    cl.add_argument(
        "--gateway",
        default="127.0.0.1:9091",
        metavar="HOST:PORT",
        help="with --config: the Pushgateway Prometheus scrapes (default 127.0.0.1:9091)",
    )
    cl.add_argument(
        "--stuck-minutes",
        type=float,
        default=10.0,
        help="no progress for this long counts as stuck (default 10)",
    )
    cl.add_argument(
        "--refresh", type=float, default=5.0, help="seconds between refreshes (default 5)"
    )
    cl.add_argument("--present", action="store_true", help="projection layout: names hidden")
    return p


def _normalise(argv: list[str]) -> list[str]:
    """`pinlab --check EX` is `pinlab check EX`."""
    if "--check" in argv:
        i = argv.index("--check")
        if not any(a in SUBCOMMANDS for a in argv[:i]):
            return argv[:i] + ["check"] + argv[i + 1 :]
    return argv


def _catalog() -> list[Exercise]:
    return load_catalog()


def class_settings(args: argparse.Namespace) -> ClassSettings | None:
    return ClassSettings.resolve(getattr(args, "class_url", None), getattr(args, "name", None))


def cmd_check(args: argparse.Namespace) -> int:
    from workshop.engine import report, toolchain
    from workshop.engine.build import Source
    from workshop.engine.check import check_all
    from workshop.engine.workspace import ReadOnlyWorkspace, Workspace

    catalog = _catalog()
    chosen = [resolve(catalog, n) for n in args.exercises] if args.exercises else catalog
    tc = toolchain.find()
    ws = Workspace(args.workspace)
    if args.against == "workspace":
        ws.ensure(catalog)
        sources = {ex.id: Source("workspace", ws.exercise_dir(ex)) for ex in chosen}
    elif args.against in ("starter", "solution"):
        sources = {ex.id: Source(args.against) for ex in chosen}
    else:
        sources = {ex.id: Source.variant(ex.variant(args.against)) for ex in chosen}
    results = asyncio.run(
        check_all(chosen, sources, tc, seconds=args.seconds, timeout=args.timeout)
    )
    if args.against == "workspace":
        try:
            for r in results:
                ws.record(r.exercise, r.passed, r.verdicts)
        except ReadOnlyWorkspace:  # the verdict stands; only its record is lost
            print(f"pinlab: progress not saved: {ws.root} is read-only", file=sys.stderr)
        settings = class_settings(args)
        if settings is not None:  # one push, after the check: a failure never fails it
            from workshop.engine.classroom import push_progress

            pushed = push_progress(settings, ws.load_progress())
            if not pushed.ok:
                print(f"pinlab: progress not sent: {pushed.error}", file=sys.stderr)
    text = {"text": report.to_text, "json": report.to_json, "junit": report.to_junit}[args.format](
        results
    )
    if args.output:
        args.output.write_text(text + "\n")
    else:
        print(text)
    return 0 if all(r.passed for r in results) else 1


def cmd_init(args: argparse.Namespace) -> int:
    from workshop.engine.workspace import Workspace

    ws = Workspace(args.dir or args.workspace)
    copied = ws.ensure(_catalog())
    print(f"workspace {ws.root}: {len(copied)} starter files copied")
    return 0


def cmd_reset(args: argparse.Namespace) -> int:
    from workshop.engine.workspace import Workspace

    catalog = _catalog()
    ex = resolve(catalog, args.exercise)
    ws = Workspace(args.workspace)
    ws.ensure(catalog)
    backup = ws.reset(ex)
    print(f"{ex.id} reset to its starter" + (f"; your version is in {backup}" if backup else ""))
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from workshop.engine.report import history_text
    from workshop.engine.workspace import Workspace

    ex = resolve(_catalog(), args.exercise)
    attempts = Workspace(args.workspace).history(ex)
    if args.format == "json":
        print(json.dumps([a.to_json() for a in attempts], indent=2))
    else:
        print(history_text(ex, attempts))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from workshop.engine.workspace import Workspace

    catalog = _catalog()
    ws = Workspace(args.workspace)
    for ex in catalog:
        print(f"{ex.id:<28} {ex.difficulty:<7} {ws.status(ex):<12} {ex.title}")
        if args.variants:
            for v in ex.variants:
                verdict = f"must miss {', '.join(v.catches)}" if v.wrong else "must pass"
                who = " (written independently)" if v.by == "independent" else ""
                print(f"    {v.name:<28} {verdict}{who}: {v.why}")
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from workshop.engine import costcard, toolchain

    tc = toolchain.find()
    card = None if args.again else costcard.load_card(tc)
    if card is None:
        print("measuring the cost card (about 20 s)…", file=sys.stderr, flush=True)
        try:
            card = asyncio.run(costcard.calibrate(tc))
        except costcard.CalibrationError as exc:
            print(f"pinlab: {exc}", file=sys.stderr)
            return 1
    print(card.to_json() if args.format == "json" else costcard.to_text(card))
    return 0


def cmd_class(args: argparse.Namespace) -> int:
    if args.config is not None:
        from workshop.engine.class_setup import write_room_config

        print(write_room_config(args.config, args.gateway))
        return 0
    if not args.prometheus:
        print("pinlab class: give --prometheus URL (the view) or --config DIR (the set-up)")
        return 2
    from workshop.app.class_app import run_class_view

    return run_class_view(args)


def main(argv: list[str] | None = None) -> int:
    words = _normalise(list(sys.argv[1:] if argv is None else argv))
    cmd: list[str] = []
    if "probe" in words and "--" in words[words.index("probe") :]:
        cut = words.index("--", words.index("probe"))
        words, cmd = words[:cut], words[cut + 1 :]  # what follows -- is the command to watch
    args = _parser().parse_args(words)
    args.cmd = cmd
    command = args.command or "workshop"
    try:
        class_settings(args)  # a wrong --class is said before anything runs
        if command == "check":
            return cmd_check(args)
        if command == "calibrate":
            return cmd_calibrate(args)
        if command == "init":
            return cmd_init(args)
        if command == "reset":
            return cmd_reset(args)
        if command == "list":
            return cmd_list(args)
        if command == "history":
            return cmd_history(args)
        if command == "probe":
            from workshop.probe_cmd import run_probe

            return run_probe(args)
        if command == "class":
            return cmd_class(args)
        from workshop.app.main import run_app

        return run_app(args, command)
    except (CatalogError, ToolchainError, ClassSetupError) as exc:
        print(f"pinlab: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `pinlab check | head`: the reader left, nothing to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
