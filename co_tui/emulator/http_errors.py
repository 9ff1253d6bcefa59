"""The emulator's error type: an HTTP status plus the ``{"message": ...}`` body the API sends."""

from __future__ import annotations


class ApiError(Exception):
    """A failed API call: ``status`` and the ``message`` that goes into the JSON error body.

    Raised anywhere below the route handlers (store, search, create); the API app turns it into
    ``{"message": message}`` with ``status`` (and any extra ``headers``).
    """

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def bad_request(message: str) -> ApiError:
    """400 with ``message``."""
    return ApiError(400, message)


def forbidden(message: str) -> ApiError:
    """403 with ``message``."""
    return ApiError(403, message)


def not_found(message: str) -> ApiError:
    """404 with ``message``."""
    return ApiError(404, message)
