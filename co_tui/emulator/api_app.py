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
from collections.abc import Awaitable, Callable
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
from co_tui.emulator.store import User

if TYPE_CHECKING:
    from co_tui.emulator.core import Emulator

PREFIX = "/api/v1"
Endpoint = Callable[[Request], Awaitable[Response]]


async def send_error(send: Send, status: int, message: str,
                     headers: dict[str, str] | None = None) -> None:
    """Send ``{"message": message}`` with ``status`` from bare ASGI code."""
    body = wire.encode({"message": message})
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


def token_of(header: str | None) -> str | None:
    """The token from ``Authorization: Basic base64(token:)``, or ``None``."""
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


class ApiGate:
    """Version check, authentication and lazy state settling in front of the router."""

    def __init__(self, app: ASGIApp, emu: Emulator) -> None:
        self.app = app
        self.emu = emu

    def _user(self, scope: Scope) -> User | None:
        for name, value in scope["headers"]:
            if name.lower() == b"authorization":
                token = token_of(value.decode("latin-1"))
                return None if token is None else self.emu.store.user_by_token(token)
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        if path != PREFIX and not path.startswith(PREFIX + "/"):
            await send_error(send, 404, "not found")
            return
        for name, value in scope["headers"]:
            if name.lower() == b"min-server-version":
                wanted = value.decode("latin-1")
                try:
                    too_new = parse_version(wanted) > self.emu.config.version_tuple
                except ValueError:
                    await send_error(send, 400, f"malformed Min-Server-Version header {wanted!r}")
                    return
                if too_new:
                    await send_error(send, 400, (
                        f"server version {self.emu.config.server_version} is lower than the "
                        f"minimum version {wanted} required by the client"))
                    return
        user = self._user(scope)
        if user is None:
            await send_error(send, 401, "missing or invalid access token",
                             {"WWW-Authenticate": 'Basic realm="Code Ocean"'})
            return
        scope["co_user"] = user
        self.emu.store.settle()
        if self.emu.store.index is not None:
            self.emu.store.index.refresh()
        await self.app(scope, receive, send)


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
    router = Starlette(
        routes=routes,
        exception_handlers={ApiError: _api_error, HTTPException: _http_error, Exception: _crash},
    )
    router.router.redirect_slashes = False
    return ApiGate(router, emu)
