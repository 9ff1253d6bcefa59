"""Async client for the Code Ocean REST API (v1). Knows nothing of Textual or of the UI."""

from __future__ import annotations

from co_tui.api.capsules import AttachedTo, find_attached
from co_tui.api.client import CodeOceanClient, InsecureDomainError, normalize_domain
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
)
from co_tui.api.files import FileStream, RangeRead
from co_tui.api.redact import Secret
from co_tui.api.retry import DownloadTimeouts, OpKind, RetryBudget, RetryPolicy, Timeouts

__all__ = [
    "ApiConnectionError",
    "ApiError",
    "ApiTimeoutError",
    "AttachedTo",
    "AuthenticationError",
    "BadRequestError",
    "CodeOceanClient",
    "ConflictError",
    "DownloadTimeouts",
    "FileStream",
    "InsecureDomainError",
    "NotFoundError",
    "OpKind",
    "PermissionDeniedError",
    "RangeRead",
    "RateLimitedError",
    "RetryBudget",
    "RetryPolicy",
    "Secret",
    "ServerError",
    "Timeouts",
    "UnexpectedResponseError",
    "find_attached",
    "normalize_domain",
]
