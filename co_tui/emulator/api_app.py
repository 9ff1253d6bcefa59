"""The API app (``{domain}/api/v1/...``): routing, authentication and error bodies.

``ApiGate`` is a bare ASGI layer in front of the Starlette router. It answers what every route
shares: paths outside ``/api/v1/`` (404), ``Min-Server-Version`` (400 when higher than the
emulated version or malformed), HTTP Basic auth with the token as user name (401), and it settles
due draft assets once per request. Every error, including the router's own 404/405, becomes
``{"message": ...}``.
"""

from __future__ import annotations

import base64
import binascii
import functools
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from co_tui.emulator import wire
from co_tui.emulator.faults import ASGIApp, Receive, Scope, Send
from co_tui.emulator.http_errors import ApiError
from co_tui.emulator.routes import Handlers
from co_tui.emulator.settings import parse_version

if TYPE_CHECKING:
    from co_tui.emulator.core import Emulator

PREFIX = "/api/v1"
ASSETS = f"{PREFIX}/data_assets/"
DIRECT_TAILS = ("", "/files/urls", "/files/download_url")
"""The ``GET {ASSETS}{id}<tail>`` routes :class:`DirectRoutes` serves without the router."""
Endpoint = Callable[[Request], Awaitable[Response]]
ErrorHandler = Callable[[Request, Exception], Awaitable[Response]]


async def send_error(send: Send, status: int, message: str,
                     headers: dict[str, str] | None = None) -> None:
    """Send ``{"message": message}`` with ``status`` from bare ASGI code."""
    body = wire.encode({"message": message})
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


@functools.lru_cache(maxsize=256)
def token_of(header: str | None) -> str | None:
    """The token from ``Authorization: Basic base64(token:)``, or ``None`` (cached: a client
    sends the same header with every request)."""
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    token, _, _password = decoded.partition(":")
    return token or None


class DirectRoutes:
    """The hottest GET routes, called without the Starlette router and its middleware between.

    A download asks for one signed URL per file, so ``GET /data_assets/{id}/files/urls`` is
    most of the API's traffic, and routing it through Starlette cost more than answering it.
    Only a path the router would give the same endpoint with the same ``id`` is taken (anything
    else, ``HEAD`` included, goes to the router); the endpoint, the ``Request`` it gets and the
    exception handlers are the router's own, so the answers are the same.
    """

    def __init__(self, by_tail: dict[str, Endpoint],
                 handlers: dict[type[Exception], ErrorHandler]) -> None:
        self._by_tail = by_tail
        self._handlers = handlers

    @classmethod
    def of(cls, routes: Iterable[Route], handlers: dict[type[Exception], ErrorHandler]
           ) -> DirectRoutes:
        """The :data:`DIRECT_TAILS` routes, with the endpoints ``routes`` give them."""
        by_path = {route.path: route.endpoint for route in routes
                   if route.methods is not None and "GET" in route.methods}
        return cls({tail: by_path[f"{ASSETS}{{id}}{tail}"] for tail in DIRECT_TAILS}, handlers)

    def match(self, scope: Scope) -> tuple[Endpoint, str] | None:
        """The endpoint and asset id of a request this serves, else ``None``."""
        path: str = scope["path"]
        if scope["method"] != "GET" or scope.get("root_path") or not path.startswith(ASSETS):
            return None
        asset_id, slash, tail = path[len(ASSETS):].partition("/")
        endpoint = self._by_tail.get(slash + tail)
        return None if endpoint is None or not asset_id else (endpoint, asset_id)

    def _handler(self, exc: Exception) -> ErrorHandler:
        """The exception handler the router would pick for ``exc`` (by its class's MRO)."""
        for cls in type(exc).__mro__:
            handler = self._handlers.get(cls)
            if handler is not None:
                return handler
        return _crash

    async def call(self, endpoint: Endpoint, asset_id: str, scope: Scope, receive: Receive,
                   send: Send) -> None:
        """Answer like the router: the endpoint's response, or its exception's handler's; an
        unexpected exception is re-raised after the 500 (as Starlette's error middleware
        does, so the server logs it and closes the connection)."""
        scope["path_params"] = {"id": asset_id}
        request = Request(scope, receive, send)
        try:
            response = await endpoint(request)
        except Exception as exc:
            handler = self._handler(exc)
            response = await handler(request, exc)
            if handler is _crash:
                await response(scope, receive, send)
                raise
        await response(scope, receive, send)


class ApiGate:
    """Version check, authentication and lazy state settling in front of the router (or of
    :class:`DirectRoutes` for the routes it serves)."""

    def __init__(self, app: ASGIApp, emu: Emulator, direct: DirectRoutes) -> None:
        self.app = app
        self.emu = emu
        self.direct = direct

    def _check(self, scope: Scope) -> tuple[int, str, dict[str, str] | None] | None:
        """What every request must pass, in order: each ``Min-Server-Version`` header (400),
        then the token of the first ``Authorization`` header (401). Returns the error to send,
        or ``None`` with the caller stored in ``scope["co_user"]``."""
        authorization: bytes | None = None
        for name, value in scope["headers"]:
            lowered = name.lower()
            if lowered == b"min-server-version":
                problem = self._version_problem(value.decode("latin-1"))
                if problem is not None:
                    return 400, problem, None
            elif lowered == b"authorization" and authorization is None:
                authorization = value
        token = None if authorization is None else token_of(authorization.decode("latin-1"))
        user = None if token is None else self.emu.store.user_by_token(token)
        if user is None:
            return 401, "missing or invalid access token", {
                "WWW-Authenticate": 'Basic realm="Code Ocean"'}
        scope["co_user"] = user
        return None

    def _version_problem(self, wanted: str) -> str | None:
        """Why a ``Min-Server-Version: wanted`` cannot be served, or ``None`` when it can."""
        try:
            too_new = parse_version(wanted) > self.emu.config.version_tuple
        except ValueError:
            return f"malformed Min-Server-Version header {wanted!r}"
        if too_new:
            return (f"server version {self.emu.config.server_version} is lower than the "
                    f"minimum version {wanted} required by the client")
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        if path != PREFIX and not path.startswith(PREFIX + "/"):
            await send_error(send, 404, "not found")
            return
        problem = self._check(scope)
        if problem is not None:
            await send_error(send, *problem)
            return
        self.emu.store.settle()
        if self.emu.store.index is not None:
            self.emu.store.index.refresh()
        direct = self.direct.match(scope)
        if direct is None:
            await self.app(scope, receive, send)
        else:
            await self.direct.call(*direct, scope, receive, send)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return Response(wire.encode({"message": exc.message}), status_code=exc.status,
                    media_type="application/json", headers=exc.headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = {404: "not found", 405: "method not allowed"}.get(exc.status_code, str(exc.detail))
    return Response(wire.encode({"message": message}), status_code=exc.status_code,
                    media_type="application/json", headers=dict(exc.headers or {}))


async def _crash(request: Request, exc: Exception) -> Response:
    return Response(wire.encode({"message": "internal server error"}), status_code=500,
                    media_type="application/json")


def _kinded(endpoint: Endpoint, kind: str) -> Endpoint:
    async def handle(request: Request) -> Response:
        request.scope["co_kind"] = kind
        return await endpoint(request)

    return handle


def build_api_app(emu: Emulator) -> ASGIApp:
    """The API app for ``emu`` (without fault injection, which ``core`` wraps around it)."""
    h = Handlers(emu)
    asset = f"{PREFIX}/data_assets/{{id}}"
    routes = [
        Route(f"{PREFIX}/data_assets", h.legacy_search, methods=["GET"]),
        Route(f"{PREFIX}/data_assets", h.create_asset, methods=["POST"]),
        Route(f"{PREFIX}/data_assets/search", h.search, methods=["POST"]),
        Route(asset, h.get_asset, methods=["GET"]),
        Route(asset, h.update_asset, methods=["PUT"]),
        Route(asset, h.delete_asset, methods=["DELETE"]),
        Route(f"{asset}/archive", h.archive_asset, methods=["PATCH"]),
        Route(f"{asset}/permissions", h.get_permissions, methods=["GET"]),
        Route(f"{asset}/permissions", h.set_permissions, methods=["POST"]),
        Route(f"{asset}/files", h.list_files, methods=["POST"]),
        Route(f"{asset}/files/urls", h.file_urls, methods=["GET"]),
        Route(f"{asset}/files/download_url", h.download_url, methods=["GET"]),
        Route(f"{asset}/transfer", h.transfer, methods=["POST"]),
        Route(f"{PREFIX}/computations/{{id}}", h.get_computation, methods=["GET"]),
        Route(f"{PREFIX}/computations/{{id}}/results", h.list_results, methods=["POST"]),
        Route(f"{PREFIX}/custom_metadata", h.custom_metadata, methods=["GET"]),
    ]
    for plural, kind in (("capsules", "capsule"), ("pipelines", "pipeline")):
        routes += [
            Route(f"{PREFIX}/{plural}/search", _kinded(h.search_capsules, kind), methods=["POST"]),
            Route(f"{PREFIX}/{plural}/{{id}}", _kinded(h.get_capsule, kind), methods=["GET"]),
            Route(f"{PREFIX}/{plural}/{{id}}/computations", _kinded(h.list_computations, kind),
                  methods=["GET"]),
        ]
    for plural, kind in (("capsules", "capsule"), ("pipelines", "pipeline"),
                         ("computations", "computation")):
        for suffix in ("", "/"):
            path = f"{PREFIX}/{plural}/{{id}}/data_assets{suffix}"
            routes += [
                Route(path, _kinded(h.attach, kind), methods=["POST"]),
                Route(path, _kinded(h.detach, kind), methods=["DELETE"]),
            ]
    handlers: dict[type[Exception], ErrorHandler] = {
        ApiError: _api_error, HTTPException: _http_error, Exception: _crash}
    router = Starlette(routes=routes, exception_handlers=dict(handlers))
    router.router.redirect_slashes = False
    return ApiGate(router, emu, DirectRoutes.of(routes, handlers))
