"""Building an exercise: the pristine driver and tests from exercises/, the
editable files from a workspace (or the starter, or the reference solution),
joined with `go build -overlay` so that editing the driver cannot pass."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from workshop.engine import paths
from workshop.engine.callgraph import CallGraph
from workshop.engine.catalog import Exercise, Variant
from workshop.engine.integrity import declared_tests
from workshop.engine.sandbox import run_captured
from workshop.engine.toolchain import Toolchain
from workshop.engine.watch import not_built, stray_go_files

BUILD_TIMEOUT = 180.0

_DIAG = re.compile(r"^(?P<file>[^\s:][^:]*\.go):(?P<line>\d+)(?::(?P<col>\d+))?: (?P<msg>.+)$")


@dataclass(frozen=True)
class Source:
    """Where the editable files come from: a workspace folder, 'starter' /
    'solution' from the exercise itself, or one of its learner variants (a
    file the variant does not hold is the solution's)."""

    kind: str  # "workspace" | "starter" | "solution" | "variant"
    directory: Path | None = None
    name: str = ""  # the variant's name

    @classmethod
    def variant(cls, v: Variant) -> Source:
        return cls("variant", v.directory, v.name)

    def file(self, ex: Exercise, name: str) -> Path:
        if self.kind == "workspace" and self.directory is not None:
            return self.directory / name
        if self.kind == "variant" and self.directory is not None:
            if (self.directory / name).is_file():
                return self.directory / name
            return ex.solution_file(name)
        if self.kind == "solution":
            return ex.solution_file(name)
        return ex.starter_file(name)

    @property
    def folder(self) -> str:
        """Its build folder's name: each variant its own, so that a variant
        checked against another never runs the other's binary."""
        return f"variant-{self.name}" if self.kind == "variant" else self.kind

    @property
    def label(self) -> str:
        if self.kind == "variant":
            return self.name
        return "yours" if self.kind == "workspace" else self.kind


@dataclass(frozen=True)
class Diagnostic:
    file: str  # relative to the workspace (or the exercise, for pristine files)
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


@dataclass
class BuildResult:
    ok: bool
    binary: Path | None
    seconds: float
    diagnostics: list[Diagnostic] = field(default_factory=list)
    log: str = ""
    inlined: set[str] = field(default_factory=set)  # functions inlined into a caller
    error: str | None = None  # one line: why it failed


def write_overlay(ex: Exercise, source: Source, dest: Path) -> Path:
    replace = {}
    for name in ex.editable:
        src = source.file(ex, name)
        if source.kind != "starter":
            replace[str(ex.starter_file(name))] = str(src)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps({"Replace": replace}))
    return dest


def parse_diagnostics(output: str, ex: Exercise, source: Source) -> list[Diagnostic]:
    """Compiler and vet messages as file:line:col, the file named as the
    learner knows it (workspace-relative)."""
    diags = []
    for raw in output.splitlines():
        m = _DIAG.match(raw.strip().removeprefix("vet: "))
        if not m:
            continue
        name = Path(m.group("file")).name
        shown = f"{ex.id}/{name}"
        if name in ex.editable and source.kind in ("solution", "variant"):
            shown = str(source.file(ex, name).relative_to(paths.EXERCISES))
        diags.append(
            Diagnostic(shown, int(m.group("line")), int(m.group("col") or 0), m.group("msg"))
        )
    return diags


def parse_inlined(output: str) -> set[str]:
    """Function names the compiler inlined into a caller ('inlining call to f')."""
    return {m.group(1) for m in re.finditer(r"inlining call to ([\w.]+)", output)}


def _missing(ex: Exercise, source: Source) -> str | None:
    for name in ex.editable:
        if not source.file(ex, name).is_file():
            return f"{source.file(ex, name)} is missing (run `pinlab reset {ex.id}` to restore it)"
    return None


# no DWARF: the link is a third shorter, and panics and race reports are
# still symbolised (they read the pcln table, which -w keeps)
LDFLAGS = "-ldflags=-w"


def race_env() -> dict[str, str]:
    """A -race binary sleeps 1 s at exit by default (atexit_sleep_ms), for
    reports from threads still running: a test binary's threads are done."""
    return {"GORACE": f"{os.environ.get('GORACE', '')} atexit_sleep_ms=0".strip()}


async def build(ex: Exercise, source: Source, tc: Toolchain, out_dir: Path) -> BuildResult:
    """go build with -gcflags=-m (inlining decisions come free with the build)."""
    t0 = time.monotonic()
    if missing := _missing(ex, source):
        return BuildResult(False, None, 0.0, error=missing)
    overlay = write_overlay(ex, source, out_dir / "overlay.json")
    binary = out_dir / "prog"
    argv = [
        tc.go,
        "build",
        "-overlay",
        str(overlay),
        "-gcflags=-m",
        LDFLAGS,
        "-o",
        str(binary),
        f"./{ex.id}",
    ]
    res = await run_captured(argv, cwd=paths.EXERCISES, env=tc.env(), timeout=BUILD_TIMEOUT)
    seconds = time.monotonic() - t0
    output = res.output
    if res.timed_out:
        return BuildResult(False, None, seconds, log=output, error="go build timed out")
    if res.returncode != 0:
        diags = parse_diagnostics(output, ex, source)
        first = str(diags[0]) if diags else (output.strip().splitlines() or ["go build failed"])[-1]
        error = f"does not compile: {first}"
        if source.kind == "workspace" and source.directory is not None:
            strays = stray_go_files(source.directory, ex.editable)
            error += f" ({not_built(strays, ex.editable)})" if strays else ""
        return BuildResult(False, None, seconds, diags, output, error=error)
    # -m output is chatty; keep only real problems in the log
    log = "\n".join(ln for ln in output.splitlines() if not _is_opt_note(ln))
    return BuildResult(True, binary, seconds, [], log, parse_inlined(output))


def _is_opt_note(line: str) -> bool:
    return any(
        s in line
        for s in (
            ": can inline",
            ": inlining call",
            "escapes to heap",
            "does not escape",
            "moved to heap",
            "leaking param",
            "# pinlab/",
            ": func literal",
            "cannot inline",
        )
    )


async def vet(ex: Exercise, source: Source, tc: Toolchain, out_dir: Path) -> list[Diagnostic]:
    """go vet's findings in the editable files (warnings: they do not fail a check)."""
    overlay = write_overlay(ex, source, out_dir / "overlay-vet.json")
    argv = [tc.go, "vet", "-overlay", str(overlay), f"./{ex.id}"]
    res = await run_captured(argv, cwd=paths.EXERCISES, env=tc.env(), timeout=BUILD_TIMEOUT)
    if res.returncode == 0:
        return []
    diags = parse_diagnostics(res.output, ex, source)
    return [d for d in diags if Path(d.file).name in ex.editable]


@dataclass(frozen=True)
class GoTestResult:
    passed: bool
    seconds: float
    failed_tests: tuple[str, ...]
    races: int
    output: str
    error: str | None
    # each failed test's own output (its t.Errorf lines, file:line first), in order
    failures: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class TestBinary:
    """The exercise's tests compiled against the source's files (`go test -c`),
    or why they do not compile."""

    path: Path | None
    seconds: float
    output: str = ""

    @property
    def ok(self) -> bool:
        return self.path is not None


async def compile_tests(
    ex: Exercise, source: Source, tc: Toolchain, out_dir: Path, race: bool
) -> TestBinary:
    """`go test -c`: the check starts it beside the build, so that only the
    tests' run is left for after the measurement."""
    t0 = time.monotonic()
    if missing := _missing(ex, source):
        return TestBinary(None, 0.0, missing)
    overlay = write_overlay(ex, source, out_dir / "overlay-test.json")
    binary = out_dir / ("tests-race" if race else "tests")
    argv = [tc.go, "test", "-c", LDFLAGS, "-o", str(binary), "-overlay", str(overlay)]
    if race:
        argv.append("-race")
    argv.append(f"./{ex.id}")
    res = await run_captured(argv, cwd=paths.EXERCISES, env=tc.env(), timeout=BUILD_TIMEOUT)
    seconds = time.monotonic() - t0
    if res.returncode != 0 or not binary.exists():
        return TestBinary(None, seconds, res.output or "go test -c failed")
    return TestBinary(binary, seconds)


def selected(tests: set[str], run: str) -> set[str]:
    """The top-level tests a -test.run pattern selects: its first
    slash-separated element, matched unanchored as `go test` does."""
    if not run:
        return tests
    depth, top = 0, run
    for i, ch in enumerate(run):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "/" and depth == 0:
            top = run[:i]
            break
    try:
        pattern = re.compile(top)
    except re.error:
        return tests
    return {t for t in tests if pattern.search(t)}


async def run_tests(
    ex: Exercise, tc: Toolchain, tests: TestBinary, timeout: float = 240.0, run: str = ""
) -> GoTestResult:
    """Run compiled tests as `go test -json` would (test2json), in the
    exercise's folder (only those matching `run`, a -test.run pattern, when
    given), and read which failed and whether a race was found."""
    if tests.path is None:
        return GoTestResult(False, tests.seconds, (), 0, tests.output, "tests do not compile")
    t0 = time.monotonic()
    argv = [tc.go, "tool", "test2json", "-t", str(tests.path), "-test.v=test2json"]
    argv += ["-test.count=1", f"-test.timeout={int(timeout * 0.8)}s"]
    if run:
        argv.append(f"-test.run={run}")
    res = await run_captured(argv, cwd=ex.directory, env=tc.env(race_env()), timeout=timeout)
    failed: list[str] = []
    ran: set[str] = set()
    text: list[str] = []
    said: dict[str, list[str]] = {}  # what each test printed, framing lines left out
    for line in res.stdout.splitlines():
        try:
            ev = json.loads(line)
        except ValueError:
            text.append(line)
            continue
        if ev.get("Action") == "output":
            out = ev.get("Output", "").rstrip("\n")
            text.append(out)
            if ev.get("Test") and not _FRAMING.match(out):
                said.setdefault(ev["Test"], []).append(out.strip())
        elif ev.get("Action") == "fail" and ev.get("Test"):
            failed.append(ev["Test"])
        elif ev.get("Action") in ("pass", "skip") and ev.get("Test"):
            ran.add(ev["Test"])
    output = "\n".join(text + [res.stderr])
    races = output.count("WARNING: DATA RACE")
    seconds = tests.seconds + time.monotonic() - t0
    if res.timed_out:
        return GoTestResult(False, seconds, tuple(failed), races, output, "go test timed out")
    passed = res.returncode == 0
    error = None
    # every test the pristine test files declare must have run (read here,
    # outside the binary: a test binary that exits 0 early does not pass)
    silent = sorted(selected(declared_tests(ex.directory), run) - ran - set(failed))
    if passed and silent:
        passed = False
        error = f"{len(silent)} tests never ran ({', '.join(silent[:3])}): did the code exit early?"
    elif not passed:
        if races:
            error = f"data race detected ({races})"
        else:
            error = "failed: " + ", ".join(failed) if failed else "go test failed"
    failures = tuple((t, "\n".join(said.get(t, []))) for t in failed if said.get(t))
    return GoTestResult(passed, seconds, tuple(failed), races, output, error, failures)


# test2json's own lines around a test's output
_FRAMING = re.compile(r"^\s*(=== (RUN|PAUSE|CONT|NAME)|--- (FAIL|PASS|SKIP):|(FAIL|PASS|ok)\b)")


_tool_lock = asyncio.Lock()


async def tool(name: str, tc: Toolchain) -> Path:
    """A helper command from exercises/tools, built once per source and toolchain."""
    src = paths.EXERCISES / "tools" / name
    digest = hashlib.sha256(tc.version.encode())
    for f in sorted(src.glob("*.go")) + [paths.EXERCISES / "go.sum"]:
        digest.update(f.read_bytes())
    tool = paths.cache_dir() / f"{name}-{digest.hexdigest()[:16]}"
    async with _tool_lock:
        if not tool.exists():
            tmp = tool.with_suffix(f".{os.getpid()}")
            res = await run_captured(
                [tc.go, "build", "-o", str(tmp), f"./tools/{name}"],
                cwd=paths.EXERCISES,
                env=tc.env(),
                timeout=BUILD_TIMEOUT,
            )
            if res.returncode != 0:
                raise RuntimeError(f"building {name} failed: {res.output}")
            os.replace(tmp, tool)
    return tool


async def call_graph(ex: Exercise, source: Source, tc: Toolchain, out_dir: Path) -> CallGraph:
    """The reference graph of the exercise's package, with the source's files,
    resolved by type information (exercises/tools/pincalls)."""
    pincalls = await tool("pincalls", tc)
    overlay = write_overlay(ex, source, out_dir / "overlay-calls.json")
    res = await run_captured(
        [str(pincalls), "-overlay", str(overlay), f"./{ex.id}/..."],
        cwd=paths.EXERCISES,
        env=tc.env(),
        timeout=BUILD_TIMEOUT,
    )
    if res.returncode != 0:
        raise SyntaxError(res.output.strip() or "pincalls failed")
    return CallGraph.from_json(res.stdout)
