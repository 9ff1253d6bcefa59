"""Statuses and transport failures become typed errors in one function (issue 2: errors)."""

from __future__ import annotations

import httpx
import pytest

from co_tui.api.errors import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    UnexpectedResponseError,
    build_error,
    parse_retry_after,
    request_never_sent,
)

REQUEST = httpx.Request("GET", "https://co.example.org/api/v1/data_assets/x")


def _response(status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, content=body, headers=headers, request=REQUEST)


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError), (401, AuthenticationError), (403, PermissionDeniedError),
        (404, NotFoundError), (405, BadRequestError), (409, ConflictError), (412, ConflictError),
        (418, BadRequestError), (422, BadRequestError), (429, RateLimitedError),
        (500, ServerError), (502, ServerError), (503, ServerError), (504, ServerError),
        (599, ServerError),
    ],
)
def test_status_maps_to_type(status: int, cls: type[ApiError]) -> None:
    error = build_error(operation="get_data_asset", response=_response(status, b'{"message": "m"}'))
    assert type(error) is cls
    assert error.status == status
    assert error.message == "m"
    assert "get_data_asset" in str(error)


def test_message_fallbacks_follow_the_sdk() -> None:
    no_message = build_error(operation="op", response=_response(400, b'{"errors": ["x"]}'))
    assert no_message.message == "An error occurred." and no_message.data == {"errors": ["x"]}
    text = build_error(operation="op", response=_response(502, b"<html>Bad gateway</html>"))
    assert text.message == "<html>Bad gateway</html>" and text.data is None
    empty = build_error(operation="op", response=_response(503))
    assert empty.message == "Service Unavailable"


def test_rate_limited_carries_retry_after() -> None:
    error = build_error(operation="op", response=_response(429, b"{}", {"Retry-After": "3"}))
    assert isinstance(error, RateLimitedError) and error.retry_after == 3.0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", 0.0), ("7", 7.0), ("1.5", 1.5), ("-4", 0.0), (None, None), ("soon", None),
        ("nan", None), ("inf", None), ("Wed, 21 Oct 2015 07:28:10 GMT", 10.0),
        ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    now = 1445412480.0  # 2015-10-21 07:28:00 UTC
    assert parse_retry_after(value, now=now) == expected


def test_writes_that_failed_at_the_server_are_outcome_unknown() -> None:
    error = build_error(operation="archive", response=_response(502), write=True)
    assert error.outcome_unknown and "may have been applied" in str(error)
    assert not build_error(operation="archive", response=_response(403), write=True).outcome_unknown
    assert not build_error(operation="get", response=_response(502)).outcome_unknown


@pytest.mark.parametrize(
    ("exc", "cls", "never_sent"),
    [
        (httpx.ConnectError("refused"), ApiConnectionError, True),
        (httpx.ConnectTimeout("slow"), ApiTimeoutError, True),
        (httpx.PoolTimeout("busy"), ApiTimeoutError, True),
        (httpx.ReadTimeout("slow"), ApiTimeoutError, False),
        (httpx.WriteTimeout("slow"), ApiTimeoutError, False),
        (httpx.ReadError("reset"), ApiConnectionError, False),
        (httpx.RemoteProtocolError("peer closed"), ApiConnectionError, False),
    ],
)
def test_transport_failures(exc: Exception, cls: type[ApiError], never_sent: bool) -> None:
    assert request_never_sent(exc) is never_sent
    read = build_error(operation="op", exc=exc)
    write = build_error(operation="op", exc=exc, write=True)
    assert type(read) is cls and read.status is None and not read.outcome_unknown
    assert write.outcome_unknown is (not never_sent)


def test_decode_failures_are_unexpected_responses() -> None:
    assert isinstance(build_error(operation="op", exc=ValueError("bad json")), UnexpectedResponseError)


def test_urls_in_errors_lose_their_query() -> None:
    error = build_error(
        operation="read_file",
        response=_response(403, b"expired"),
        url="https://s3.example/b/k?X-Amz-Signature=abcdef&X-Amz-Credential=xyz",
    )
    assert error.url == "https://s3.example/b/k"
    assert "abcdef" not in repr(error) + str(error)
