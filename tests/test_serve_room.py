"""`pinlab serve` safe for a room, with the real server and headless
Chromium: bound beyond loopback, a request without the token is refused
and one with it is served (the page then works from its cookie); the
session cap is enforced with a plain page; the page fetches nothing from
the internet; and the read-only view refuses the keys that change the
workspace or run code, in the app itself (Pilot)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from test_app_support import make_app, wait_for
from test_serve_browser import CHROMIUM, CHROMIUM_FLAGS, PINLAB, ROWS_JS, free_port, wait_port

from workshop.app.main import serve_command
from workshop.app.screens.check_all import CheckAllScreen
from workshop.app.screens.confirm import ConfirmScreen
from workshop.app.screens.exercise import ExerciseScreen
from workshop.app.serve import is_loopback
from workshop.engine.catalog import load_catalog
from workshop.engine.class_setup import machine_address
from workshop.engine.workspace import ReadOnlyWorkspace

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)"
)


@contextlib.contextmanager
def serving(tmp_path: Path, *extra: str) -> Iterator[tuple[int, str]]:
    """pinlab serve on 0.0.0.0 (beyond loopback); yields the port and the URL it printed."""
    port = free_port()
    server = subprocess.Popen(
        [str(PINLAB), "--workspace", str(tmp_path / "ws"), "serve", "--host", "0.0.0.0"]
        + ["--port", str(port), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline().decode()
        m = re.search(r"(http://127\.0\.0\.1:\d+/\?token=[\w-]+)", first)
        assert m, f"no URL with a token printed: {first!r}"
        second = server.stdout.readline().decode()  # the URL for the room: a real address
        assert f"http://{machine_address()}:{port}/?token=" in second, second
        wait_port(port, 30)
        yield port, m.group(1)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


class Page:
    """One Chromium page over the DevTools protocol, keeping every request
    the page makes (Network.requestWillBeSent)."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws, self.next_id = ws, 0
        self.requests: list[str] = []

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        await self.ws.send_str(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads((await self.ws.receive()).data)
            if msg.get("method") == "Network.requestWillBeSent":
                self.requests.append(msg["params"]["request"]["url"])
            if msg.get("id") == self.next_id:
                return dict(msg.get("result", {}))

    async def text(self, expression: str = ROWS_JS) -> str:
        res = await self.call("Runtime.evaluate", expression=expression)
        return str(res.get("result", {}).get("value", ""))

    async def wait_text(self, want: str, timeout: float, expression: str = ROWS_JS) -> str:
        t0, text = time.monotonic(), ""
        while time.monotonic() - t0 < timeout and want not in text:
            await asyncio.sleep(0.5)
            text = await self.text(expression)
        return text


@contextlib.asynccontextmanager
async def chromium(profile: Path) -> AsyncIterator[Page]:
    assert CHROMIUM is not None
    proc = subprocess.Popen(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0"]
        + ["about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        t0 = time.monotonic()
        while not port_file.exists() or not port_file.read_text().strip():
            if time.monotonic() - t0 > 30:
                raise AssertionError("chromium did not open its DevTools port")
            await asyncio.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        async with aiohttp.ClientSession() as http:
            targets = await (await http.get(f"http://127.0.0.1:{port}/json")).json()
            target = next(t for t in targets if t.get("type") == "page")
            async with http.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                page = Page(ws)
                await page.call("Page.enable")
                await page.call("Network.enable")
                yield page
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


BODY_JS = "document.body ? document.body.innerText : ''"


def test_loopback_needs_no_token_and_the_rest_does() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.20")


async def test_every_request_needs_the_token_beyond_loopback(tmp_path: Path) -> None:
    with serving(tmp_path) as (port, url):
        token = url.split("token=")[1]
        base = f"http://127.0.0.1:{port}"
        jar = aiohttp.CookieJar(unsafe=True)  # keep cookies from an IP address, as browsers do
        async with aiohttp.ClientSession(cookie_jar=jar) as http:
            for path in ("/", "/static/js/textual.js", "/ws", "/download/x"):
                r = await http.get(base + path)
                assert r.status == 403, path
                assert "needs its token" in await r.text()
            r = await http.get(f"{base}/?token=wrong")
            assert r.status == 403
            r = await http.get(url)
            assert r.status == 200 and r.cookies["pinlab_token"].value == token
            html = await r.text()
            assert f"ws://127.0.0.1:{port}/ws" in html  # the page names the host used
            r = await http.get(base + "/static/js/textual.js")  # the cookie now carries it
            assert r.status == 200
        fetched = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert fetched and all(u.startswith(base) for u in fetched), fetched


@needs_chromium
async def test_chromium_refused_without_the_token_served_with_it_and_the_cap_holds(
    tmp_path: Path,
) -> None:
    ex = load_catalog()[0]
    with serving(tmp_path, "--max-sessions", "1", "--read-only") as (port, url):
        async with chromium(tmp_path / "p1") as page:
            await page.call("Page.navigate", url=f"http://127.0.0.1:{port}/")
            text = await page.wait_text("needs its token", 20, BODY_JS)
            assert "needs its token" in text
            await page.call("Page.navigate", url=url)
            text = await page.wait_text(ex.title, 60)
            assert ex.title in text, f"the workshop did not appear:\n{text}"
            # offline: every request the page made went to this server
            outside = [u for u in page.requests if not u.startswith(f"http://127.0.0.1:{port}")]
            assert not [u for u in outside if not u.startswith(("data:", "blob:"))], outside
            async with chromium(tmp_path / "p2") as second:  # one session is the cap
                await second.call("Page.navigate", url=url)
                text = await second.wait_text("room is full", 20, BODY_JS)
                assert "room is full" in text and "--max-sessions 1" in text


def test_serve_passes_read_only_to_each_session(tmp_path: Path) -> None:
    from argparse import Namespace

    args = Namespace(workspace=tmp_path, seconds=None, read_only=True)
    assert "--read-only workshop" in serve_command(args)


async def test_read_only_view_refuses_what_changes_or_runs(tmp_path: Path) -> None:
    app, ws, catalog = make_app(tmp_path, read_only=True)
    ex = catalog[0]
    mine = ws.file(ex, ex.editable[0])
    mine.write_text("// the instructor's work\n")
    async with app.run_test(size=(160, 50)) as pilot:
        for key in ("x", "c"):  # reset, check all: refused on the list
            await pilot.press(key)
            await pilot.pause()
            assert not isinstance(app.screen, ConfirmScreen | CheckAllScreen), key
        assert not await app.run_action("screen.reset")  # refused however it is asked
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ExerciseScreen), 10, "the exercise")
        screen = app.screen
        assert isinstance(screen, ExerciseScreen)
        for key in ("r", "s", "m", "x", "c"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is screen, key
        assert screen.checks_started == 0  # nothing was built or run, not even on open
        shown = [b.binding.action for b in app.active_bindings.values() if b.enabled]
        assert "rerun" not in shown and "solution" not in shown and "hint" in shown
        app.check_all()
        assert app.screen is screen
    assert mine.read_text() == "// the instructor's work\n"
    with pytest.raises(ReadOnlyWorkspace):
        ws.reset(ex)
