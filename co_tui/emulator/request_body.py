"""Reading request bodies and query strings the way the API does: ``null`` is the same as absent.

Every helper raises a 400 :class:`~co_tui.emulator.http_errors.ApiError` naming the field when a
value has the wrong type, so clients get ``{"message": "name must be a string"}`` rather than a 500.
"""

from __future__ import annotations

from typing import Any

from co_tui.emulator.http_errors import bad_request

TRUE_WORDS = frozenset({"1", "t", "true", "y", "yes"})
FALSE_WORDS = frozenset({"0", "f", "false", "n", "no"})


def as_object(body: Any, what: str = "request body") -> dict[str, Any]:
    """The body as a dict, ``{}`` for an empty body; 400 for any other JSON type."""
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise bad_request(f"{what} must be a JSON object")
    return body


def opt_str(body: dict[str, Any], key: str) -> str | None:
    """A string field, ``None`` when absent or null."""
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise bad_request(f"{key} must be a string")
    return value


def req_str(body: dict[str, Any], key: str, *, allow_empty: bool = False) -> str:
    """A required string field (400 when absent, null or - unless allowed - blank)."""
    value = opt_str(body, key)
    if value is None or (not allow_empty and not value.strip()):
        raise bad_request(f"{key} is required")
    return value


def opt_bool(body: dict[str, Any], key: str) -> bool | None:
    """A boolean field, ``None`` when absent or null (also accepts "true"/"false" strings)."""
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return parse_bool(value, key)
    raise bad_request(f"{key} must be a boolean")


def parse_bool(text: str, key: str) -> bool:
    """Go-style boolean parsing: ``1 t T TRUE true True`` / ``0 f F FALSE false False``."""
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise bad_request(f"{key} must be a boolean (true or false), got {text!r}")


def opt_int(body: dict[str, Any], key: str) -> int | None:
    """An integer field (integral floats accepted), ``None`` when absent or null."""
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool):
        raise bad_request(f"{key} must be an integer")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            pass
    raise bad_request(f"{key} must be an integer")


def opt_str_list(body: dict[str, Any], key: str) -> list[str] | None:
    """A list of strings, ``None`` when absent or null."""
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise bad_request(f"{key} must be a list of strings")
    return list(value)


def opt_object(body: dict[str, Any], key: str) -> dict[str, Any] | None:
    """A JSON object field, ``None`` when absent or null."""
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise bad_request(f"{key} must be an object")
    return value


def opt_list(body: dict[str, Any], key: str) -> list[Any] | None:
    """A JSON array field, ``None`` when absent or null."""
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, list):
        raise bad_request(f"{key} must be a list")
    return value


def validate_mount(mount: str) -> str:
    """A mount is one folder name under ``/data``: not empty, no ``/``, not ``.`` or ``..``."""
    if not mount.strip():
        raise bad_request("mount must not be empty")
    if "/" in mount or "\\" in mount or mount in (".", "..") or "\x00" in mount:
        raise bad_request(f"invalid mount {mount!r}: it must be a single folder name")
    return mount


def validate_tags(tags: list[str]) -> list[str]:
    """Tags must be non-blank strings; duplicates (case-insensitive) are dropped, order kept."""
    seen: set[str] = set()
    out = []
    for tag in tags:
        if not tag.strip():
            raise bad_request("tags must not be empty strings")
        if tag.lower() not in seen:
            seen.add(tag.lower())
            out.append(tag)
    return out
