"""`pinlab serve`, safe for a room (Jupyter's model): bound beyond loopback,
every request needs the random token the printed URL carries (the first
page sets it as a cookie, so the page's own requests and its websocket carry
it); a cap on concurrent sessions, with a plain page past it; and a page
that loads nothing from the internet (textual-serve's page asks Google
Fonts for Roboto Mono; this one uses the copy textual-serve ships).

Each browser session is a workshop process; `--read-only` starts them with
the app's read-only mode (no check, run, reset or solution)."""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import textual_serve
from aiohttp import web
from textual_serve.server import Server

COOKIE = "pinlab_token"
GOOGLE_FONTS = (
    '<link\n      rel="stylesheet"\n'
    '      href="https://fonts.googleapis.com/css?family=Roboto%20Mono"\n    />'
)
LOCAL_FONT = """<style>
      @font-face {
        font-family: "Roboto Mono";
        src: url("{{ config.static.url }}fonts/RobotoMono-VariableFont_wght.ttf")
          format("truetype");
        font-weight: 100 700;
      }
    </style>"""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def offline_templates() -> Path:
    """textual-serve's page with its one internet fetch (the font) replaced
    by the font file it ships; refuses to start if the page changed shape."""
    page = Path(textual_serve.__file__).parent / "templates" / "app_index.html"
    text = page.read_text()
    if GOOGLE_FONTS not in text:
        raise RuntimeError(f"{page} no longer loads the font as pinlab expects: check it offline")
    out = Path(tempfile.mkdtemp(prefix="pinlab-serve-"))
    (out / "app_index.html").write_text(text.replace(GOOGLE_FONTS, LOCAL_FONT))
    return out


def page(status: int, title: str, text: str) -> web.Response:
    body = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>pinlab</title></head>"
        "<body style='font-family: monospace; background: #16191F; color: #D8DEE9; padding: 2em'>"
        f"<h1>{title}</h1><p>{text}</p></body></html>"
    )
    return web.Response(status=status, text=body, content_type="text/html")


class RoomServer(Server):
    def __init__(
        self,
        command: str,
        host: str,
        port: int,
        token: str | None,
        max_sessions: int,
        title: str = "pinlab",
    ) -> None:
        super().__init__(command, host=host, port=port, title=title)
        self.templates_path = offline_templates()
        self.token = token
        self.max_sessions = max_sessions
        self.sessions = 0  # websockets open now: each drives a workshop process
        self.refused = 0

    @classmethod
    def for_room(
        cls, command: str, host: str, port: int, token: str | None, max_sessions: int
    ) -> RoomServer:
        """A token is made up when bound beyond loopback and none is given."""
        if token is None and not is_loopback(host):
            token = secrets.token_urlsafe(24)
        return cls(command, host, port, token, max_sessions)

    def url(self, host: str | None = None) -> str:
        shown = host or ("127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host)
        tail = f"/?token={self.token}" if self.token else "/"
        return f"http://{shown}:{self.port}{tail}"

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.insert(0, self._guard)
        return app

    @web.middleware
    async def _guard(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if self.token is None:
            return await handler(request)
        given = request.query.get("token") or request.cookies.get(COOKIE) or ""
        auth = request.headers.get("Authorization", "")
        if auth.lower().startswith("token "):
            given = auth[6:]
        if not hmac.compare_digest(given.encode(), self.token.encode()):
            self.refused += 1
            return page(
                403,
                "pinlab: this address needs its token",
                "Open the full URL pinlab serve printed (it ends in ?token=…).",
            )
        response = await handler(request)
        if request.query.get("token") and not response.prepared:
            response.set_cookie(COOKIE, self.token, httponly=True, samesite="Strict")
        return response

    async def handle_index(self, request: web.Request) -> Any:
        if self.sessions >= self.max_sessions:
            return self._full()
        # the page's own URLs name the host the browser used, not 0.0.0.0
        self.public_url = f"{request.scheme}://{request.host}"
        return await super().handle_index(request)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        if self.sessions >= self.max_sessions:
            ws = web.WebSocketResponse()
            await ws.prepare(request)
            await ws.close(code=1013, message=b"the room is full")
            return ws
        self.sessions += 1
        try:
            return await super().handle_websocket(request)
        finally:
            self.sessions -= 1

    def _full(self) -> web.Response:
        return page(
            503,
            "pinlab: the room is full",
            f"{self.sessions} sessions are open, the most this server allows "
            f"(pinlab serve --max-sessions {self.max_sessions}). Close a tab, or ask the "
            "instructor to raise it.",
        )
