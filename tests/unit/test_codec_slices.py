"""A big folder listing is decoded in slices that let the event loop run, to exactly what the
one-call decode gives: the same items in order, the same unreadable count, the same errors."""

from __future__ import annotations

import asyncio
import json

import msgspec
import pytest

from co_tui.api.codec import SLICE_BYTES, SLICE_RECORDS, decode, decode_async
from co_tui.api.models import Folder


def _listing(count: int, odd_every: int = 0) -> bytes:
    items: list[object] = []
    for i in range(count):
        if odd_every and i % odd_every == 7:
            items.append(7 if i % 2 else {"path": ["not", "a", "path"]})  # unreadable records
        else:
            items.append({"name": f"f{i}.bin", "path": f"big/f{i}.bin", "type": "file",
                          "size": i, "extra": "ignored"})
    return json.dumps({"items": items}).encode()


async def test_a_big_listing_decodes_as_one_call_would_and_the_loop_runs_between_slices() -> None:
    body = _listing(3 * SLICE_RECORDS + 123, odd_every=997)
    assert len(body) > SLICE_BYTES
    expected = decode(body, Folder)
    assert expected.unreadable > 0  # the lenient reader counted the odd records
    ticks = 0
    done = False

    async def ticker() -> None:
        nonlocal ticks
        while not done:
            ticks += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    before = ticks
    got = await decode_async(body, Folder)
    done = True
    await task
    assert got == expected
    assert ticks - before >= 3  # the loop ran between the four slices


async def test_small_bodies_odd_shapes_and_broken_json_go_the_usual_way() -> None:
    small = _listing(10)
    assert await decode_async(small, Folder) == decode(small, Folder)
    odd = json.dumps({"items": {"not": "a list"}, "pad": "x" * SLICE_BYTES}).encode()
    with pytest.raises(ValueError):
        decode(odd, Folder)
    with pytest.raises(ValueError):
        await decode_async(odd, Folder)
    broken = _listing(SLICE_RECORDS)[:-5]
    with pytest.raises(msgspec.DecodeError):
        await decode_async(broken, Folder)
