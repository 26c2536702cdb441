"""`pinlab serve` in headless Chromium: the textual-serve page loads, opens
its websocket, the server starts the workshop, and the exercise list shows
up in the browser's terminal (xterm's DOM renderer, so the text is readable).

Needs Debian's Chromium: `apt-get install -y chromium`. Driven through the
DevTools protocol with aiohttp (textual-serve's own dependency)."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from workshop.engine.catalog import load_catalog

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)"
)
PINLAB = Path(sys.executable).with_name("pinlab")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-3d-apis",  # no WebGL: xterm draws its rows as DOM text we can read
    "--window-size=1400,900",
]
ROWS_JS = "(document.querySelector('.xterm-rows') || {innerText: ''}).innerText"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout: float) -> None:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")


class DevTools:
    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws, self.next_id = ws, 0

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        await self.ws.send_str(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads((await self.ws.receive()).data)
            if msg.get("id") == self.next_id:
                return dict(msg.get("result", {}))


async def browse(url: str, profile: Path, want: str, shot: Path, timeout: float) -> str:
    assert CHROMIUM is not None
    proc = subprocess.Popen(
        [
            CHROMIUM,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--remote-debugging-port=0",
            "about:blank",
        ],
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
            page = next(t for t in targets if t.get("type") == "page")
            async with http.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                tools = DevTools(ws)
                await tools.call("Page.enable")
                await tools.call("Page.navigate", url=url)
                text = ""
                t0 = time.monotonic()
                while time.monotonic() - t0 < timeout and want not in text:
                    await asyncio.sleep(0.5)
                    res = await tools.call("Runtime.evaluate", expression=ROWS_JS)
                    text = str(res.get("result", {}).get("value", ""))
                png = await tools.call("Page.captureScreenshot", format="png")
                shot.write_bytes(base64.b64decode(png.get("data", "")))
                return text
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


async def test_serve_shows_the_workshop_in_chromium(tmp_path: Path) -> None:
    catalog = load_catalog()
    ex = catalog[0]
    progress = f"0 of {len(catalog)} solved"  # the exercise list's progress line, drawn last
    port = free_port()
    server = subprocess.Popen(
        [str(PINLAB), "--workspace", str(tmp_path / "ws"), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_port(port, 30)
        text = await browse(
            f"http://127.0.0.1:{port}/",
            tmp_path / "profile",
            progress,
            tmp_path / "serve.png",
            timeout=60,
        )
        assert progress in text, f"the workshop did not appear in the browser:\n{text}"
        assert ex.title in text
        assert (tmp_path / "serve.png").stat().st_size > 1000
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    log = server.stdout.read().decode(errors="replace") if server.stdout else ""
    assert f"http://127.0.0.1:{port}" in log  # bound to loopback unless --host says otherwise
