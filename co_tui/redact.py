"""Keeping the token and signed URLs out of reprs, logs and messages.

- :class:`Secret` wraps the token; its ``repr``/``str`` never show it.
- :func:`register_secret` records every form of a token that could appear in text (raw, the Basic
  header's base64 of ``token:``, base64 of the token, URL-encoded).
- :func:`redact` removes those forms and the signature parts of signed URLs from any text.
- :func:`install_log_redaction` makes every log record in the process pass through :func:`redact`
  at creation time (a ``LogRecordFactory``), so no handler, logger or level can leak them —
  including httpx's ``HTTP Request: GET <url>`` lines and httpcore's header dumps.
- :func:`safe_url` is the form of a URL that may appear in a message: no query string.

A leaf module (it imports nothing from co-tui): the API client, the session's credential files,
the log and the error messages all use it, so it sits below all of them.
"""

from __future__ import annotations

import base64
import logging
import re
import threading
import urllib.parse
from typing import Any

__all__ = ["Secret", "install_log_redaction", "redact", "register_secret", "safe_url"]

_REDACTED = "[REDACTED]"
_lock = threading.Lock()
_secret_forms: set[str] = set()
_secret_pattern: re.Pattern[str] | None = None

# Query parameters that make a URL a credential (S3 presigned URLs and similar).
_SIGNED_PARAM = re.compile(
    r"(?i)((?:X-Amz-(?:Signature|Credential|Security-Token)|Signature|sig|token|access_token)=)"
    r"[^&\s\"'<>]*"
)
_BASIC_HEADER = re.compile(
    r"(?i)(authorization['\"]?\s*[:=,]\s*\(?['\"]?\s*b?['\"]?basic\s+)[A-Za-z0-9+/=]+"
)


class Secret:
    """A string that must never be displayed: ``repr``/``str`` give ``Secret('****')``."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        register_secret(value)

    def get(self) -> str:
        """The secret itself, for the one place that needs it (the auth header)."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('****')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __reduce__(self) -> Any:
        raise TypeError("Secret values cannot be pickled")


def _forms(token: str) -> set[str]:
    forms = {
        token,
        base64.b64encode(f"{token}:".encode()).decode(),
        base64.b64encode(token.encode()).decode(),
        urllib.parse.quote(token, safe=""),
        urllib.parse.quote_plus(token),
    }
    return {form for form in forms if len(form) >= 4}


def register_secret(token: str) -> None:
    """Remember ``token`` (and its encoded forms) so that :func:`redact` removes it everywhere."""
    global _secret_pattern
    if not token:
        return
    with _lock:
        before = len(_secret_forms)
        _secret_forms.update(_forms(token))
        if len(_secret_forms) != before:
            ordered = sorted(_secret_forms, key=len, reverse=True)
            _secret_pattern = re.compile("|".join(re.escape(form) for form in ordered))


def redact(text: str) -> str:
    """``text`` without registered secrets, Basic credentials or URL signatures."""
    pattern = _secret_pattern
    if pattern is not None:
        text = pattern.sub(_REDACTED, text)
    text = _BASIC_HEADER.sub(lambda m: m.group(1) + _REDACTED, text)
    return _SIGNED_PARAM.sub(lambda m: m.group(1) + _REDACTED, text)


def safe_url(url: object) -> str:
    """A URL fit for a message or log: scheme, host and path (a signed query is a credential)."""
    parts = urllib.parse.urlsplit(str(url))
    return redact(urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")))


_installed = False


def install_log_redaction() -> None:
    """Redact every log record created from now on, whatever logger or handler it goes to.

    The record's message is formatted once, redacted, and stored with no ``args``, so a handler
    that formats the record again sees only the redacted text. Exception text attached to the
    record is redacted when it is formatted (see :class:`_RedactingRecord`).
    """
    global _installed
    with _lock:
        if _installed:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            try:
                message = record.getMessage()
            except Exception:  # a broken format string must not break logging
                message = str(record.msg)
            record.msg = redact(message)
            record.args = None
            if type(record) is logging.LogRecord:
                record.__class__ = _RedactingRecord
            return record

        logging.setLogRecordFactory(factory)
        _installed = True


class _RedactingRecord(logging.LogRecord):
    """A log record whose cached exception text is redacted too."""

    def __getattribute__(self, name: str) -> Any:
        value = super().__getattribute__(name)
        if name in ("exc_text", "stack_info") and isinstance(value, str):
            return redact(value)
        return value
