"""Fault injection and latency for the emulator: the failures a real deployment and network produce.

:class:`FaultSpec` holds per-request probabilities (parsed from the CLI's ``--faults`` string),
:class:`FaultInjector` decides, request by request, which fault (if any) applies - forced faults
queued with :meth:`FaultInjector.inject` first, then seeded random ones - and
:class:`FaultMiddleware` is the ASGI layer that acts it out around the API app and the file
origin.

Dropping a connection has to look like a network failure to the client:

* under uvicorn the middleware reaches the connection's asyncio transport (the bound ``send``
  of uvicorn's request cycle) and aborts it - with ``SO_LINGER 0`` for ``reset`` so the client
  sees a real TCP reset, a plain close for ``lost`` and ``truncate``;
* anywhere else (the in-process transport) it raises :class:`DropConnection`, which
  ``transport.py`` turns into ``httpx.RemoteProtocolError``, exactly where a socket client would
  see the failure (before the response, or in the middle of the body).
"""

from __future__ import annotations

import asyncio
import json
import random
import socket
import struct
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

STATUS_KINDS = ("429", "500", "502", "503", "504")
FAULT_KINDS = (*STATUS_KINDS, "reset", "truncate", "lost", "slow", "drip")
SCOPES = ("api", "files", "all")
_MESSAGES = {
    "429": "too many requests (injected fault), retry later",
    "500": "internal server error (injected fault)",
    "502": "bad gateway (injected fault)",
    "503": "service unavailable (injected fault)",
    "504": "gateway timeout (injected fault)",
}
TRUNCATE_MAX = 1024 * 1024
"""A truncated body stops after half of Content-Length, but never later than this many bytes."""


class DropConnection(Exception):
    """Marker: the server drops the connection here (raised only where no socket is reachable)."""


class _Cut(Exception):
    """Raised into the app when a truncated body has sent enough bytes."""


class _Gone(Exception):
    """Raised into the app when the client of a dripping response has disconnected."""


@dataclass(frozen=True)
class FaultSpec:
    """Random fault rates and their parameters.

    ``rates`` maps a kind of :data:`FAULT_KINDS` to a per-request probability (their sum must be
    at most 1). ``seed`` seeds the random draw. ``retry_after`` is the ``Retry-After`` value sent
    with 429s (``None``: no header). ``slow_ms`` is the ``slow`` delay and ten times the ``drip``
    gap between bytes. ``scope`` is where random faults apply: ``api``, ``files`` or ``all``.
    """

    rates: dict[str, float] = field(default_factory=dict)
    seed: int = 0
    retry_after: int | None = 1
    slow_ms: float = 3000.0
    scope: str = "api"

    def __post_init__(self) -> None:
        for kind, rate in self.rates.items():
            if kind not in FAULT_KINDS:
                raise ValueError(f"unknown fault kind {kind!r} (known: {', '.join(FAULT_KINDS)})")
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"fault rate for {kind} must be between 0 and 1, got {rate}")
        if sum(self.rates.values()) > 1.0 + 1e-9:
            raise ValueError("fault rates add up to more than 1")
        if self.scope not in SCOPES:
            raise ValueError(f"fault scope must be one of {', '.join(SCOPES)}, got {self.scope!r}")
        if self.slow_ms < 0:
            raise ValueError("slow_ms must be >= 0")
        if self.retry_after is not None and self.retry_after < 0:
            raise ValueError("retry_after must be >= 0 or none")

    @classmethod
    def parse(cls, text: str) -> FaultSpec:
        """Parse ``"429=0.1,500=0.05,reset=0.02,seed=7,retry_after=1,slow_ms=3000,scope=api"``.

        Every key is optional; an empty string gives no faults. ``retry_after=none`` sends 429s
        without a ``Retry-After`` header. Raises ``ValueError`` with a readable message.
        """
        rates: dict[str, float] = {}
        options: dict[str, Any] = {}
        for part in text.split(","):
            part = part.strip()
            if not part:
                continue
            key, sep, value = part.partition("=")
            key, value = key.strip().lower(), value.strip()
            if not sep or not value:
                raise ValueError(f"fault spec item {part!r} is not KEY=VALUE")
            try:
                if key in FAULT_KINDS:
                    rates[key] = float(value)
                elif key == "seed":
                    options["seed"] = int(value)
                elif key == "retry_after":
                    options["retry_after"] = None if value.lower() == "none" else int(value)
                elif key == "slow_ms":
                    options["slow_ms"] = float(value)
                elif key == "scope":
                    options["scope"] = value.lower()
                else:
                    raise ValueError(f"unknown fault spec key {key!r}")
            except ValueError as exc:
                if "unknown fault spec key" in str(exc):
                    raise
                raise ValueError(f"bad value for {key!r} in fault spec: {value!r}") from exc
        return cls(rates=rates, **options)


@dataclass
class _Forced:
    kind: str
    times: int
    method: str | None
    path_contains: str | None

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.path_contains is None or self.path_contains in path


class FaultInjector:
    """Decides which fault hits each request; thread-safe (uvicorn thread + test thread).

    ``history`` records every fault applied as ``(kind, method, path)``.
    """

    def __init__(self, spec: FaultSpec | None = None) -> None:
        self._spec = spec or FaultSpec()
        self._random = random.Random(self._spec.seed)
        self._forced: list[_Forced] = []
        self._lock = threading.Lock()
        self._stops = 0
        self.history: list[tuple[str, str, str]] = []

    @property
    def spec(self) -> FaultSpec:
        """The rates and parameters in force; assign a new one to change them at run time
        (the random sequence restarts when the new spec has another seed)."""
        return self._spec

    @spec.setter
    def spec(self, spec: FaultSpec) -> None:
        with self._lock:
            if spec.seed != self._spec.seed:
                self._random = random.Random(spec.seed)
            self._spec = spec

    def inject(
        self,
        kind: str,
        times: int = 1,
        method: str | None = None,
        path_contains: str | None = None,
    ) -> None:
        """Force ``kind`` on the next ``times`` requests matching ``method`` and ``path_contains``.

        Forced faults apply on both origins, whatever ``FaultSpec.scope`` says, and before any
        random fault.
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}")
        if times < 1:
            raise ValueError("times must be >= 1")
        with self._lock:
            self._forced.append(_Forced(kind, times, method, path_contains))

    def clear(self) -> None:
        """Drop every queued forced fault."""
        with self._lock:
            self._forced.clear()

    def stop(self) -> None:
        """Faults off now: no random rates (parameters and seed kept), no queued forced faults,
        and a response still dripping sends the rest of its body at once."""
        with self._lock:
            self._spec = FaultSpec(seed=self._spec.seed, retry_after=self._spec.retry_after,
                                   slow_ms=self._spec.slow_ms, scope=self._spec.scope)
            self._forced.clear()
            self._stops += 1

    @property
    def stops(self) -> int:
        """How many times :meth:`stop` was called (a drip started before a stop ends early)."""
        return self._stops

    def pick(self, origin: str, method: str, path: str) -> str | None:
        """The fault for this request, or ``None``; consumes forced faults and random draws."""
        with self._lock:
            kind = self._pick_locked(origin, method, path)
            if kind is not None:
                self.history.append((kind, method, path))
            return kind

    def _pick_locked(self, origin: str, method: str, path: str) -> str | None:
        for forced in self._forced:
            if forced.matches(method, path):
                forced.times -= 1
                if forced.times == 0:
                    self._forced.remove(forced)
                return forced.kind
        rates = self._spec.rates
        if not rates or self._spec.scope not in (origin, "all"):
            return None
        draw = self._random.random()
        total = 0.0
        for kind in FAULT_KINDS:  # fixed order keeps a seed's sequence reproducible
            total += rates.get(kind, 0.0)
            if draw < total:
                return kind
        return None


def _error_response(status: str, retry_after: int | None) -> tuple[Message, Message]:
    body = json.dumps({"message": _MESSAGES[status]}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if status == "429" and retry_after is not None:
        headers.append((b"retry-after", str(retry_after).encode()))
    start = {"type": "http.response.start", "status": int(status), "headers": headers}
    return start, {"type": "http.response.body", "body": body, "more_body": False}


def _content_length(message: Message) -> int | None:
    for name, value in message.get("headers", []):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def drop_connection(send: Send, *, reset: bool) -> None:
    """Drop the client's connection now (see the module docstring for how).

    Returns normally when a socket was closed under uvicorn; raises :class:`DropConnection`
    otherwise.
    """
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None or not isinstance(transport, asyncio.Transport):
        raise DropConnection()
    if reset:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
        transport.abort()
    else:
        transport.close()
    # Let uvicorn's connection_lost() mark the cycle disconnected before we return, so it does
    # not try to answer with a 500 or log "returned without completing response".
    for _ in range(500):
        if getattr(cycle, "disconnected", True):
            return
        await asyncio.sleep(0.01)


class FaultMiddleware:
    """ASGI middleware adding ``latency_ms`` to every response and acting out picked faults.

    ``origin`` (``"api"`` or ``"files"``) is matched against ``FaultSpec.scope``.
    """

    def __init__(
        self, app: ASGIApp, injector: FaultInjector, origin: str, latency_ms: float = 0.0
    ) -> None:
        self.app = app
        self.injector = injector
        self.origin = origin
        self.latency = latency_ms / 1000.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.latency:
            await asyncio.sleep(self.latency)
        kind = self.injector.pick(self.origin, scope["method"], scope["path"])
        if kind is None:
            await self.app(scope, receive, send)
            return
        spec = self.injector.spec
        if kind in STATUS_KINDS:
            start, body = _error_response(kind, spec.retry_after)
            await send(start)
            await send(body)
        elif kind == "reset":
            await drop_connection(send, reset=True)
        elif kind == "slow":
            await asyncio.sleep(spec.slow_ms / 1000.0)
            await self.app(scope, receive, send)
        elif kind == "lost":
            await self._lost(scope, receive, send)
        elif kind == "truncate":
            await self._truncate(scope, receive, send)
        else:
            await self._drip(scope, receive, send, spec.slow_ms / 10000.0)

    async def _lost(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def swallow(message: Message) -> None:
            return None

        await self.app(scope, receive, swallow)  # fully processed: writes are applied
        await drop_connection(send, reset=False)

    async def _truncate(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = 0
        sent = 0

        async def cut(message: Message) -> None:
            nonlocal limit, sent
            if message["type"] == "http.response.start":
                total = _content_length(message) or 0
                limit = min(total // 2, TRUNCATE_MAX)
                await send(message)
                return
            body = message.get("body", b"")
            room = limit - sent
            if len(body) < room and message.get("more_body", False):
                sent += len(body)
                await send(message)
                return
            if room > 0:
                await send({"type": "http.response.body", "body": body[:room], "more_body": True})
            raise _Cut()

        try:
            await self.app(scope, receive, cut)
        except _Cut:
            pass
        await drop_connection(send, reset=False)

    async def _drip(self, scope: Scope, receive: Receive, send: Send, gap: float) -> None:
        """Send the body one byte at a time, ``gap`` seconds apart; the rest at once when the
        faults are stopped meanwhile, and nothing more once the client has gone."""
        stops = self.injector.stops
        # the connection's owner: uvicorn's request cycle (see drop_connection), whose
        # ``disconnected`` is a flag, or the in-process transport's, where it is an event
        cycle = getattr(send, "__self__", None)
        transport = getattr(cycle, "transport", None)

        def gone() -> bool:
            if isinstance(transport, asyncio.Transport) and transport.is_closing():
                return True
            flag = getattr(cycle, "disconnected", False)
            return flag.is_set() if isinstance(flag, asyncio.Event) else flag is True

        async def drip(message: Message) -> None:
            if message["type"] != "http.response.body":
                await send(message)
                return
            body = message.get("body", b"")
            more = message.get("more_body", False)
            index = 0
            while index < len(body) and self.injector.stops == stops:
                if gone():
                    raise _Gone()
                last = index == len(body) - 1
                await send({"type": "http.response.body", "body": body[index : index + 1],
                            "more_body": more or not last})
                index += 1
                if not last or more:
                    await asyncio.sleep(gap)
            if index < len(body) or (not body and not more):
                await send({"type": "http.response.body", "body": body[index:],
                            "more_body": more})

        try:
            await self.app(scope, receive, drip)
        except _Gone:
            pass
