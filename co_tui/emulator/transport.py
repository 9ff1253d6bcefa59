"""An in-process httpx transport for the emulator that streams like a socket would.

``httpx.ASGITransport`` runs the app to completion and buffers the whole body before returning,
so it can neither stream a multi-GB file nor show a truncated body as "headers first, then an
error half way through". This transport runs the app in a task and hands its messages over a
small bounded queue: the response is returned as soon as its headers are sent, the body streams
with backpressure, and the emulator's :class:`~co_tui.emulator.faults.DropConnection` marker
becomes ``httpx.RemoteProtocolError`` exactly where a socket client would see the connection go:
before the response (reset, lost) or in the middle of the body (truncate). Closing the response
early tells the app the client disconnected and cancels it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx

from co_tui.emulator.faults import ASGIApp, DropConnection, Message

_DONE = {"type": "co.done"}
_QUEUE_SIZE = 8


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def _protocol_error(request: httpx.Request, started: bool) -> httpx.RemoteProtocolError:
    if started:
        message = "peer closed connection without sending complete message body"
    else:
        message = "Server disconnected without sending a response."
    return httpx.RemoteProtocolError(message, request=request)


class _Exchange:
    """One request/response between the client and the app task."""

    def __init__(self, app: ASGIApp, request: httpx.Request, body: bytes) -> None:
        self.app = app
        self.request = request
        self.body = body
        self.body_sent = False
        self.queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=_QUEUE_SIZE)
        self.disconnected = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    def scope(self) -> dict[str, Any]:
        url = self.request.url
        return {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": self.request.method,
            "headers": [(k.lower(), v) for k, v in self.request.headers.raw],
            "scheme": url.scheme,
            "path": url.path,
            "raw_path": url.raw_path.split(b"?")[0],
            "query_string": url.query,
            "server": (url.host, url.port or (443 if url.scheme == "https" else 80)),
            "client": ("127.0.0.1", 50000),
            "root_path": "",
        }

    async def receive(self) -> Message:
        if not self.body_sent:
            self.body_sent = True
            return {"type": "http.request", "body": self.body, "more_body": False}
        await self.disconnected.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: Message) -> None:
        if self.disconnected.is_set():
            return
        await self.queue.put(message)

    async def run(self) -> None:
        try:
            await self.app(self.scope(), self.receive, self.send)
        except asyncio.CancelledError:
            raise
        except BaseException as exc:  # handed to the client side, which raises it
            await self._put(_Failure(exc))
        else:
            await self._put(_DONE)

    async def _put(self, item: Any) -> None:
        if not self.disconnected.is_set():
            await self.queue.put(item)

    async def close(self) -> None:
        self.disconnected.set()
        if self.task is not None and not self.task.done():
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task


class _Body(httpx.AsyncByteStream):
    def __init__(self, exchange: _Exchange, method: str) -> None:
        self.exchange = exchange
        self.method = method

    async def __aiter__(self) -> AsyncIterator[bytes]:
        exchange = self.exchange
        while True:
            item = await exchange.queue.get()
            if isinstance(item, _Failure):
                if isinstance(item.error, DropConnection):
                    raise _protocol_error(exchange.request, started=True)
                raise item.error
            if item is _DONE:
                return
            if item.get("type") != "http.response.body":
                continue
            chunk = item.get("body", b"")
            if chunk and self.method != "HEAD":
                yield bytes(chunk)
            if not item.get("more_body", False):
                return

    async def aclose(self) -> None:
        await self.exchange.close()


class EmulatorTransport(httpx.AsyncBaseTransport):
    """Serve httpx requests from an ASGI app in the same event loop, streaming the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Run the app for ``request``; return once the response headers are sent."""
        body = await request.aread()
        exchange = _Exchange(self.app, request, body)
        exchange.task = asyncio.get_running_loop().create_task(exchange.run())
        try:
            while True:
                item = await exchange.queue.get()
                if isinstance(item, _Failure):
                    if isinstance(item.error, DropConnection):
                        raise _protocol_error(request, started=False)
                    raise item.error
                if item is _DONE:
                    raise RuntimeError("the ASGI app returned without sending a response")
                if item.get("type") == "http.response.start":
                    break
        except BaseException:
            await exchange.close()
            raise
        headers = [(bytes(k), bytes(v)) for k, v in item.get("headers", [])]
        return httpx.Response(
            item["status"],
            headers=headers,
            stream=_Body(exchange, request.method),
            extensions={"http_version": b"HTTP/1.1"},
        )
