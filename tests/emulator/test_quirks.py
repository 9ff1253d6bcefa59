"""--quirks: odd-but-valid response shapes, seeded and reproducible, in named sets."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from co_tui.emulator import Emulator
from co_tui.emulator.quirks import ALL, BENIGN, EXTRA, SDK, QuirkSpec
from tests.emulator.emulator_seed import API, TOKENS, aid, basic


@pytest.mark.parametrize(("text", "quirks", "seed", "rate"), [
    (None, set(SDK), 0, 0.5),
    ("", set(SDK), 0, 0.5),
    ("seed=4", set(SDK), 4, 0.5),
    ("benign", set(BENIGN), 0, 0.5),
    ("all,rate=1", set(ALL), 0, 1.0),
    ("ALL, -null-owner ,seed=9", set(ALL) - {"null-owner"}, 9, 0.5),
    ("benign,unknown-enums", {*BENIGN, "unknown-enums"}, 0, 0.5),
    ("float-times", {"float-times"}, 0, 0.5),
    ("none", set(), 0, 0.5),
])
def test_parse(text: str | None, quirks: set[str], seed: int, rate: float) -> None:
    spec = QuirkSpec.parse(text)
    assert (set(spec.quirks), spec.seed, spec.rate) == (quirks, seed, rate)
    assert spec.enabled == bool(quirks)


@pytest.mark.parametrize("text", ["wobbly", "sdk,-wobbly", "rate=2", "seed=x", "colour=red"])
def test_parse_errors(text: str) -> None:
    with pytest.raises(ValueError):
        QuirkSpec.parse(text)


@pytest.fixture
def quirky(make_emulator: Callable[..., Emulator]) -> Callable[..., AsyncIterator[Any]]:
    def make(spec: str) -> httpx.AsyncClient:
        emu = make_emulator(quirks=QuirkSpec.parse(spec))
        headers = {"Content-Type": "application/json", **basic(TOKENS["main"])}
        return httpx.AsyncClient(transport=emu.transport(), base_url=f"{API}/api/v1/",
                                 headers=headers)
    return make  # type: ignore[return-value]


async def _page(client: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    response = await client.post("data_assets/search", json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _all(client: httpx.AsyncClient, **body: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    while True:
        page = await _page(client, **body)
        out.extend(page["results"] or [])
        if not page["has_more"]:
            return out
        body["next_token"] = page["next_token"]


def _plain(asset: dict[str, Any]) -> dict[str, Any]:
    """What a lenient client makes of an asset: whole seconds, null = empty, no unknown keys."""
    out = {k: v for k, v in asset.items() if k not in EXTRA and v is not None}
    for key in ("created", "last_used", "last_transferred"):
        if isinstance(out.get(key), float):
            out[key] = int(out[key])
    out.setdefault("description", "")
    out.setdefault("tags", [])
    out.setdefault("last_used", 0)
    bucket = out.get("source_bucket")
    if isinstance(bucket, dict):
        out["source_bucket"] = {k: ("" if v is None and k in ("bucket", "prefix") else v)
                                for k, v in bucket.items() if k not in ("x_future",)}
    if isinstance(out.get("provenance"), dict):
        out["provenance"] = {k: v for k, v in out["provenance"].items() if k != "x_future"}
    return out


async def test_every_quirk_at_rate_1(make_emulator: Callable[..., Emulator], quirky) -> None:  # type: ignore[no-untyped-def]
    async with quirky("all,-unknown-enums,-null-owner,-missing-optional,rate=1") as client:
        page = await _page(client, limit=3)
        assert isinstance(page["next_token"], int) and page["x_index_version"] == 7
        for asset in page["results"]:
            assert isinstance(asset["created"], float) and asset["created"] % 1
            assert asset["x_future"] and "failure_reason" in asset
        alpha = (await client.get(f"data_assets/{aid(1)}")).json()
        assert alpha["source_bucket"]["origin"] is None  # null-scalars, internal asset
        iota = (await client.get(f"data_assets/{aid(9)}")).json()
        assert iota["source_bucket"]["origin"] == "aws"  # external: keeps its origin
        empty = await _page(client, query="name:nothing-here")
        assert empty["results"] is None and empty["has_more"] is False
        folder = (await client.post(f"data_assets/{aid(6)}/files", json={"path": ""})).json()
        assert folder["items"] is None  # a draft's (empty) listing
        listing = (await client.post(f"data_assets/{aid(1)}/files", json={"path": ""})).json()
        assert listing["items"] and all(item["x_index_version"] == 7 for item in listing["items"])
        run = (await client.get("computations/comp-2")).json()
        assert run["run_time"] is None and "end_status" in run and isinstance(run["created"], float)
        params = (await client.get("computations/comp-1")).json()["parameters"]
        assert params[0]["value"] == 0.5  # "0.5" as a number


async def test_unknown_enums_and_null_owner(quirky) -> None:  # type: ignore[no-untyped-def]
    async with quirky("unknown-enums,null-owner,missing-optional,rate=1") as client:
        rows = await _all(client, limit=1000)
        assert all(row["owner"] is None and "owner_email" not in row for row in rows)
        states = {row["state"] for row in rows}
        origins = {(row.get("source_bucket") or {}).get("origin") for row in rows}
        assert "archiving" in states and "azure" in origins
        internal = [row for row in rows if row["id"] == aid(1)]
        assert internal and ("source_bucket" not in internal[0]
                             or internal[0]["source_bucket"]["origin"] == "azure")


async def test_numeric_next_token_pages_like_the_string_one(make_emulator, quirky) -> None:  # type: ignore[no-untyped-def]
    plain_emu = make_emulator()
    headers = {"Content-Type": "application/json", **basic(TOKENS["main"])}
    async with httpx.AsyncClient(transport=plain_emu.transport(), base_url=f"{API}/api/v1/",
                                 headers=headers) as plain:
        expected = [row["id"] for row in await _all(plain, limit=1000)]
    async with quirky("numeric-token,rate=1") as client:
        assert [row["id"] for row in await _all(client, limit=4)] == expected
        first = await _page(client, limit=4)
        assert isinstance(first["next_token"], int)
        as_text = await _page(client, limit=4, next_token=str(first["next_token"]))
        as_number = await _page(client, limit=4, next_token=first["next_token"])
        assert as_text == as_number and [r["id"] for r in as_number["results"]] == expected[4:8]
        bogus = await client.post("data_assets/search", json={"limit": 4, "next_token": 987654})
        assert bogus.status_code == 400


async def test_seeded_and_reproducible(quirky) -> None:  # type: ignore[no-untyped-def]
    async with quirky("all,seed=1") as one, quirky("all,seed=1") as again, \
            quirky("all,seed=2") as other:
        a = (await one.post("data_assets/search", json={"limit": 1000})).content
        b = (await again.post("data_assets/search", json={"limit": 1000})).content
        c = (await other.post("data_assets/search", json={"limit": 1000})).content
    assert a == b and a != c


async def test_an_asset_has_the_same_shape_in_search_and_get(quirky) -> None:  # type: ignore[no-untyped-def]
    async with quirky("all,seed=5") as client:
        for row in await _all(client, limit=1000):
            response = await client.get(f"data_assets/{row['id']}")
            if response.status_code != 403:  # discoverable only
                assert response.json() == row


async def test_benign_changes_nothing_a_user_sees(make_emulator, quirky) -> None:  # type: ignore[no-untyped-def]
    plain_emu = make_emulator()
    headers = {"Content-Type": "application/json", **basic(TOKENS["main"])}
    async with httpx.AsyncClient(transport=plain_emu.transport(), base_url=f"{API}/api/v1/",
                                 headers=headers) as plain:
        expected = await _all(plain, limit=1000)
    for seed in range(3):
        async with quirky(f"benign,seed={seed}") as client:
            rows = await _all(client, limit=5)
        assert [_plain(row) for row in rows] == expected


async def test_errors_and_writes_pass_through(quirky) -> None:  # type: ignore[no-untyped-def]
    async with quirky("all,rate=1") as client:
        missing = await client.get("data_assets/nope")
        assert missing.status_code == 404
        assert missing.json() == {"message": "data asset nope not found"}
        assert (await client.patch(f"data_assets/{aid(1)}/archive?archive=true")).status_code == 204
        renamed = await client.put(f"data_assets/{aid(2)}", json={"name": "Beta renamed"})
        assert renamed.json()["name"] == "Beta renamed" and renamed.json()["x_index_version"] == 7
