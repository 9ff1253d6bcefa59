"""Generated and stored file contents: determinism, ranges, streaming, text validity, ETags."""

from __future__ import annotations

import hashlib
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from co_tui.emulator.content import (
    BLOCK_SIZE,
    TEXT_BLOCK_SIZE,
    content_etag,
    iter_content,
    read_content,
)
from co_tui.emulator.seed_model import Content

MiB = 1024 * 1024

SALTS = (
    "asset-1/raw/acquisition.log",
    "asset-1/data/table.csv",
    "asset-1/data/t.tsv",
    "asset-1/sessions/events.jsonl",
    "",
)


def _clamp(size: int, start: int, end: int) -> tuple[int, int]:
    start = max(0, start)
    end = min(end, size)
    return start, max(start, end)


def test_inline_is_its_data() -> None:
    c = Content.of("héllo wörld\n")
    assert read_content(c, 0, c.size) == "héllo wörld\n".encode()
    assert read_content(c, 1, 3) == "héllo wörld\n".encode()[1:3]
    assert read_content(c, 5, 2) == b""
    assert read_content(c, -10, 10**9) == c.data


def test_zeros() -> None:
    c = Content("zeros", 5 * MiB)
    assert read_content(c, MiB - 3, MiB + 3) == bytes(6)
    assert sum(len(b) for b in iter_content(c)) == 5 * MiB


@pytest.mark.parametrize("kind", ["random", "text"])
@pytest.mark.parametrize("salt", SALTS)
def test_deterministic_and_salted(kind: str, salt: str) -> None:
    c = Content(kind, 200_000, seed=3)  # type: ignore[arg-type]
    first = read_content(c, 0, c.size, salt=salt)
    assert len(first) == c.size
    assert read_content(c, 0, c.size, salt=salt) == first
    assert read_content(c, 0, c.size, salt=salt + "x") != first
    assert read_content(Content(kind, 200_000, seed=4), 0, c.size, salt=salt) != first  # type: ignore[arg-type]


def test_unknown_kind_and_bad_chunk() -> None:
    with pytest.raises(ValueError):
        read_content(Content("bogus", 10), 0, 10)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        list(iter_content(Content("zeros", 10), chunk_size=0))


@pytest.mark.parametrize("kind", ["random", "text", "zeros"])
@pytest.mark.parametrize("salt", ["a/x.bin", "a/x.csv", "a/x.jsonl"])
def test_iter_matches_full_read(kind: str, salt: str) -> None:
    c = Content(kind, 3 * MiB + 12_345, seed=9)  # type: ignore[arg-type]
    full = read_content(c, 0, c.size, salt=salt)
    assert b"".join(iter_content(c, salt=salt)) == full
    assert b"".join(iter_content(c, salt=salt, chunk_size=777_777)) == full
    assert (
        b"".join(iter_content(c, 1000, c.size - 1000, salt=salt, chunk_size=65_536))
        == full[1000:-1000]
    )
    chunks = list(iter_content(c, salt=salt, chunk_size=MiB))
    assert all(len(ch) <= MiB for ch in chunks)


# 3 MiB + 77: a tail too short for lines (merged into the block before); + 10,000: a real tail.
_BIG = {
    (kind, salt, size): Content(kind, size, seed=5)
    for kind in ("random", "text")
    for salt in ("b/rec.bin", "b/table.csv", "b/events.jsonl")
    for size in (3 * MiB + 77, 3 * MiB + 10_000)
}
_BIG_FULL = {key: read_content(c, 0, c.size, salt=key[1]) for key, c in _BIG.items()}


@pytest.mark.parametrize("key", list(_BIG))
def test_block_boundary_slices(key: tuple[str, str, int]) -> None:
    c, full = _BIG[key], _BIG_FULL[key]
    header = len(b"event_id,sample,time_s,channel,amplitude_uv,unit_id,region\n")
    block = BLOCK_SIZE if key[0] == "random" else TEXT_BLOCK_SIZE
    points = {0, 1, 15, 16, 17, header, c.size - 1, c.size}
    for k in (1, 2, 3, 5, 11, c.size // block):
        for delta in (-17, -1, 0, 1, 15, 16, 17, 25, header - 1, header, header + 1):
            points.add(k * block + delta)
    points = {p for p in points if 0 <= p <= c.size}
    for a in points:
        for b in points:
            assert read_content(c, a, b, salt=key[1]) == full[a:b], (a, b)


@pytest.mark.parametrize("key", list(_BIG))
def test_blocks_are_not_plain_copies(key: tuple[str, str, int]) -> None:
    """A reader that lands one block off (a resume bug) must see different bytes."""
    full = _BIG_FULL[key]
    block = BLOCK_SIZE if key[0] == "random" else TEXT_BLOCK_SIZE
    prefix = 0
    if key[0] == "text" and key[1].endswith(".csv"):
        prefix = full.index(b"\n") + 1
    for k in (1, 2):
        here = full[prefix + k * block : prefix + k * block + 64]
        assert here != full[prefix : prefix + 64]


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(["random", "text", "zeros", "inline"]),
    size=st.integers(0, 5000),
    seed=st.integers(0, 2**31),
    salt=st.sampled_from(SALTS),
    start=st.integers(-100, 5200),
    end=st.integers(-100, 5200),
)
def test_any_slice_equals_slice_of_full_read(
    kind: str, size: int, seed: int, salt: str, start: int, end: int
) -> None:
    if kind == "inline":
        c = Content.of(hashlib.shake_256(str(seed).encode()).digest(size))
    else:
        c = Content(kind, size, seed=seed)  # type: ignore[arg-type]
    full = read_content(c, 0, size, salt=salt)
    assert len(full) == size
    a, b = _clamp(size, start, end)
    assert read_content(c, start, end, salt=salt) == full[a:b]
    assert b"".join(iter_content(c, start, end, salt=salt, chunk_size=333)) == full[a:b]


@settings(max_examples=200, deadline=None)
@given(size=st.integers(0, 20_000), seed=st.integers(0, 1000), salt=st.sampled_from(SALTS))
def test_text_is_utf8_lines_at_any_size(size: int, seed: int, salt: str) -> None:
    c = Content("text", size, seed=seed)
    data = read_content(c, 0, size, salt=salt)
    text = data.decode("utf-8")
    if size and not salt.endswith(".csv") and not salt.endswith(".tsv"):
        assert text.endswith("\n")
    # Every slice between line boundaries decodes on its own.
    ends = [0] + [i + 1 for i, ch in enumerate(data) if ch == 0x0A]
    for a, b in itertools.pairwise(ends):
        read_content(c, a, b, salt=salt).decode("utf-8")


@pytest.mark.parametrize("salt", ["d/raw/acquisition_4GiB.log", "d/big.csv", "d/ev.jsonl"])
def test_text_across_blocks_is_utf8_and_complete(salt: str) -> None:
    c = Content("text", 3 * MiB + 5, seed=1)
    data = read_content(c, 0, c.size, salt=salt)
    text = data.decode("utf-8")
    assert text.endswith("\n")
    lines = text.split("\n")[:-1]
    assert len(lines) > 10_000
    if salt.endswith(".csv"):
        assert lines[0].startswith("event_id,sample,time_s")
        widths = {line.count(",") for line in lines if line.strip()}
        assert widths == {6}
    elif salt.endswith(".jsonl"):
        import json

        for line in lines:
            if line.strip():
                json.loads(line)
    else:
        assert all(line[:4] == "2023" for line in lines if line.strip())
    # Any slice aligned on a block boundary decodes.
    for k in range(1, 12):
        start = k * TEXT_BLOCK_SIZE + (len(lines[0]) + 1 if salt.endswith(".csv") else 0)
        read_content(c, start, min(c.size, start + 4096), salt=salt).decode("utf-8")


def test_huge_text_file_tail_and_middle() -> None:
    c = Content("text", 4 * 1024**3, seed=7)
    salt = "asset/raw/acquisition_4GiB.log"
    tail = read_content(c, c.size - 10_000, c.size, salt=salt)
    assert len(tail) == 10_000 and tail.endswith(b"\n")
    # Block starts are line starts, so a block-aligned read decodes.
    for k in (1, 2047, 4095, c.size // TEXT_BLOCK_SIZE - 1):
        chunk = read_content(c, k * TEXT_BLOCK_SIZE, k * TEXT_BLOCK_SIZE + 2000, salt=salt)
        assert chunk[:2] == b"20"
        chunk.decode("utf-8")
    assert read_content(c, c.size, c.size + 10, salt=salt) == b""


def test_log_timestamps_increase_within_a_block() -> None:
    from datetime import datetime

    c = Content("text", TEXT_BLOCK_SIZE, seed=2)
    lines = read_content(c, 0, c.size, salt="x/run.log").decode().splitlines()
    stamps = [datetime.fromisoformat(line[:24]) for line in lines if line.strip()]
    assert len(stamps) > 1000
    assert stamps == sorted(stamps)
    assert stamps[0].isoformat().startswith("2023-03-21T15:00:00")


def test_gib_random_file_has_exact_size_and_distinct_blocks() -> None:
    c = Content("random", 1024**3, seed=1)
    salt = "asset/raw/recording_1GiB.bin"
    last = read_content(c, c.size - 100, c.size + 100, salt=salt)
    assert len(last) == 100
    starts = {read_content(c, k * BLOCK_SIZE, k * BLOCK_SIZE + 32, salt=salt) for k in range(64)}
    assert len(starts) == 64


def test_etag() -> None:
    c = Content("random", 10_000, seed=1)
    tag = content_etag(c, "a/b")
    assert tag == content_etag(Content("random", 10_000, seed=1), "a/b")
    assert tag.startswith('"') and tag.endswith('"') and len(tag) == 34
    assert content_etag(c, "a/c") != tag
    assert content_etag(Content("random", 10_001, seed=1), "a/b") != tag
    assert content_etag(Content("text", 10_000, seed=1), "a/b") != tag
    inline = Content.of(b"abc")
    assert content_etag(inline) == '"' + hashlib.md5(b"abc").hexdigest() + '"'


def test_generated_blocks_kept_are_few() -> None:
    """The emulator runs inside the app for ``co-tui --demo``: browsing many big generated files
    must not leave a megabyte-sized block behind for each one (it did: 32 random and 64 text
    blocks, plus every small file's last block pinned by its cached layout)."""
    import gc
    import tracemalloc

    from co_tui.emulator import content

    content._text_block.cache_clear()
    content._text_layout.cache_clear()
    content._pool()  # the one shared random pool is built once and kept
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(24):
            for kind, size in (("random", 3 * MiB), ("random", 900_000),
                               ("text", 3 * MiB), ("text", 200_000)):
                c = Content(kind, size, seed=i)  # type: ignore[arg-type]
                salt = f"asset/{kind}/{size}/{i}.log"
                assert len(read_content(c, 0, 256 * 1024, salt=salt)) == min(size, 256 * 1024)
                assert len(read_content(c, size - 1000, size, salt=salt)) == 1000
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    # At most 6 text blocks of ~256 KiB (+ their layouts); random content keeps nothing.
    assert held < 3 * MiB, f"{held / MiB:.1f} MiB of generated content kept"


@pytest.mark.parametrize("size", [256 * 1024, 256 * 1024 + 1, BLOCK_SIZE, BLOCK_SIZE + 7,
                                  3 * BLOCK_SIZE + 5])
def test_a_preview_sized_read_is_the_start_of_the_whole_file(size: int) -> None:
    c = Content("random", size, seed=11)
    salt = "asset-1/raw/probe.bin"
    heads = [read_content(c, start, end, salt=salt)
             for start, end in ((0, 1), (0, 64 * 1024), (5, 256 * 1024), (256 * 1024 - 1, 256 * 1024))]
    whole = read_content(c, 0, size, salt=salt)
    assert [len(h) for h in heads] == [1, 64 * 1024, 256 * 1024 - 5, 1]
    assert heads[1] == whole[: 64 * 1024] and heads[2] == whole[5 : 256 * 1024]
    assert heads[3] == whole[256 * 1024 - 1 : 256 * 1024] and heads[0] == whole[:1]
    # A shorter file with the same key is the start of this one.
    assert read_content(Content("random", 1000, seed=11), 0, 1000, salt=salt) == whole[:1000]


def test_random_files_of_one_asset_all_differ_and_do_not_compress() -> None:
    """1,000 files cut from one pool: no two share their first bytes or their whole bytes, and
    each is as incompressible as random bytes (a download bench must move real entropy)."""
    import zlib

    c = Content("random", 64 * 1024, seed=0)
    bodies = [read_content(c, 0, c.size, salt=f"asset/part/file_{i:04d}.bin") for i in range(1000)]
    assert len({b[:16] for b in bodies}) == 1000
    assert len({b[16:4096] for b in bodies}) > 990  # starting places in the pool rarely meet
    assert all(len(zlib.compress(b[:16384], 1)) > 16384 for b in bodies[:20])


def test_random_reads_wrap_around_the_pool() -> None:
    """A block whose run crosses the pool's end is the pool's tail then its head."""
    from co_tui.emulator import content as module

    salt = next(f"wrap/{i}" for i in range(100_000)
                if module._random_start(module._random_key(3, f"wrap/{i}"))
                > module.POOL_SIZE - BLOCK_SIZE)
    c = Content("random", 2 * BLOCK_SIZE, seed=3)
    whole = read_content(c, 0, c.size, salt=salt)
    pool = module._pool()
    at = module._random_start(module._random_key(3, salt))
    run = (pool[at:] + pool)[: BLOCK_SIZE]
    assert whole[16:BLOCK_SIZE] == run[16:]
    assert whole[BLOCK_SIZE + 16 :] == run[16:]
    assert whole[:16] != whole[BLOCK_SIZE : BLOCK_SIZE + 16]
