"""A transport that rewrites the emulator's real answers into shapes a real server may send.

The emulator answers in one tidy shape; real deployments send floats for timestamps, ``null``
for fields, numbers for strings, cursors that do not move. Tests wrap the emulator's transport
in :class:`Reshape` to get those shapes from otherwise real answers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

Rewrite = Callable[[httpx.Request, Any], Any]
"""Given the request and the answer's decoded JSON, return the new JSON value, or ``bytes`` to
send as they are."""


class Reshape(httpx.AsyncBaseTransport):
    """Passes every request to ``inner`` and rewrites successful JSON answers whose path
    contains ``path_contains`` (and whose method is ``method``, when given)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, path_contains: str, rewrite: Rewrite,
                 *, method: str | None = None) -> None:
        self.inner = inner
        self.path_contains = path_contains
        self.rewrite = rewrite
        self.method = method
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        response = await self.inner.handle_async_request(request)
        if (self.path_contains not in request.url.path
                or (self.method is not None and request.method != self.method)
                or response.status_code >= 300):
            return response
        self.requests.append(request)
        data = json.loads(await response.aread())
        new = self.rewrite(request, data)
        content = new if isinstance(new, bytes) else json.dumps(new).encode()
        return httpx.Response(response.status_code, content=content,
                              headers={"Content-Type": "application/json"}, request=request)


def request_json(request: httpx.Request) -> Any:
    """The JSON body a client sent."""
    return json.loads(request.content) if request.content else None
