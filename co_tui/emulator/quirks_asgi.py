"""The ASGI layer that gives the API's JSON responses the quirks of a :class:`QuirkSpec`.

It buffers each response of a route it knows (assets, search pages, folder listings,
computations, capsules, permissions, file URLs), reshapes the decoded body with
:class:`~co_tui.emulator.quirks.Shaper` and sends it with a corrected ``Content-Length``; errors
and other routes pass through untouched. Numeric cursors it hands out (``numeric-token``) are
remembered and translated back to the real token when a search request brings one, as a number
or as a string of digits.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import Any

import msgspec

from co_tui.emulator.faults import ASGIApp, Message, Receive, Scope, Send
from co_tui.emulator.quirks import QuirkSpec, Shaper

TOKEN_ALIASES = 100_000
"""How many numeric cursors are remembered (the oldest are forgotten first)."""


_ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    (method, re.compile(pattern), kind) for method, pattern, kind in (
        ("POST", r"/data_assets/search", "asset_page"),
        ("GET", r"/data_assets", "asset_page"),
        ("POST", r"/data_assets", "asset"),
        ("GET", r"/data_assets/[^/]+", "asset"),
        ("PUT", r"/data_assets/[^/]+", "asset"),
        ("POST", r"/data_assets/[^/]+/files", "folder"),
        ("GET", r"/data_assets/[^/]+/permissions", "plain"),
        ("GET", r"/data_assets/[^/]+/files/(?:urls|download_url)", "plain"),
        ("GET", r"/computations/[^/]+", "computation"),
        ("POST", r"/(?:capsules|pipelines)/search", "capsule_page"),
        ("GET", r"/(?:capsules|pipelines)/[^/]+", "capsule"),
    )
]
_SEARCH = re.compile(r"/(?:data_assets|capsules|pipelines)/search")


def route_kind(method: str, path: str) -> str | None:
    """Which kind of response ``method path`` (without ``/api/v1``) answers, if any."""
    for want, pattern, kind in _ROUTES:
        if method == want and pattern.fullmatch(path):
            return kind
    return None


class QuirkMiddleware:
    """ASGI layer around the API app that gives its JSON responses the spec's quirks."""

    def __init__(self, app: ASGIApp, spec: QuirkSpec, prefix: str = "/api/v1") -> None:
        self.app = app
        self.shaper = Shaper(spec)
        self.prefix = prefix
        self._by_token: OrderedDict[str, int] = OrderedDict()
        self._by_number: dict[int, str] = {}
        self._next_number = 1

    # -- cursors -------------------------------------------------------------------------------

    def _number_for(self, token: str) -> int:
        number = self._by_token.get(token)
        if number is None:
            number = self._next_number
            self._next_number += 1
            self._by_token[token] = number
            self._by_number[number] = token
            while len(self._by_token) > TOKEN_ALIASES:
                _, old = self._by_token.popitem(last=False)
                self._by_number.pop(old, None)
        return number

    def _token_for(self, value: Any) -> Any:
        """A numeric cursor (number or digits) back to the token it stands for."""
        if isinstance(value, int) and not isinstance(value, bool):
            return self._by_number.get(value, str(value))
        if isinstance(value, str) and value.isdigit():
            return self._by_number.get(int(value), value)
        return value

    async def _translated(self, receive: Receive) -> Receive:
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        raw = b"".join(chunks)
        try:
            data = msgspec.json.decode(raw) if raw.strip() else None
        except msgspec.DecodeError:
            data = None
        if isinstance(data, dict) and data.get("next_token") is not None:
            data["next_token"] = self._token_for(data["next_token"])
            raw = msgspec.json.encode(data)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": raw, "more_body": False}

        return replay

    # -- responses -----------------------------------------------------------------------------

    def _shape(self, kind: str, path: str, data: Any) -> Any:
        shaper = self.shaper
        if kind == "asset_page":
            data = shaper.page(data, path, shaper.asset)
        elif kind == "capsule_page":
            data = shaper.page(data, path, shaper.capsule)
        elif kind == "asset":
            data = shaper.asset(data)
        elif kind == "folder":
            data = shaper.folder(data, path)
        elif kind == "computation":
            data = shaper.computation(data)
        elif kind == "capsule":
            data = shaper.capsule(data)
        else:
            data = shaper.plain(data, path)
        token = data.get("next_token") if isinstance(data, dict) else None
        if isinstance(token, str) and "numeric-token" in shaper.spec.quirks:
            data["next_token"] = self._number_for(token)
        return data

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        path = path[len(self.prefix):]
        method: str = scope["method"]
        if method == "POST" and _SEARCH.fullmatch(path):
            receive = await self._translated(receive)
        kind = route_kind(method, path)
        if kind is None:
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            if start["status"] == 200 and body:
                try:
                    body = msgspec.json.encode(self._shape(kind, path, msgspec.json.decode(body)))
                except msgspec.DecodeError:
                    pass
            headers = [(k, v) for k, v in start.get("headers", [])
                       if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body, "more_body": False})

        await self.app(scope, receive, capture)
