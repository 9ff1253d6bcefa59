"""Single fields of the edit and create dialogs as text: custom-metadata values, mount, tags.

:func:`format_custom` shows a custom-metadata value as text and :func:`parse_custom` reads it back
against the deployment's schema field (number, date as epoch seconds, string; allowed values and
ranges); :func:`check_custom` reads a whole form's custom-metadata texts, required fields
included. :func:`mount_error` and :func:`tag_error` say why a typed mount or tag is refused, and
:func:`has_controls` finds the characters no typed text may hold. Used by
:mod:`co_tui.operations.metadata` (the edit form and the save flow) and
:mod:`co_tui.operations.create_form` (the create form), so both dialogs check values the same way.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from co_tui.api.models import CustomMetadata, CustomMetadataField
from co_tui.edit_buffer import is_dangerous

__all__ = ["REQUIRED", "check_custom", "format_custom", "has_controls", "mount_error",
           "parse_custom", "split_items", "tag_error", "value_error"]

REQUIRED = "required"
"""The message under a required custom-metadata field left empty."""

_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M",
                 "%Y-%m-%dT%H:%M:%S")


def has_controls(text: str, *, multiline: bool = False, original: str = "") -> bool:
    """True when ``text`` holds a character that must not reach a terminal (a C0/C1 control,
    ESC, DEL, a bidi embedding, override or isolate, a line separator, a lone surrogate; newlines
    and tabs are allowed in multi-line text) more times than ``original`` does. Typed text with
    one is refused; one the server already had is kept. Harmless characters that real text needs
    (joiners, bidi marks, soft hyphens, variation selectors, combining marks) are allowed."""
    found = Counter(char for char in text if is_dangerous(char, multiline=multiline))
    if not found:
        return False
    had = Counter(char for char in original if is_dangerous(char, multiline=multiline))
    return bool(found - had)


def _has_invisible(text: str) -> bool:
    """True when ``text`` holds any control, format, surrogate or separator character."""
    return any(unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp") for char in text)


# --- custom-metadata values as text -----------------------------------------------------------


def _format_number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _format_date(value: Any) -> str:
    try:
        when = datetime.fromtimestamp(float(value), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return str(value)
    if (when.hour, when.minute, when.second) == (0, 0, 0):
        return when.strftime("%Y-%m-%d")
    return when.strftime("%Y-%m-%d %H:%M" if when.second == 0 else "%Y-%m-%d %H:%M:%S")


def format_custom(value: Any, spec: CustomMetadataField | None) -> str:
    """A custom-metadata value as form text: numbers plainly, dates as UTC ``YYYY-MM-DD``,
    several values joined with ``", "``, strings as they are."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(format_custom(item, spec) for item in value)
    kind = spec.type if spec is not None else ""
    if kind == "date" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return _format_date(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _format_number(value)
    return str(value)


def _parse_one(text: str, spec: CustomMetadataField, original: str = "") -> Any:
    """One typed value from ``text``; raises ValueError with a message for the user.
    ``original`` is the field's stored text: control characters it had may stay."""
    if spec.type == "number":
        try:
            number = int(text) if text.lstrip("+-").isdigit() else float(text)
        except ValueError:
            raise ValueError("must be a number") from None
        if isinstance(number, float) and not math.isfinite(number):
            raise ValueError("must be a finite number")
        return number
    if spec.type == "date":
        if text.lstrip("-").isdigit():
            return int(text)  # epoch seconds, as the API stores dates
        cleaned = text.removesuffix("Z").removesuffix(" UTC").strip()
        for pattern in _DATE_FORMATS:
            try:
                return int(datetime.strptime(cleaned, pattern).replace(tzinfo=UTC).timestamp())
            except ValueError:
                continue
        raise ValueError("must be a date: YYYY-MM-DD (UTC)")
    if has_controls(text, original=original):
        raise ValueError("must not contain control characters")
    return text


def value_error(value: Any, spec: CustomMetadataField) -> str | None:
    """Why a typed value breaks the schema (type, allowed values, range), or None."""
    items = value if isinstance(value, list) else [value]
    if isinstance(value, list) and not spec.multiple:
        return "takes a single value"
    for item in items:
        numeric = isinstance(item, (int, float)) and not isinstance(item, bool)
        if spec.type in ("number", "date") and not numeric:
            return "must be a number" if spec.type == "number" else "must be a date"
        if spec.type == "string" and not isinstance(item, str):
            return "must be text"
        if spec.allowed_values and item not in spec.allowed_values:
            shown = ", ".join(format_custom(v, spec) for v in spec.allowed_values)
            return f"must be one of: {shown}"
        bounds = spec.range
        if numeric and bounds is not None:
            if bounds.min is not None and item < bounds.min:
                return f"must be at least {_format_number(bounds.min)}"
            if bounds.max is not None and item > bounds.max:
                return f"must be at most {_format_number(bounds.max)}"
    return None


def split_items(text: str, known: Sequence[str] = ()) -> list[str]:
    """The items of a comma-separated field, each trimmed, except that a ``known`` item (a
    stored value, as :func:`format_custom` shows it) found whole at an item boundary stays one
    item exactly as it was, commas and edge spaces included: adding an item to
    ``"a, b", "c"`` must not split the first one."""
    candidates = sorted({item for item in known if item}, key=len, reverse=True)
    items: list[str] = []
    pos, end = 0, len(text)
    while pos < end:
        # after a comma, the space of ", " comes first; the text's start has no separator
        starts = (pos + 1, pos) if pos and text[pos] == " " else (pos,)
        match = next(
            ((start, item) for start in starts for item in candidates
             if text.startswith(item, start)
             and (start + len(item) == end or text[start + len(item)] == ",")),
            None,
        )
        if match is not None:
            items.append(match[1])
            pos = match[0] + len(match[1]) + 1
            continue
        comma = text.find(",", pos)
        stop = end if comma < 0 else comma
        if part := text[pos:stop].strip():
            items.append(part)
        pos = stop + 1
    return items


def parse_custom(
    text: str, spec: CustomMetadataField, original: str | None = None,
    items: Sequence[str] = (),
) -> Any:
    """The typed value of one field's text (``None`` when empty); raises ValueError.

    ``original`` is the field's stored text when it had a value, and ``items`` its stored
    values one by one (several-valued fields). Typed text is trimmed, except an edited single
    text value, which is kept exactly as typed so that an edit keeps every character (spaces
    included) the user did not delete, and stored items, which :func:`split_items` keeps whole;
    control characters the stored text had may stay."""
    if not text.strip():
        return None
    before = original or ""
    if spec.multiple:
        parts = split_items(text, items)
        value: Any = [_parse_one(part, spec, before) for part in parts]
    elif spec.type == "string" and original is not None:
        value = _parse_one(text, spec, before)
    else:
        value = _parse_one(text.strip(), spec, before)
    error = value_error(value, spec)
    if error:
        raise ValueError(error)
    return value


def check_custom(
    texts: Mapping[str, str],
    schema: CustomMetadata | None,
    original: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """The custom-metadata map a form's ``texts`` (by field name) stand for, and its problems by
    field name (empty when it may be sent).

    ``original`` is the asset's map when editing and ``None`` when creating. Each schema field is
    parsed with :func:`parse_custom`; a field still showing its stored value keeps that value
    exactly; fields outside the schema keep their original values. A required field must have a
    value, except when editing an asset that never had one (a field made required after the asset
    was created must not block a rename).
    """
    before_all = original or {}
    specs = {spec.name: spec for spec in (schema.fields or [])} if schema else {}
    custom: dict[str, Any] = {k: v for k, v in before_all.items() if k not in specs}
    errors: dict[str, str] = {}
    for name, spec in specs.items():
        text = texts.get(name, "")
        before = before_all.get(name)
        if before is not None and text == format_custom(before, spec) and (
            value_error(before, spec) is None
        ):
            custom[name] = before  # untouched: keep the exact stored value
            continue
        try:
            value = parse_custom(
                text, spec, format_custom(before, spec) if before is not None else None,
                [format_custom(item, spec) for item in before] if isinstance(before, list) else (),
            )
        except ValueError as exc:
            errors[name] = str(exc)
            continue
        if value is None or value == []:
            if spec.required and (original is None or before is not None):
                errors[name] = REQUIRED
            continue
        custom[name] = value
    return custom, errors



# --- mount and tags -------------------------------------------------------------------------------


def mount_error(mount: str) -> str | None:
    """Why ``mount`` is not one folder name under ``/data``, or None when it is."""
    if not mount.strip():
        return "mount must not be empty"
    if _has_invisible(mount):
        return "mount must not contain control characters"
    if "/" in mount or "\\" in mount:
        return "mount must be one folder name (no / or \\)"
    if mount.strip() in (".", ".."):
        return "mount must be a folder name, not . or .."
    return None


def tag_error(tag: str) -> str | None:
    """Why ``tag`` cannot be a tag (empty, control characters), or None."""
    if not tag.strip():
        return "tags must not be empty"
    if has_controls(tag):
        return "tags must not contain control characters"
    return None

