"""Every odd-but-real shape of an answer decodes (as the official SDK reads it), a record that
cannot be read is skipped and counted, and a hostile body is a typed error.

The emulator answers in one tidy shape, so its real answers are rewritten on the way to the
client (:class:`tests.reshape.Reshape`) into the shapes real deployments send.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from co_tui.api import CodeOceanClient, ServerError, UnexpectedResponseError
from co_tui.api.codec import decode
from co_tui.api.models import DataAssetSearchParams, DataAssetSearchResults, Folder
from co_tui.api.paging import PagingStopped
from tests.conftest import make_client
from tests.reshape import Reshape, request_json

OWN_SHAPES = True
"""These tests reshape the tidy emulator's answers themselves (see tests/api/conftest.py)."""

SEARCH = "/data_assets/search"
Rewrite = Callable[[httpx.Request, Any], Any]


@pytest.fixture
async def shaped(emulator, sleeps) -> AsyncIterator[Callable[..., CodeOceanClient]]:  # type: ignore[no-untyped-def]
    """A factory: a client whose answers at ``path`` are rewritten by ``rewrite``."""
    made: list[CodeOceanClient] = []

    def factory(path: str, rewrite: Rewrite, *, method: str | None = None,
                **kwargs: Any) -> CodeOceanClient:
        transport = Reshape(emulator.transport(), path, rewrite, method=method)
        client = make_client(emulator, transport, sleeps, **kwargs)
        client.reshape = transport  # type: ignore[attr-defined]
        made.append(client)
        return client

    yield factory
    for client in made:
        await client.aclose()


def _first_rows(n: int = 5) -> DataAssetSearchParams:
    return DataAssetSearchParams(limit=n, sort_field="created", sort_order="desc")


async def _truth(client: CodeOceanClient, n: int = 5) -> DataAssetSearchResults:
    return await client.data_assets.search_data_assets(_first_rows(n))


def _on_rows(change: Callable[[int, dict[str, Any]], None]) -> Rewrite:
    """A rewrite applying ``change(index, row)`` to every row of a search page."""
    def rewrite(_: httpx.Request, page: Any) -> Any:
        for index, row in enumerate(page["results"]):
            change(index, row)
        return page
    return rewrite


# --- float timestamps ----------------------------------------------------------------------


async def test_float_timestamps_keep_their_whole_seconds(client, shaped) -> None:  # type: ignore[no-untyped-def]
    truth = await _truth(client)

    def floats(_: int, row: dict[str, Any]) -> None:
        row["created"] += 0.75
        row["last_used"] = row.get("last_used", 0) + 0.999
        row["last_transferred"] = 1_700_000_000.5

    page = await shaped(SEARCH, _on_rows(floats)).data_assets.search_data_assets(_first_rows())
    assert [a.id for a in page.results] == [a.id for a in truth.results]
    assert [a.created for a in page.results] == [a.created for a in truth.results]
    assert [a.last_used for a in page.results] == [a.last_used for a in truth.results]
    assert {a.last_transferred for a in page.results} == {1_700_000_000}
    assert page.unreadable == 0


async def test_float_created_on_a_single_asset(client, shaped) -> None:  # type: ignore[no-untyped-def]
    asset = (await _truth(client, 1)).results[0]

    def floats(_: httpx.Request, row: Any) -> Any:
        return {**row, "created": row["created"] + 0.5}

    got = await shaped(f"/data_assets/{asset.id}", floats).data_assets.get_data_asset(asset.id)
    assert got == asset


# --- null ------------------------------------------------------------------------------------


async def test_null_optional_scalars_read_as_their_defaults(client, shaped) -> None:  # type: ignore[no-untyped-def]
    truth = await _truth(client)

    def nulls(_: int, row: dict[str, Any]) -> None:
        for key in ("last_used", "owner", "description", "name", "mount", "state", "type",
                    "size", "files", "tags", "provenance", "custom_metadata"):
            row[key] = None
        row["source_bucket"] = {"origin": None, "bucket": None, "prefix": None,
                                "external": None}

    page = await shaped(SEARCH, _on_rows(nulls)).data_assets.search_data_assets(_first_rows())
    assert [a.id for a in page.results] == [a.id for a in truth.results]
    for asset in page.results:
        assert (asset.last_used, asset.owner, asset.name, asset.state) == (0, "", "", "")
        assert asset.description is None and asset.tags is None and asset.size is None
        assert asset.source_bucket is not None and asset.source_bucket.origin == ""
        assert not asset.is_external


async def test_null_run_time_of_a_computation(client, shaped) -> None:  # type: ignore[no-untyped-def]
    assets = [a async for a in client.data_assets.search_data_assets_iterator(
        DataAssetSearchParams(type="result"))]
    run = next(a.provenance.computation for a in assets
               if a.provenance and a.provenance.computation)

    def nulls(_: httpx.Request, doc: Any) -> Any:
        return {**doc, "run_time": None, "owner": None, "created": doc["created"] + 0.25,
                "exit_code": None, "parameters": [{"name": "n", "value": 3},
                                                   {"name": "f", "value": 0.5}]}

    computation = await shaped("/computations/", nulls).computations.get_computation(run)
    assert computation.id == run and computation.run_time == 0 and computation.owner == ""
    assert [p.value for p in computation.parameters or []] == ["3", "0.5"]


async def test_null_results_is_an_empty_page(shaped) -> None:  # type: ignore[no-untyped-def]
    client = shaped(SEARCH, lambda _r, page: {**page, "results": None, "has_more": False})
    page = await client.data_assets.search_data_assets(_first_rows())
    assert page.results == [] and not page.has_more and page.unreadable == 0


async def test_null_items_is_an_empty_folder(client, shaped) -> None:  # type: ignore[no-untyped-def]
    asset = await _listable(client)
    folder = await shaped("/files", lambda _r, _f: {"items": None},
                          method="POST").data_assets.list_data_asset_files(asset)
    assert folder == Folder(items=[])


async def _listable(client: CodeOceanClient) -> str:
    page = await client.data_assets.search_data_assets(
        DataAssetSearchParams(ownership="created", type="dataset", limit=50))
    return next(a.id for a in page.results if a.state == "ready" and not a.is_external)


# --- numbers for strings -----------------------------------------------------------------------


async def test_numbers_where_strings_are_expected(client, shaped) -> None:  # type: ignore[no-untyped-def]
    truth = await _truth(client)

    def numbers(_: httpx.Request, page: Any) -> Any:
        page["results"][0]["app_parameters"] = [{"name": "threshold", "value": 3},
                                                {"name": "rate", "value": 0.25},
                                                {"name": 7, "value": "x"}]
        page["results"][1]["id"] = 12345
        page["results"][2]["tags"] = ["raw", 2024]
        return {**page, "has_more": True, "next_token": 987654321}

    page = await shaped(SEARCH, numbers).data_assets.search_data_assets(_first_rows())
    assert page.next_token == "987654321" and page.has_more
    assert [(p.name, p.value) for p in page.results[0].app_parameters or ()] == [
        ("threshold", "3"), ("rate", "0.25"), ("7", "x")]
    assert page.results[1].id == "12345"
    assert page.results[2].tags == ("raw", "2024")
    assert [a.id for a in page.results[3:]] == [a.id for a in truth.results[3:]]


# --- unknown keys, unknown enum values, missing keys -------------------------------------------


async def test_unknown_keys_and_enum_values_and_missing_keys(client, shaped) -> None:  # type: ignore[no-untyped-def]
    truth = await _truth(client)

    def odd(index: int, row: dict[str, Any]) -> None:
        row["state"] = "archiving"  # a state of a newer server
        row["type"] = "notebook"
        row["future_field"] = {"nested": [1, 2, {"deeper": None}]}
        for key in ("last_used", "owner", "mount", "name", "files", "size", "source_bucket"):
            row.pop(key, None)
        if index == 0:
            row["created"] = 1.5  # and one reason to take the lenient path for the whole page

    page = await shaped(SEARCH, _on_rows(odd)).data_assets.search_data_assets(_first_rows())
    assert [a.id for a in page.results] == [a.id for a in truth.results]
    assert {(a.state, a.type, a.owner, a.mount, a.last_used) for a in page.results} == {
        ("archiving", "notebook", "", "", 0)}
    assert page.results[0].created == 1


# --- one unreadable record ----------------------------------------------------------------------


@pytest.mark.parametrize("spoil", ["no id", "null id", "created as a word", "not an object"])
async def test_one_unreadable_record_is_skipped_and_counted(client, shaped, spoil) -> None:  # type: ignore[no-untyped-def]
    truth = await _truth(client)

    def spoiled(_: httpx.Request, page: Any) -> Any:
        rows = page["results"]
        if spoil == "no id":
            del rows[2]["id"]
        elif spoil == "null id":
            rows[2]["id"] = None
        elif spoil == "created as a word":
            rows[2]["created"] = "yesterday"
        else:
            rows[2] = ["not", "an", "asset"]
        return page

    page = await shaped(SEARCH, spoiled).data_assets.search_data_assets(_first_rows())
    assert page.unreadable == 1
    assert [a.id for a in page.results] == [a.id for i, a in enumerate(truth.results) if i != 2]


async def test_unreadable_entries_of_a_folder_are_skipped_and_counted(client, shaped) -> None:  # type: ignore[no-untyped-def]
    asset = await _listable(client)
    truth = await client.data_assets.list_data_asset_files(asset)

    def spoiled(_: httpx.Request, folder: Any) -> Any:
        return {"items": [*folder["items"], None, {"path": {"not": "text"}, "name": "x"}]}

    folder = await shaped("/files", spoiled, method="POST").data_assets.list_data_asset_files(
        asset)
    assert folder.items == truth.items and folder.unreadable == 2


# --- hostile bodies: typed errors --------------------------------------------------------------


@pytest.mark.parametrize("body", [
    b"[" * 10_000 + b"]" * 10_000,
    b'{"has_more": false, "results": [{"id": "a", "custom_metadata": '
    + b"[" * 10_000 + b"]" * 10_000 + b"}]}",
    b'{"has_more": false, "results": [{"id": "\xff\xfe"}]}',
    b'{"has_more": false, "results": [',
    b"[]",
    b'"a string"',
    b'{"results": {"id": "a"}}',
    b"",
], ids=["deep", "deep inside a record", "invalid utf-8", "truncated", "array", "string",
        "results not a list", "empty"])
async def test_hostile_bodies_are_typed_errors(shaped, body: bytes) -> None:  # type: ignore[no-untyped-def]
    client = shaped(SEARCH, lambda _r, _p: body)
    with pytest.raises(UnexpectedResponseError) as info:
        await client.data_assets.search_data_assets(_first_rows())
    assert info.value.operation == "search_data_assets" and info.value.status is None
    assert "unexpected response" in str(info.value)


async def test_a_50_mb_body_is_refused_at_the_cap(shaped) -> None:  # type: ignore[no-untyped-def]
    row = b'{"id": "%d", "created": 1700000000, "name": "' + b"x" * 200 + b'"}'
    rows = b",".join(row.replace(b"%d", str(i).encode()) for i in range(200_000))
    body = b'{"has_more": false, "results": [' + rows + b"]}"
    assert len(body) > 50_000_000
    client = shaped(SEARCH, lambda _r, _p: body)
    with pytest.raises(UnexpectedResponseError) as info:
        await client.data_assets.search_data_assets(_first_rows())
    assert "larger than 32 MiB" in info.value.message


class _Endless(httpx.AsyncBaseTransport):
    """An answer whose body never ends (no Content-Length), gzip-compressed or not; counts the
    chunks the client pulled."""

    def __init__(self, *, gzipped: bool = False, status: int = 200) -> None:
        self.pulled = 0
        self.gzipped = gzipped
        self.status = status

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        chunk = b'{"id": "x"},' * 10_000  # ~120 KB of JSON per chunk
        transport = self

        class Body(httpx.AsyncByteStream):
            async def __aiter__(self) -> AsyncIterator[bytes]:
                squeeze = zlib.compressobj(wbits=31)  # one gzip stream, flushed per chunk
                yield squeeze.compress(b'{"results": [') if transport.gzipped else b"["
                while True:
                    transport.pulled += 1
                    yield (squeeze.compress(chunk) + squeeze.flush(zlib.Z_SYNC_FLUSH)
                           if transport.gzipped else chunk)

        headers = {"Content-Type": "application/json"}
        if self.gzipped:
            headers["Content-Encoding"] = "gzip"
        return httpx.Response(self.status, headers=headers, stream=Body())


@pytest.mark.parametrize("gzipped", [False, True])
async def test_an_endless_body_is_read_only_up_to_the_cap(emulator, sleeps, gzipped) -> None:  # type: ignore[no-untyped-def]
    transport = _Endless(gzipped=gzipped)
    client = make_client(emulator, transport, sleeps, max_response_bytes=1024 * 1024)
    async with client:
        with pytest.raises(UnexpectedResponseError) as info:
            await client.data_assets.search_data_assets(_first_rows())
    assert "larger than 1 MiB" in info.value.message
    assert transport.pulled <= 12  # ~1 MiB / 120 KB per chunk, not the whole endless body


async def test_an_endless_error_body_still_gives_the_status(emulator, sleeps) -> None:  # type: ignore[no-untyped-def]
    transport = _Endless(status=500)
    client = make_client(emulator, transport, sleeps, max_response_bytes=1024 * 1024)
    async with client:
        with pytest.raises(ServerError) as info:
            await client.data_assets.get_data_asset("anything")
    assert info.value.status == 500 and transport.pulled <= 4 * 12


async def test_a_gzip_member_followed_by_endless_junk_ends_at_the_cap(emulator, sleeps) -> None:  # type: ignore[no-untyped-def]
    """After a complete gzip member the decoder returns nothing for what follows: the bytes on
    the wire are capped too, or the read would go on until the deadline."""
    pulled = 0

    class Body(httpx.AsyncByteStream):
        async def __aiter__(self) -> AsyncIterator[bytes]:
            nonlocal pulled
            yield gzip.compress(b'{"results": []}')
            while True:
                pulled += 1
                yield b"\0" * 65536

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Encoding": "gzip"}, stream=Body())

    client = make_client(emulator, httpx.MockTransport(handler), sleeps,
                         max_response_bytes=1024 * 1024)
    async with client:
        with pytest.raises(UnexpectedResponseError, match="larger than 1 MiB"):
            await client.data_assets.search_data_assets(_first_rows())
    assert pulled <= 17


async def test_a_declared_length_over_the_cap_is_refused_unread(emulator, sleeps) -> None:  # type: ignore[no-untyped-def]
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Length": str(64 * 1024 * 1024)},
                              content=b"{}" + b" " * (64 * 1024 * 1024 - 2))

    client = make_client(emulator, httpx.MockTransport(handler), sleeps)
    async with client:
        with pytest.raises(UnexpectedResponseError, match="larger than 32 MiB"):
            await client.data_assets.get_data_asset("anything")


def test_the_fast_path_ignores_a_server_sent_count() -> None:
    page = decode(b'{"results": [], "unreadable": 4}', DataAssetSearchResults)
    assert page.unreadable == 0


# --- paging -----------------------------------------------------------------------------------


async def test_has_more_without_a_token_continues_by_offset(client, shaped) -> None:  # type: ignore[no-untyped-def]
    everything = [a.id async for a in client.data_assets.search_data_assets_iterator(
        DataAssetSearchParams(sort_field="name", sort_order="asc"))]
    tokenless = shaped(SEARCH, lambda _r, page: {**page, "next_token": None})
    paged = [a.id async for a in tokenless.data_assets.search_data_assets_iterator(
        DataAssetSearchParams(limit=7, sort_field="name", sort_order="asc"))]
    assert paged == everything
    offsets = [request_json(r).get("offset") for r in tokenless.reshape.requests]
    assert offsets == [None, *range(7, len(everything) + 1, 7)][: len(offsets)]
    assert len(offsets) == -(-len(everything) // 7)


async def test_offsets_count_unreadable_rows_too(client, shaped) -> None:  # type: ignore[no-untyped-def]
    everything = [a.id async for a in client.data_assets.search_data_assets_iterator(
        DataAssetSearchParams(sort_field="name", sort_order="asc"))]

    def tokenless_and_spoiled(_: httpx.Request, page: Any) -> Any:
        page["results"][0]["id"] = None
        return {**page, "next_token": None}

    client2 = shaped(SEARCH, tokenless_and_spoiled)
    pages = [p async for p in client2.data_assets.search_data_assets_pages(
        DataAssetSearchParams(limit=10, sort_field="name", sort_order="asc"))]
    got = [a.id for p in pages for a in p.results]
    assert got == [i for n, i in enumerate(everything) if n % 10]  # nothing repeated or lost
    assert sum(p.unreadable for p in pages) == len(pages)


async def test_a_repeated_cursor_stops_paging_with_a_typed_error(shaped) -> None:  # type: ignore[no-untyped-def]
    first: list[str] = []

    def stuck(_: httpx.Request, page: Any) -> Any:
        if not first:
            first.append(page["next_token"])
        return {**page, "next_token": first[0]}  # every page points at page two again

    client = shaped(SEARCH, stuck)
    seen: list[str] = []
    with pytest.raises(PagingStopped) as info:
        async for asset in client.data_assets.search_data_assets_iterator(
                DataAssetSearchParams(limit=5)):
            seen.append(asset.id)
    assert len(seen) == 10 and len(set(seen)) == 10
    assert "same page cursor" in info.value.message and info.value.received == 10
    assert len(client.reshape.requests) == 2


@pytest.mark.parametrize("shape", ["empty page", "offset ignored"])
async def test_a_page_adding_nothing_stops_paging(shaped, shape) -> None:  # type: ignore[no-untyped-def]
    pages: list[Any] = []

    def rewrite(_: httpx.Request, page: Any) -> Any:
        if shape == "empty page" and pages:
            page = {**page, "results": []}
        if shape == "offset ignored":  # the server sends page one again, whatever the offset
            page = pages[0] if pages else page
        pages.append(page)
        return {**page, "has_more": True, "next_token": None}

    client = shaped(SEARCH, rewrite)
    with pytest.raises(PagingStopped, match="added nothing new"):
        async for _ in client.data_assets.search_data_assets_pages(
                DataAssetSearchParams(limit=5)):
            pass
    assert len(pages) == 2


def test_a_float_timestamp_past_64_bits_is_unreadable_as_the_same_integer_is() -> None:
    """2**63 as a float (what a server's double gives for a huge timestamp) is refused like
    the integer 2**63: the record is counted unreadable, not read with a mended timestamp
    (found by the property test in test_lenient_properties.py)."""
    for huge in (b"9.223372036854776e+18", b"-9.3e+18"):
        body = (b'{"results": [{"id": "a", "created": ' + huge + b'}, '
                b'{"id": "b", "created": 1.5}]}')
        page = decode(body, DataAssetSearchResults)
        assert [(a.id, a.created) for a in page.results] == [("b", 1)]
        assert page.unreadable == 1


def test_an_integer_timestamp_past_64_bits_is_unreadable_in_an_otherwise_strict_page() -> None:
    """msgspec reads JSON integers of any size: 2**63 in a page that is otherwise fine was read
    as it is, where the lenient reading refuses it (found by test_lenient_properties.py)."""
    for huge in (b"9223372036854775808", b"-9223372036854775809", b"18446744073709551616"):
        body = (b'{"has_more": false, "results": [{"id": "a", "created": ' + huge + b'}, '
                b'{"id": "b", "created": 7}]}')
        page = decode(body, DataAssetSearchResults)
        assert [(a.id, a.created) for a in page.results] == [("b", 7)]
        assert page.unreadable == 1
