"""The classroom, for real on loopback: Debian's prometheus-pushgateway and
prometheus on free ports (workshop/engine/class_local.py), pushes from the
real pinlab code (Workspace.record -> Pusher -> the gateway), read back
through the class view's own module and its screen (Pilot)."""

from __future__ import annotations

import asyncio
import http.server
import io
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.exposition import generate_latest
from rich.console import Console
from test_app_support import wait_for

from widgets.class_grid import ClassGrid
from widgets.class_stuck import StuckList
from workshop import cli
from workshop.app.class_app import ClassApp, catalog_words
from workshop.app.screens.class_view import ClassViewScreen
from workshop.engine import classroom
from workshop.engine.catalog import Exercise
from workshop.engine.class_local import (
    MEMORY_ONLY,
    LocalRoom,
    RoomUnavailable,
    free_port,
    start_gateway,
)
from workshop.engine.class_query import (
    IN_PROGRESS,
    NOT_STARTED,
    SOLVED,
    PromClient,
    Sample,
    aggregate,
    fetch_snapshot,
    hidden_names,
)
from workshop.engine.class_setup import machine_address, write_room_config
from workshop.engine.classroom import ClassSettings, ClassSetupError, Pusher, push_progress
from workshop.engine.progress import ExerciseProgress, Progress
from workshop.engine.verdict import MET, MISSED, Verdict
from workshop.engine.workspace import Workspace

# What the README says is sent: these metric names and nothing else.
SENT = {
    "pinlab_exercise_targets",
    "pinlab_exercise_targets_met",
    "pinlab_exercise_solved",
    "pinlab_exercise_checks_total",
    "pinlab_exercise_first_check_timestamp_seconds",
    "pinlab_exercise_last_check_timestamp_seconds",
    "pinlab_exercise_progress_timestamp_seconds",
    "pinlab_exercise_first_pass_timestamp_seconds",
    "pinlab_current_exercise",
    "pinlab_target_value",
    "pinlab_target_met",
}


def verdicts(ex: Exercise, met: int) -> list[Verdict]:
    return [
        Verdict(t.id, t.label, t.kind, MET if i < met else MISSED, float(i + 1), t.unit)
        for i, t in enumerate(ex.targets)
    ]


@pytest.fixture(scope="module")
def room() -> Iterator[LocalRoom]:
    try:
        r = LocalRoom.start()
    except RoomUnavailable as exc:
        pytest.skip(str(exc))
    yield r
    r.stop()


def rendered(widget: object) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(widget.render())  # type: ignore[attr-defined]
    return console.export_text()


def wait_until(condition, timeout: float = 20.0, what: str = "") -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


# --- settings and what is sent ------------------------------------------------


def test_settings_from_options_env_and_url() -> None:
    assert ClassSettings.resolve(None, None, env={}) is None  # opt-in: nothing is sent
    s = ClassSettings.resolve(
        None, None, env={"PINLAB_CLASS": "10.0.0.5:9091", "PINLAB_NAME": "Ada"}
    )
    assert s is not None and s.url == "http://10.0.0.5:9091" and s.name == "Ada"
    s = ClassSettings.resolve("https://room:secret@gw.example:9443/", "Bo", env={})
    assert s is not None
    assert (s.url, s.username, s.password) == ("https://gw.example:9443", "room", "secret")
    assert "secret" not in repr(s)
    s = ClassSettings.resolve("http://gw:9091", "Cy", env={"PINLAB_CLASS_TOKEN": "t0k"})
    assert s is not None and s.token == "t0k"
    with pytest.raises(ClassSetupError, match="--name"):
        ClassSettings.resolve("http://gw:9091", None, env={})
    with pytest.raises(ClassSetupError, match="not a Pushgateway URL"):
        ClassSettings.resolve("ftp://gw", "Ada", env={})


def test_record_keeps_what_a_push_needs(tmp_path: Path, catalog: list[Exercise]) -> None:
    ws = Workspace(tmp_path)
    ws.ensure(catalog)
    ex = catalog[0]
    ws.file(ex, ex.editable[0]).write_text("// edited\n")
    ws.record(ex, False, verdicts(ex, 1), when=100.0)
    ws.record(ex, False, verdicts(ex, 1), when=200.0)  # no rise: progress time stays
    ws.record(ex, True, verdicts(ex, len(ex.targets)), when=300.0)
    ws.record(ex, False, verdicts(ex, 0), when=400.0)  # a later miss keeps the pass
    entry = ws.load_progress().exercises[ex.id]
    assert entry.checks == 4
    assert (entry.first_check, entry.last_check) == (100.0, 400.0)
    assert entry.progress_at == 300.0 and entry.first_pass == 300.0
    assert entry.status == SOLVED and entry.last is not None and entry.last.met == 0
    assert entry.last.targets[0].value == 1.0
    assert ws.load_progress().current == ex.id


def test_only_the_documented_metrics_leave_and_no_paths(
    tmp_path: Path, catalog: list[Exercise]
) -> None:
    ws = Workspace(tmp_path / "secret-home-folder")
    ws.ensure(catalog)
    ws.record(catalog[0], True, verdicts(catalog[0], len(catalog[0].targets)))
    ws.record(catalog[1], False, verdicts(catalog[1], 2))
    text = generate_latest(classroom.progress_registry(ws.load_progress())).decode()
    names = {
        line.split("{")[0].split(" ")[0]
        for line in text.splitlines()
        if line and not line.startswith("#")
    }
    assert names == SENT
    assert "secret-home-folder" not in text and str(tmp_path) not in text
    assert catalog[2].id not in text  # never checked: nothing about it is sent
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    for name in SENT:
        assert name in readme, f"the README does not say that {name} is sent"


# --- pushes through the real gateway, read back through the real Prometheus ------


def test_a_check_pushes_and_the_class_view_reads_it(
    room: LocalRoom, tmp_path: Path, catalog: list[Exercise]
) -> None:
    ws = Workspace(tmp_path)
    ws.ensure(catalog)
    settings = ClassSettings.resolve(room.gateway_url, "Ada Lovelace", env={})
    assert settings is not None
    pusher = Pusher(settings, ws.load_progress)
    ws.on_record.append(pusher.request)
    a, b = catalog[0], catalog[1]
    now = time.time()
    ws.record(a, True, verdicts(a, len(a.targets)), when=now - 600)
    ws.file(b, b.editable[0]).write_text("// trying\n")
    ws.record(b, False, verdicts(b, 2), when=now - 20 * 60)
    ws.record(b, False, verdicts(b, 2), when=now - 60)
    wait_until(lambda: len([o for o in pusher.outcomes if o.ok]) >= 1, what="a push")
    pusher.close(flush=3)
    assert all(o.ok for o in pusher.outcomes), pusher.outcomes
    order, _ = catalog_words()

    def seen() -> bool:
        snap = fetch_snapshot(PromClient(room.prometheus_url), 10, order)
        return snap.cell("Ada Lovelace", b.id).checks == 2

    wait_until(seen, what="Prometheus to scrape the push")
    snap = fetch_snapshot(PromClient(room.prometheus_url), 10, order)
    assert snap.problems == [] and snap.gateway_up is True
    assert snap.cell("Ada Lovelace", a.id).state == SOLVED
    cell = snap.cell("Ada Lovelace", b.id)
    assert (cell.state, cell.met, cell.total) == (IN_PROGRESS, 2, len(b.targets))
    assert snap.cell("Ada Lovelace", catalog[2].id).state == NOT_STARTED
    assert snap.current["Ada Lovelace"] == b.id
    (stuck,) = snap.stuck  # no rise for 20 minutes, more than 10
    assert stuck.exercise == b.id and 19 < stuck.minutes < 22
    assert stuck.missed == tuple(sorted(t.id for t in b.targets[2:]))
    assert snap.exercises[: len(order)] == tuple(order)


def test_a_failing_push_is_said_once_retried_and_never_raises(
    tmp_path: Path, catalog: list[Exercise]
) -> None:
    ws = Workspace(tmp_path)
    ws.ensure(catalog)
    # a gateway that hangs: the kernel accepts the connection, nobody answers
    hang = socket.socket()
    hang.bind(("127.0.0.1", 0))
    hang.listen(16)
    port = hang.getsockname()[1]
    settings = ClassSettings(f"http://127.0.0.1:{port}", "Bo", timeout=0.5)
    said: list[tuple[str, bool]] = []
    pusher = Pusher(settings, ws.load_progress, lambda text, ok: said.append((text, ok)))
    pusher.RETRY = (0.3,)  # type: ignore[misc]
    ws.on_record.append(pusher.request)
    t0 = time.perf_counter()
    ws.record(catalog[0], False, verdicts(catalog[0], 1))
    assert time.perf_counter() - t0 < 0.3  # far less than the push's 0.5 s timeout
    wait_until(lambda: len(pusher.outcomes) >= 3, what="retries")
    assert all(not o.ok and o.seconds >= 0.45 for o in pusher.outcomes)  # each one timed out
    assert [ok for _, ok in said] == [False]  # shown once, however many retries
    assert "cannot reach the classroom" in said[0][0]
    hang.close()
    if not shutil.which("prometheus-pushgateway"):
        pusher.close()
        pytest.skip("needs prometheus-pushgateway for the recovery")
    gw = subprocess.Popen(
        ["prometheus-pushgateway", f"--web.listen-address=127.0.0.1:{port}", *MEMORY_ONLY],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: any(ok for _, ok in said), what="the retry to succeed")
        assert said[-1][1] is True and pusher.outcomes[-1].ok
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics").read().decode()
        assert 'pinlab_exercise_checks_total{exercise="01-' in body and 'learner="Bo"' in body
    finally:
        pusher.close()
        gw.terminate()
        gw.wait()


def test_basic_auth_against_the_real_gateway(tmp_path: Path) -> None:
    crypt = pytest.importorskip("crypt", reason="needs the crypt module for a bcrypt hash")
    hashed = crypt.crypt("room-pass", crypt.mksalt(crypt.METHOD_BLOWFISH))
    if not hashed or not hashed.startswith("$2"):
        pytest.skip("this libc's crypt makes no bcrypt hash")
    web = tmp_path / "web.yml"
    web.write_text(f"basic_auth_users:\n  room: '{hashed}'\n")
    try:
        url, gw = start_gateway(web)
    except RoomUnavailable as exc:
        pytest.skip(str(exc))
    try:
        progress = Progress({"01-x": ExerciseProgress("01-x", IN_PROGRESS, checks=1)})
        right = ClassSettings.resolve(url.replace("//", "//room:room-pass@"), "Ada", env={})
        wrong = ClassSettings.resolve(url, "Ada", env={"PINLAB_CLASS_USER": "room"})
        assert right is not None and wrong is not None
        assert push_progress(right, progress).ok
        refused = push_progress(wrong, progress)
        assert not refused.ok and refused.error and "refused the credentials" in refused.error
    finally:
        gw.terminate()
        gw.wait()


def test_bearer_token_reaches_the_gateway_through_a_proxy(room: LocalRoom) -> None:
    """The Pushgateway itself knows only basic auth; a room that wants
    tokens puts a proxy in front. This proxy (the stand-in: there is no such
    proxy in Debian to start) refuses requests without the token and
    forwards the rest to the real gateway."""
    seen: list[str | None] = []

    class Proxy(http.server.BaseHTTPRequestHandler):
        def do_PUT(self) -> None:  # noqa: N802
            seen.append(self.headers.get("Authorization"))
            if self.headers.get("Authorization") != "Bearer s3cret":
                self.send_response(401)
                self.end_headers()
                return
            body = self.rfile.read(int(self.headers["Content-Length"]))
            req = urllib.request.Request(
                room.gateway_url + self.path, body, method="PUT", headers=dict(self.headers)
            )
            with urllib.request.urlopen(req) as r:
                self.send_response(r.status)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        progress = Progress({"01-x": ExerciseProgress("01-x", IN_PROGRESS, checks=7)})
        with_token = ClassSettings.resolve(url, "Token Tess", env={"PINLAB_CLASS_TOKEN": "s3cret"})
        without = ClassSettings.resolve(url, "Token Tess", env={})
        assert with_token is not None and without is not None
        assert not push_progress(without, progress).ok
        assert push_progress(with_token, progress).ok
        assert seen == [None, "Bearer s3cret"]
        body = urllib.request.urlopen(room.gateway_url + "/metrics").read().decode()
        assert 'learner="Token Tess"' in body
    finally:
        server.shutdown()


def test_pinlab_check_pushes_after_the_check(
    room: LocalRoom, tmp_path: Path, catalog: list[Exercise], capsys: pytest.CaptureFixture[str]
) -> None:
    ws = tmp_path / "ws"
    argv = ["check", "03", "--seconds", "0.3", "--workspace", str(ws)]
    argv += ["--class", room.gateway_url, "--name", "Cli Cat"]
    assert cli.main(argv) == 1  # the starter misses a target; the push still happens
    body = urllib.request.urlopen(room.gateway_url + "/metrics").read().decode()
    line = next(
        x
        for x in body.splitlines()
        if x.startswith("pinlab_exercise_checks_total") and "Cli Cat" in x
    )
    assert line.endswith(" 1") and 'exercise="03-pinned-pool"' in line
    assert "progress not sent" not in capsys.readouterr().err


def test_an_unreachable_gateway_never_fails_pinlab_check_for_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    argv = ["--class", url, "--name", "X", "check", "03", "--seconds", "0.3"]
    assert cli.main([*argv, "--workspace", str(tmp_path / "ws")]) == 1  # the starter's own miss
    assert "progress not sent: cannot reach the classroom" in capsys.readouterr().err


# --- the class view's module and screen -------------------------------------------


def test_aggregate_grid_stuck_and_solve_times() -> None:
    def s(name: str, learner: str, ex: str, v: float, **labels: str) -> Sample:
        return Sample({"__name__": name, "learner": learner, "exercise": ex, **labels}, v)

    now = 10_000.0
    series = [
        s("pinlab_exercise_checks_total", "a", "01", 3),
        s("pinlab_exercise_solved", "a", "01", 1),
        s("pinlab_exercise_first_check_timestamp_seconds", "a", "01", now - 1200),
        s("pinlab_exercise_first_pass_timestamp_seconds", "a", "01", now - 600),
        s("pinlab_exercise_checks_total", "b", "01", 2),
        s("pinlab_exercise_solved", "b", "01", 0),
        s("pinlab_exercise_targets", "b", "01", 4),
        s("pinlab_exercise_targets_met", "b", "01", 1),
        s("pinlab_exercise_progress_timestamp_seconds", "b", "01", now - 300),
        s("pinlab_current_exercise", "b", "01", 1),
        s("pinlab_exercise_checks_total", "c", "02", 1),
        s("pinlab_exercise_progress_timestamp_seconds", "c", "02", now - 3600),
        s("pinlab_current_exercise", "c", "02", 1),
    ]
    missed = [Sample({"learner": "c", "exercise": "02", "target": "threads"}, 0)]
    snap = aggregate(series, missed, True, now, stuck_minutes=10, order=["01", "02", "03"])
    assert snap.learners == ("a", "b", "c") and snap.exercises == ("01", "02", "03")
    assert snap.cell("a", "01").text == "✓" and snap.cell("b", "01").text == "1/4"
    assert snap.cell("a", "02").text == "·"
    assert [(x.learner, x.missed) for x in snap.stuck] == [("c", ("threads",))]  # b: 5 min only
    t01 = snap.solve_times[0]
    assert (t01.started, t01.solved, t01.median) == (2, 1, 10.0)
    assert hidden_names(["zoe", "al"]) == {"al": "learner 01", "zoe": "learner 02"}
    assert aggregate([], [], False, now, 10).problems[0].startswith("Prometheus cannot scrape")


async def test_class_view_screen_on_the_real_room(
    room: LocalRoom, tmp_path: Path, catalog: list[Exercise]
) -> None:
    order, labels = catalog_words()
    for name, met in (("Grace Hopper", 1), ("Alan Turing", 3)):
        ws = Workspace(tmp_path / name)
        ws.ensure(catalog)
        ex = catalog[2]
        ws.record(ex, False, verdicts(ex, met), when=time.time() - 30 * 60)
        settings = ClassSettings.resolve(room.gateway_url, name, env={})
        assert settings is not None and push_progress(settings, ws.load_progress()).ok
    client = PromClient(room.prometheus_url)
    await asyncio.to_thread(
        wait_until,
        lambda: {"Grace Hopper", "Alan Turing"} <= set(fetch_snapshot(client).learners),
        20.0,
        "the scrape",
    )
    app = ClassApp(client, refresh_seconds=1.0, order=order, target_labels=labels)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = app.screen
        assert isinstance(screen, ClassViewScreen)
        await wait_for(pilot, lambda: screen.snapshot is not None, 20, "the first refresh")
        grid = screen.query_one(ClassGrid)
        names = {str(grid.get_row(k)[0]) for k in grid.rows}
        assert {"Grace Hopper", "Alan Turing"} <= names
        ex = catalog[2]
        assert str(grid.get_row("Grace Hopper")[2 + order.index(ex.id)]) == f"1/{len(ex.targets)}"
        stuck = rendered(screen.query_one(StuckList))
        assert "Grace Hopper" in stuck and f"{ex.id} 1/{len(ex.targets)}" in stuck
        # the missed targets in words: the first two by id, then how many more
        first, second = sorted(t.id for t in ex.targets[1:])[:2]
        misses = f"{labels[(ex.id, first)]}; {labels[(ex.id, second)]} (+{len(ex.targets) - 3})"
        assert f"misses: {misses}" in stuck, stuck
        await pilot.press("p")  # projection: names hidden
        await pilot.pause()
        shown = {str(grid.get_row(k)[0]) for k in grid.rows}
        assert not shown & {"Grace Hopper", "Alan Turing"}
        assert all(n.startswith("learner ") for n in shown)
        assert "Grace Hopper" not in rendered(screen.query_one(StuckList))
        status = str(screen.query_one("#class-status").render())
        assert "learners" in status and "refreshed in" in status


async def test_class_view_says_plainly_when_prometheus_is_down() -> None:
    app = ClassApp(PromClient(f"http://127.0.0.1:{free_port()}", timeout=1), refresh_seconds=1)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, ClassViewScreen)
        await wait_for(pilot, lambda: screen.refreshes > 0, 10, "a refresh")
        status = str(screen.query_one("#class-status").render())
        assert "cannot reach Prometheus at http://127.0.0.1:" in status


def test_room_config_is_valid_for_promtool(tmp_path: Path) -> None:
    said = write_room_config(tmp_path / "room", "0.0.0.0:9091")
    yml = (tmp_path / "room" / "prometheus.yml").read_text()
    assert "honor_labels: true" in yml and '"0.0.0.0:9091"' in yml
    address = machine_address()
    assert f"pinlab --class http://{address}:9091" in said and "THIS-MACHINE" not in said
    assert not address.startswith("127.")
    start = (tmp_path / "room" / "start.sh").read_text()
    assert "prometheus-pushgateway --web.listen-address=:9091" in start
    if not shutil.which("promtool"):
        pytest.skip("promtool (Debian's prometheus) is not installed")
    out = subprocess.run(
        ["promtool", "check", "config", str(tmp_path / "room" / "prometheus.yml")],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr


async def test_the_workshop_pushes_off_its_thread_and_says_a_failure_once(
    tmp_path: Path, room: LocalRoom
) -> None:
    from test_app_support import make_app

    down = ClassSettings(f"http://127.0.0.1:{free_port()}", "Offline Olga", timeout=0.5)
    app, ws, catalog = make_app(tmp_path, check_on_open=False, watch=False, classroom=down)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.class_status is not None, 10, "the failure")
        assert app.class_status and "cannot reach the classroom" in app.class_status
        assert app.pusher is not None
        app.pusher.settings = ClassSettings(room.gateway_url, "Offline Olga")  # the room is back
        t0 = time.perf_counter()
        ws.record(catalog[0], False, verdicts(catalog[0], 1))  # as the exercise screen does
        assert time.perf_counter() - t0 < 1.0  # the UI thread only writes the file
        await wait_for(pilot, lambda: app.class_status is None, 10, "the retry")
    body = urllib.request.urlopen(room.gateway_url + "/metrics").read().decode()
    assert 'learner="Offline Olga"' in body


def test_pinlab_class_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["class", "--config", str(tmp_path / "room")]) == 0
    assert (tmp_path / "room" / "prometheus.yml").exists()
    assert "room/start.sh" in capsys.readouterr().out
    assert cli.main(["class"]) == 2
    assert cli.main(["--class", "http://gw:9091", "list"]) == 2  # a name is needed
    assert "--name" in capsys.readouterr().err


def test_the_view_says_when_prometheus_cannot_scrape_the_gateway() -> None:
    try:
        room = LocalRoom.start()
    except RoomUnavailable as exc:
        pytest.skip(str(exc))
    try:
        client = PromClient(room.prometheus_url)
        assert fetch_snapshot(client).problems == []
        room.gateway.terminate()  # the gateway goes away; Prometheus stays
        room.gateway.wait()
        wait_until(lambda: fetch_snapshot(client).gateway_up is False, what="up == 0")
        (problem,) = fetch_snapshot(client).problems
        assert "cannot scrape the Pushgateway" in problem
        room.prometheus.terminate()
        room.prometheus.wait()
        snap = fetch_snapshot(client)
        assert snap.error and snap.problems == [snap.error]
        assert f"cannot reach Prometheus at {room.prometheus_url}" in snap.error
    finally:
        room.stop()
