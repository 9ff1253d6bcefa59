"""The request side of data-asset search: the query language and the body's validation.

Query syntax (the SDK's, as documented): ``name:`` ``tag:`` ``run_script:`` ``commit_id:``
``contained_data_id:`` and free text; ``"quotes"`` make a phrase; the same field repeated means
OR, different fields (and separate free-text words) mean AND; matching ignores case. An unknown
``field:`` is plain free text. ``limit`` is 1..1000 (0 or absent: 100); above 1000 or negative is a
400. How a parsed request becomes one SQL statement is :mod:`co_tui.emulator.search`'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from co_tui.emulator import request_body, wire
from co_tui.emulator.http_errors import bad_request

ASSET_FIELDS = ("name", "tag", "run_script", "commit_id", "contained_data_id")
SORT_COLUMNS = {"created": "a.created", "name": "a.name_lc", "size": "a.size", "type": "a.type"}
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
OWNERSHIPS = ("created", "shared", "private")
_TOKEN = re.compile(r'\s*(?:([A-Za-z_]+):)?(?:"([^"]*)"?|(\S+))')


@dataclass
class ParsedQuery:
    """A query split into field terms (lowercased values by field) and free-text terms."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    free: list[str] = field(default_factory=list)
    quoted: set[str] = field(default_factory=set)
    """Values that were written as a quoted phrase (matched without a prefix)."""


def parse_query(text: str | None, known: tuple[str, ...] = ASSET_FIELDS) -> ParsedQuery:
    """Split a query string into known-field terms and free-text terms (all lowercased)."""
    parsed = ParsedQuery()
    text = text or ""
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            break
        pos = match.end()
        name, phrase, word = match.groups()
        value = phrase if phrase is not None else word
        if value is None:
            continue
        if phrase is not None:
            parsed.quoted.add(phrase.strip().lower())
        if name is not None and name.lower() in known:
            if value.strip():
                parsed.fields.setdefault(name.lower(), []).append(value.strip().lower())
        elif name is None and value.endswith(":") and value[:-1].lower() in known:
            continue  # a field with no value yet ("name:" while typing) filters nothing
        else:
            term = f"{name}:{value}" if name is not None else value
            if term.strip():
                parsed.free.append(term.strip().lower())
    return parsed


@dataclass
class SearchParams:
    """A validated search request (POST body or legacy GET query)."""

    query: str = ""
    offset: int = 0
    limit: int = DEFAULT_LIMIT
    next_token: str | None = None
    sort_field: str | None = None
    sort_order: str = "desc"
    type: str | None = None
    ownership: str | None = None
    origin: str | None = None
    favorite: bool = False
    archived: bool = False
    filters: list[dict[str, Any]] = field(default_factory=list)

    def fingerprint(self) -> dict[str, Any]:
        """Everything that defines the result set and its order (not the page position)."""
        return {"query": self.query, "sort_field": self.sort_field, "sort_order": self.sort_order,
                "type": self.type, "ownership": self.ownership, "origin": self.origin,
                "favorite": self.favorite, "archived": self.archived, "filters": self.filters}


def clamp_limit(limit: int | None) -> int:
    """Default 100 (also for 0); negative or above 1000 is a 400 (never silently clamped)."""
    if limit is None or limit == 0:
        return DEFAULT_LIMIT
    if limit < 0:
        raise bad_request("limit must not be negative")
    if limit > MAX_LIMIT:
        raise bad_request(f"limit must be at most {MAX_LIMIT}, got {limit}")
    return limit


def _next_token(data: dict[str, Any]) -> str | None:
    """``next_token`` as a string: a number is accepted too (the docs type it as one)."""
    value = data.get("next_token")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(int(value)) if float(value).is_integer() else str(value)
    return request_body.opt_str(data, "next_token") or None


def _choice(value: str | None, allowed: tuple[str, ...], key: str) -> str | None:
    if value is not None and value not in allowed:
        raise bad_request(f"invalid {key} {value!r} (expected one of {', '.join(allowed)})")
    return value


def params_from_body(data: Any) -> SearchParams:
    """Validate a ``POST /data_assets/search`` body (null = absent; ``from`` = ``offset``)."""
    data = request_body.as_object(data)
    offset = request_body.opt_int(data, "offset")
    if offset is None:
        offset = request_body.opt_int(data, "from")
    sort_field = _choice(request_body.opt_str(data, "sort_field"), tuple(SORT_COLUMNS),
                         "sort_field")
    sort_order = _choice(request_body.opt_str(data, "sort_order"), ("asc", "desc"), "sort_order")
    filters = []
    for item in request_body.opt_list(data, "filters") or []:
        filters.append(_filter(request_body.as_object(item, "each filter")))
    return SearchParams(
        query=request_body.opt_str(data, "query") or "",
        offset=max(offset or 0, 0),
        limit=clamp_limit(request_body.opt_int(data, "limit")),
        next_token=_next_token(data),
        sort_field=sort_field,
        sort_order=(sort_order or "asc") if sort_field else "desc",
        type=_choice(request_body.opt_str(data, "type"), wire.ASSET_TYPES, "type"),
        ownership=_choice(request_body.opt_str(data, "ownership"), OWNERSHIPS, "ownership"),
        origin=_choice(request_body.opt_str(data, "origin"), ("internal", "external"), "origin"),
        favorite=bool(request_body.opt_bool(data, "favorite")),
        archived=bool(request_body.opt_bool(data, "archived")),
        filters=filters,
    )


def params_from_query(query: dict[str, str]) -> SearchParams:
    """Validate the legacy ``GET /data_assets?start=&limit=&...`` query string."""
    data: dict[str, Any] = {k: v for k, v in query.items() if v != ""}
    if data.get("ownership") == "owner":
        data["ownership"] = "created"
    for key in ("favorite", "archived"):
        if key in data:
            data[key] = request_body.parse_bool(data[key], key)
    data["offset"] = data.pop("start", None)
    data.pop("next_token", None)
    return params_from_body(data)


def _filter(item: dict[str, Any]) -> dict[str, Any]:
    key = request_body.req_str(item, "key")
    value = item.get("value")
    values = request_body.opt_list(item, "values")
    bounds = request_body.opt_object(item, "range")
    for candidate in [value, *(values or [])]:
        if candidate is not None and (isinstance(candidate, bool)
                                      or not isinstance(candidate, (str, int, float))):
            raise bad_request(f"filter {key!r}: values must be strings or numbers")
    if bounds is not None:
        low, high = bounds.get("min"), bounds.get("max")
        if low is None and high is None:
            raise bad_request(f"filter {key!r}: range needs min or max")
        for bound in (low, high):
            if bound is not None and (isinstance(bound, bool)
                                      or not isinstance(bound, (int, float))):
                raise bad_request(f"filter {key!r}: range bounds must be numbers")
        bounds = {"min": low, "max": high}
    if value is None and not values and bounds is None:
        raise bad_request(f"filter {key!r} needs value, values or range")
    return {"key": key, "value": value, "values": values or None, "range": bounds,
            "exclude": bool(request_body.opt_bool(item, "exclude"))}
