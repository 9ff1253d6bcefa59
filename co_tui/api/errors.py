"""The one family of API errors, and the one function that builds them.

Every failure of an API operation reaches callers as an :class:`ApiError` subclass carrying the
HTTP status (when there was a response), the server's ``message``, the operation's name, and —
for writes — whether the request may have been applied (``outcome_unknown``), so the UI can read
the state back instead of guessing (docs/reliability.md, 'Duplicate writes').

:func:`build_error` is the only place where statuses and transport exceptions are mapped.
"""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING, Any

from co_tui.redact import redact, safe_url

if TYPE_CHECKING:
    import httpx

__all__ = [
    "ApiConnectionError",
    "ApiError",
    "ApiTimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitedError",
    "ServerError",
    "UnexpectedResponseError",
    "build_error",
    "request_never_sent",
]


class ApiError(Exception):
    """A failed API operation.

    ``status`` is the HTTP status, or ``None`` when no response arrived. ``message`` is the
    server's ``message`` (or a description of the transport failure), already redacted.
    ``outcome_unknown`` is True when a write may have been applied although it failed here.
    """

    kind = "error"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        data: Any = None,
        operation: str = "",
        url: str = "",
        outcome_unknown: bool = False,
    ) -> None:
        self.message = redact(message)
        self.status = status
        self.data = data
        self.operation = operation
        self.url = url
        self.outcome_unknown = outcome_unknown
        super().__init__(self._describe())

    def _describe(self) -> str:
        where = f"{self.operation}: " if self.operation else ""
        status = f"{self.status} " if self.status is not None else ""
        tail = " (the change may have been applied)" if self.outcome_unknown else ""
        return f"{where}{status}{self.message}{tail}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status!r}, message={self.message!r})"


class BadRequestError(ApiError):
    """400 / 422: the server rejected the request's content."""

    kind = "bad_request"


class AuthenticationError(ApiError):
    """401: the token is missing, wrong or expired."""

    kind = "authentication"


class PermissionDeniedError(ApiError):
    """403: the token may not do this (role, scope, or an expired signed URL)."""

    kind = "permission"


class NotFoundError(ApiError):
    """404: the asset (or file, capsule ...) does not exist or is not visible to this user.

    On an endpoint of one data asset (``/data_assets/{id}...``) the client fills in
    ``asset_id``. ``about_asset`` says whether the 404 can only mean that the asset is gone
    (``GET`` / ``PUT`` / ``DELETE`` of the asset, its archive state, reading its permissions)
    or may be about something inside or named by the request (a file or folder that is not
    there, a user or group in new permissions). ``caller_reports`` is
    True when the code that made the request says itself, per asset, what became of it (bulk
    actions), so a general "this asset is gone" message would repeat it.
    """

    kind = "not_found"

    asset_id: str | None = None
    about_asset: bool = False
    caller_reports: bool = False


class ConflictError(ApiError):
    """409 / 412: the request conflicts with the resource's current state."""

    kind = "conflict"


class RateLimitedError(ApiError):
    """429: too many requests. ``retry_after`` is the server's wait in seconds, when it said."""

    kind = "rate_limited"

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)


class ServerError(ApiError):
    """5xx: the server failed."""

    kind = "server"


class ApiTimeoutError(ApiError):
    """No complete answer within the timeouts or the operation's deadline."""

    kind = "timeout"


class ApiConnectionError(ApiError):
    """The connection failed or broke (refused, reset, truncated body, DNS ...)."""

    kind = "connection"


class UnexpectedResponseError(ApiError):
    """A success status with a body that is not the expected JSON shape."""

    kind = "unexpected_response"


_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    405: BadRequestError,
    409: ConflictError,
    412: ConflictError,
    422: BadRequestError,
    429: RateLimitedError,
}

@cache
def _httpx_tables() -> tuple[dict[type[BaseException], str], tuple[type[BaseException], ...]]:
    """httpx's exception classes, imported on first use: the error classes above are imported by
    the UI before the first frame, httpx only when the first request needs it."""
    import httpx

    timeout_words: dict[type[BaseException], str] = {
        httpx.ConnectTimeout: "timed out connecting to the server",
        httpx.ReadTimeout: "timed out waiting for the server's answer",
        httpx.WriteTimeout: "timed out sending the request",
        httpx.PoolTimeout: "timed out waiting for a free connection",
    }
    not_sent = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout,
                httpx.UnsupportedProtocol)
    return timeout_words, not_sent


def request_never_sent(exc: BaseException) -> bool:
    """True when ``exc`` proves that no byte of the request reached the server.

    Only then may a write be sent again.
    """
    return isinstance(exc, _httpx_tables()[1])


def _server_message(response: httpx.Response) -> tuple[str, Any]:
    """The server's ``message`` and parsed body, as the SDK reads them.

    Error bodies: docs/api-notes.md, 'Errors the API documents'."""
    text = response.text if response.content else ""
    try:
        data = json.loads(text) if text else None
    except ValueError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("message"), str) and data["message"]:
        return data["message"], data
    if data is not None:
        return "An error occurred.", data
    text = text.strip()
    if text:
        return text[:500], None
    return response.reason_phrase or f"HTTP {response.status_code}", None


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or HTTP-date), or None."""
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - now
    if seconds != seconds or seconds in (float("inf"), float("-inf")):
        return None
    return max(0.0, seconds)


def build_error(
    *,
    operation: str,
    response: httpx.Response | None = None,
    exc: BaseException | None = None,
    write: bool = False,
    url: object = "",
    now: float = 0.0,
) -> ApiError:
    """Build the :class:`ApiError` for a failed response or a transport exception.

    ``write`` marks operations that change state: a write that failed after its request may
    have reached the server is flagged ``outcome_unknown``.
    """
    shown_url = safe_url(url) if url else ""
    if response is not None:
        message, data = _server_message(response)
        status = response.status_code
        cls = _BY_STATUS.get(status)
        if cls is None:
            cls = ServerError if status >= 500 else BadRequestError if status >= 400 else (
                UnexpectedResponseError
            )
        common: dict[str, Any] = {
            "status": status,
            "data": data,
            "operation": operation,
            "url": shown_url,
            # A 5xx from a proxy or a crashed handler says nothing about whether a write landed.
            "outcome_unknown": write and status >= 500,
        }
        if cls is RateLimitedError:
            retry_after = parse_retry_after(response.headers.get("Retry-After"), now=now)
            return RateLimitedError(message, retry_after=retry_after, **common)
        return cls(message, **common)

    if exc is None:
        raise ValueError("build_error needs a response or an exception")
    unknown = write and not request_never_sent(exc)
    common = {"operation": operation, "url": shown_url, "outcome_unknown": unknown}
    import httpx

    if isinstance(exc, (httpx.TimeoutException, TimeoutError)):
        what = _httpx_tables()[0].get(type(exc), "did not finish within its deadline")
        return ApiTimeoutError(what, **common)
    if isinstance(exc, httpx.TransportError):
        detail = str(exc) or type(exc).__name__
        return ApiConnectionError(f"connection failed: {detail}", **common)
    if isinstance(exc, ValueError):  # msgspec decode/validation errors subclass ValueError
        return UnexpectedResponseError(f"unexpected response: {exc}", **common)
    return ApiError(f"{type(exc).__name__}: {exc}", **common)
