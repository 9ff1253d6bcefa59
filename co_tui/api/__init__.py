"""Async client for the Code Ocean REST API (v1). Knows nothing of Textual or of the UI.

Names are exported lazily (PEP 562): importing one light module (``co_tui.api.errors``) does
not pull in httpx, so the UI can paint its first frame before the
network stack is loaded. ``Secret`` and ``normalize_domain`` are re-exported from
:mod:`co_tui.redact` and :mod:`co_tui.domain`, which sit below both this package and the session.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, str] = {
    "ApiConnectionError": "co_tui.api.errors",
    "ApiError": "co_tui.api.errors",
    "ApiTimeoutError": "co_tui.api.errors",
    "AttachedTo": "co_tui.api.capsules",
    "AuthenticationError": "co_tui.api.errors",
    "BadRequestError": "co_tui.api.errors",
    "CodeOceanClient": "co_tui.api.client",
    "ConflictError": "co_tui.api.errors",
    "DownloadTimeouts": "co_tui.api.retry",
    "FileStream": "co_tui.api.files",
    "InsecureDomainError": "co_tui.domain",
    "NotFoundError": "co_tui.api.errors",
    "OpKind": "co_tui.api.retry",
    "PermissionDeniedError": "co_tui.api.errors",
    "RangeRead": "co_tui.api.files",
    "RateLimitedError": "co_tui.api.errors",
    "RetryBudget": "co_tui.api.retry",
    "RetryPolicy": "co_tui.api.retry",
    "Secret": "co_tui.redact",
    "ServerError": "co_tui.api.errors",
    "Timeouts": "co_tui.api.retry",
    "UnexpectedResponseError": "co_tui.api.errors",
    "find_attached": "co_tui.api.capsules",
    "normalize_domain": "co_tui.domain",
}

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


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from co_tui.api.capsules import (
        AttachedTo,
        find_attached,
    )
    from co_tui.api.client import (
        CodeOceanClient,
    )
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
    from co_tui.api.files import (
        FileStream,
        RangeRead,
    )
    from co_tui.api.retry import (
        DownloadTimeouts,
        OpKind,
        RetryBudget,
        RetryPolicy,
        Timeouts,
    )
    from co_tui.domain import (
        InsecureDomainError,
        normalize_domain,
    )
    from co_tui.redact import (
        Secret,
    )
