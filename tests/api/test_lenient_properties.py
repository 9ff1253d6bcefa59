"""Property: mutate real search pages and folder listings every way a server might get them
wrong, and the client either reads them — every record with a readable identity comes back,
in order — or fails with its own typed error, never anything else.

The pages are the emulator's real answers (demo seed). Mutations: null a field, change its type,
drop it, add keys, nest deeply, at the page level and inside records.
"""

from __future__ import annotations

import asyncio
import functools
import json
import math
from typing import Any

import httpx
import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from co_tui.api import ApiError, CodeOceanClient, UnexpectedResponseError
from co_tui.api.codec import decode
from co_tui.api.lenient import UnreadableResponse
from co_tui.api.models import DataAssetSearchParams, DataAssetSearchResults, Folder
from co_tui.emulator import Emulator, EmulatorConfig

OWN_SHAPES = True
"""These tests reshape the tidy emulator's answers themselves (see tests/api/conftest.py)."""

INT64 = 2**63


@functools.cache
def _real_answers() -> tuple[bytes, bytes]:
    """A search page (with every kind of asset) and the largest root folder listing, as the
    emulator sends them."""

    async def fetch() -> tuple[bytes, bytes]:
        emulator = Emulator(EmulatorConfig(seed="demo"))
        async with httpx.AsyncClient(transport=emulator.transport(),
                                     base_url=f"{emulator.config.api_origin}/api/v1/",
                                     auth=(emulator.main_token, "")) as http:
            page = await http.post("data_assets/search", json={"limit": 25})
            best = b""
            for row in page.json()["results"][:12]:
                files = await http.post(f"data_assets/{row['id']}/files", json={"path": ""})
                if files.status_code == 200 and len(files.content) > len(best):
                    best = files.content
            return page.content, best

    return asyncio.run(fetch())


# --- what counts as readable (written from the rules, not from the code under test) ----------


def _text(value: Any) -> str | None:
    """The string the client reads ``value`` as, or None when it cannot."""
    if type(value) is str:
        return value
    if type(value) is int:
        return str(value)
    if type(value) is float and math.isfinite(value):
        return repr(value)
    return None


def _number_ok(value: Any) -> bool:
    """True when ``value`` reads as a whole number of seconds (or is absent / null)."""
    if value is None:
        return True
    if type(value) is str:
        try:
            value = float(value.strip())
        except ValueError:
            return False
    if type(value) not in (int, float):
        return False
    return math.isfinite(value) and -INT64 <= int(value) < INT64


_ABSENT = object()
_DEEP = "\u2063deep\u2063"
_DEEP_JSON = b"[" * 10_000 + b"]" * 10_000


def _readable_ids(records: list[Any]) -> list[str]:
    out = []
    for record in records:
        if type(record) is not dict:
            continue
        ident = _text(record.get("id"))
        if ident is not None and _number_ok(record.get("created")):
            out.append(ident)
    return out


def _readable_paths(items: list[Any]) -> list[str]:
    out = []
    for item in items:
        if type(item) is not dict:
            continue
        path = item.get("path", _ABSENT)
        if path is _ABSENT or path is None:
            out.append("")
        elif _text(path) is not None:
            out.append(_text(path))  # type: ignore[arg-type]
    return out


# --- mutations ---------------------------------------------------------------------------------

_TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=8)
_SCALARS = st.one_of(
    st.none(), st.booleans(), _TEXT, st.sampled_from(["yesterday", "12", " 3.5 ", "nan", "inf"]),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
)
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(_TEXT, inner, max_size=3)), max_leaves=6)


def _nest(depth: int, leaf: Any) -> Any:
    value = leaf
    for level in range(depth):
        value = [value] if level % 2 else {"x": value}
    return value


@st.composite
def _mutation(draw: st.DrawFn) -> tuple[str, Any]:
    op = draw(st.sampled_from(["null", "retype", "drop", "add", "nest", "deep"]))
    if op == "retype":
        return op, draw(_VALUES)
    if op == "add":
        return op, (draw(st.one_of(_TEXT, st.sampled_from(["unreadable", "id", "created"]))),
                    draw(_VALUES))
    if op == "nest":
        return op, draw(st.integers(min_value=1, max_value=60))
    return op, None


def _apply(target: Any, key: Any, mutation: tuple[str, Any]) -> Any:
    """``target`` with ``mutation`` applied at ``key`` (the target itself when it is not an
    object or a list)."""
    op, arg = mutation
    if isinstance(target, list):
        if not target:
            return target
        key = key % len(target)
    elif isinstance(target, dict):
        keys = sorted(target)
        if not keys:
            return target
        key = keys[key % len(keys)]
    else:
        return target
    if op == "null":
        target[key] = None
    elif op == "retype":
        target[key] = arg
    elif op == "drop":
        del target[key]
    elif op == "add" and isinstance(target, dict):
        target[arg[0]] = arg[1]
    elif op == "nest":
        target[key] = _nest(arg, target[key])
    elif op == "deep":
        target[key] = _DEEP  # replaced in the encoded body: json.dumps cannot nest that deep
    return target


@st.composite
def _mutated(draw: st.DrawFn, which: int, records_key: str) -> tuple[bytes, Any, bool]:
    """(body, the mutated document, whether it holds a 10,000-deep value); ``which`` picks the
    real answer to start from (0: a search page, 1: a folder listing)."""
    doc = json.loads(_real_answers()[which])
    deep = False
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        where = draw(st.sampled_from(["page", "record", "record", "record", "inner"]))
        mutation = draw(_mutation())
        deep = deep or mutation[0] == "deep"
        key = draw(st.integers(min_value=0, max_value=1000))
        records = doc.get(records_key) if isinstance(doc, dict) else None
        if where == "page" and isinstance(doc, dict):
            _apply(doc, key, mutation)
        elif isinstance(records, list) and records:
            record = records[draw(st.integers(min_value=0, max_value=len(records) - 1))]
            if where == "inner" and isinstance(record, dict):
                inner = [v for v in record.values() if isinstance(v, (dict, list)) and v]
                if inner:
                    record = inner[key % len(inner)]
            if isinstance(record, (dict, list)):
                _apply(record, draw(st.integers(min_value=0, max_value=1000)), mutation)
            else:
                records[0] = mutation[1]
    body = json.dumps(doc, ensure_ascii=False).encode()
    if deep:
        body = body.replace(json.dumps(_DEEP, ensure_ascii=False).encode(), _DEEP_JSON)
    return body, doc, deep


def _check(body: bytes, doc: Any, deep: bool, type_: type[Any], records_key: str) -> None:
    try:
        value = decode(body, type_)
    except (UnreadableResponse, msgspec.DecodeError):
        # a typed error is only allowed when no reading could have kept the page
        records = doc.get(records_key) if isinstance(doc, dict) else None
        assert deep or not isinstance(doc, dict) or not (records is None
                                                         or isinstance(records, list)), doc
        return
    assert isinstance(doc, dict)
    records = doc.get(records_key) or []
    if type_ is Folder:
        got = [item.path for item in value.items]
        assert got == _readable_paths(records)
        assert value.unreadable == len(records) - len(got)
    else:
        got = [asset.id for asset in value.results]
        assert got == _readable_ids(records)
        assert value.unreadable == len(records) - len(got)
        assert all(isinstance(a.created, int) and isinstance(a.id, str) for a in value.results)


_FAST = settings(max_examples=1200, deadline=None, derandomize=False,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@_FAST
@given(st.data())
def test_mutated_search_pages(data: st.DataObject) -> None:
    body, doc, deep = data.draw(_mutated(0, "results"))
    _check(body, doc, deep, DataAssetSearchResults, "results")


@settings(_FAST, max_examples=800)
@given(st.data())
def test_mutated_folder_listings(data: st.DataObject) -> None:
    body, doc, deep = data.draw(_mutated(1, "items"))
    _check(body, doc, deep, Folder, "items")


@settings(_FAST, max_examples=300)
@given(st.data())
def test_only_the_clients_typed_error_escapes_a_request(data: st.DataObject) -> None:
    """Through the whole client: the answer is read, or the error is UnexpectedResponseError."""
    body, doc, deep = data.draw(_mutated(0, "results"))

    async def request() -> DataAssetSearchResults:
        transport = httpx.MockTransport(lambda _request: httpx.Response(200, content=body))
        async with CodeOceanClient("https://co.example.org", "tok", transport=transport) as c:
            return await c.data_assets.search_data_assets(DataAssetSearchParams(limit=25))

    try:
        page = asyncio.run(request())
    except ApiError as error:
        assert isinstance(error, UnexpectedResponseError), error
        records = doc.get("results") if isinstance(doc, dict) else None
        assert deep or not isinstance(doc, dict) or not (records is None
                                                         or isinstance(records, list)), doc
        return
    records = doc.get("results") or []
    assert [a.id for a in page.results] == _readable_ids(records)


def test_the_real_answers_are_not_trivial() -> None:
    page, folder = _real_answers()
    assert len(json.loads(page)["results"]) == 25
    assert len(json.loads(folder)["items"]) >= 3


@pytest.mark.parametrize("value", [True, False])
def test_a_boolean_is_not_a_timestamp(value: bool) -> None:
    page = decode(json.dumps({"results": [{"id": "a", "created": value}, {"id": "b"}]}).encode(),
                  DataAssetSearchResults)
    assert [a.id for a in page.results] == ["b"] and page.unreadable == 1
