"""The flavours of generated ``text`` content: log lines, CSV / TSV rows under a header, JSON
lines. Each flavour makes line ``i`` of a block from a seeded generator, plus fixed-width filler
lines and block stamps; :mod:`co_tui.emulator.content` cuts them into blocks."""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["FLAVOURS", "Flavour", "flavour_of", "pad"]


_T0 = 1679410800  # 2023-03-21T15:00:00Z, the day the demo's long recording was made
_T0_DAY, _T0_HOUR = "2023-03-21T", 15

_LOG_MESSAGES: tuple[Callable[[random.Random], str], ...] = (
    lambda r: (
        f"INFO  [acquisition] ProbeA stream AP: wrote {r.randrange(30000, 31000)} samples x 384 ch "
        f"({r.uniform(20, 24):.1f} MB)"
    ),
    lambda r: (
        f"DEBUG [sync] barcode {r.randrange(10**6):06d} matched at t={r.uniform(0, 9000):.6f} s "
        f"(drift {r.uniform(-0.5, 0.5):+.3f} ms)"
    ),
    lambda r: (
        f"WARN  [preprocess] channel {r.randrange(384)} rms {r.uniform(25, 80):.1f} µV above "
        "threshold, marked noisy"
    ),
    lambda r: (
        f"INFO  [kilosort] batch {r.randrange(1, 4096)}/4096: {r.randrange(200, 5000)} spikes, "
        f"{r.randrange(150, 600)} clusters"
    ),
    lambda r: f"INFO  [thermal] chamber temperature {r.uniform(36.2, 37.4):.2f} °C",
    lambda r: (
        f"ERROR [io] retrying write of chunk {r.randrange(10**5)} (attempt {r.randrange(1, 5)}/5): "
        f"timeout after {r.randrange(500, 5000)} ms"
    ),
    lambda r: (
        f"INFO  [registration] tile {r.randrange(40)}_{r.randrange(40)} → atlas offset "
        f"({r.uniform(-50, 50):.2f}, {r.uniform(-50, 50):.2f}) µm"
    ),
    lambda r: (
        f"DEBUG [behavior] trial {r.randrange(1, 800)} lick {r.choice(('left', 'right'))}"
        + f" latency {r.uniform(0.08, 1.5):.3f} s reward={r.random() < 0.6}"
    ),
    lambda r: f"INFO  [camera] frame {r.randrange(10**7)} exposure {r.uniform(1, 10):.2f} ms ok",
)

_REGIONS = ("VISp", "CA1", "DG", "LGd", "LP", "MOs", "ACA", "PL", "ILA", "CP", "SSp-bfd", "Hé-ref")

_POOL_BITS = 9
"""Each text block draws its lines' variable parts from 2**9 pre-made fragments: formatting
fresh random numbers for every line would make the first read of a big file slow."""


@dataclass(frozen=True, slots=True)
class Flavour:
    """How one kind of text file is written: its header row and its lines."""

    header: str
    lines: Callable[[random.Random], Callable[[int], str]]
    """Given the block's generator, a function returning line ``i`` (with its ``\\n``)."""
    filler: Callable[[int], str]
    """An ASCII line (no ``\\n``) standing in for line ``i``, padded with spaces to fill a block
    exactly."""
    stamp: Callable[[int], str]
    """ASCII text that replaces the start of block ``k``'s first line; same width for every k."""


def _iso_ms(ms: int) -> str:
    secs, milli = divmod(ms, 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(secs)) + f".{milli:03d}Z"


def _clock(offset_ms: int) -> str:
    """``_iso_ms(_T0 * 1000 + offset_ms)``, by arithmetic (a block spans well under 9 hours)."""
    secs, milli = divmod(offset_ms, 1000)
    hours, rest = divmod(secs, 3600)
    if _T0_HOUR + hours >= 24:
        return _iso_ms(_T0 * 1000 + offset_ms)
    minutes, seconds = divmod(rest, 60)
    return f"{_T0_DAY}{_T0_HOUR + hours:02d}:{minutes:02d}:{seconds:02d}.{milli:03d}Z"


def pad(text: str, n: int) -> str:
    """``text`` padded with trailing spaces to a line of ``n > len(text)`` characters."""
    return text + " " * (n - 1 - len(text)) + "\n"


def _log_lines(r: random.Random) -> Callable[[int], str]:
    pool = [r.choice(_LOG_MESSAGES)(r) for _ in range(1 << _POOL_BITS)]
    bits = r.getrandbits

    def line(i: int) -> str:
        return f"{_clock(i * 137)} {pool[bits(_POOL_BITS)]}\n"

    return line


def _table_flavour(sep: str) -> Flavour:
    columns = ("event_id", "sample", "time_s", "channel", "amplitude_uv", "unit_id", "region")
    header = sep.join(columns) + "\n"

    def lines(r: random.Random) -> Callable[[int], str]:
        pool = [
            f"{r.randrange(384)}{sep}{r.gauss(-60, 25):.2f}{sep}{r.randrange(1, 600)}{sep}"
            f"{r.choice(_REGIONS)}"
            for _ in range(1 << _POOL_BITS)
        ]
        bits = r.getrandbits

        def line(i: int) -> str:
            word = bits(48 + 5 + _POOL_BITS)
            sample = i * 30 + (word & 31)
            return (
                f"{word >> (5 + _POOL_BITS):012x}{sep}{sample}{sep}{sample / 30000:.5f}{sep}"
                f"{pool[(word >> 5) & ((1 << _POOL_BITS) - 1)]}\n"
            )

        return line

    def filler(i: int) -> str:
        return sep.join(("000000000000", str(i * 30), f"{i / 1000:.5f}", "0", "0.00", "0", ""))

    def stamp(k: int) -> str:
        return hashlib.blake2b(k.to_bytes(8, "little"), digest_size=6).hexdigest()

    return Flavour(header, lines, filler, stamp)


def _jsonl_lines(r: random.Random) -> Callable[[int], str]:
    pool = [
        f'"event": "{r.choice(("trial_start", "lick", "reward", "trial_end", "camera_sync"))}", '
        f'"side": "{r.choice(("left", "right"))}", "latency_s": {r.uniform(0.05, 2):.3f}, '
        f'"note": "région {r.choice(_REGIONS)}"'
        for _ in range(1 << _POOL_BITS)
    ]
    bits = r.getrandbits

    def line(i: int) -> str:
        return f'{{"ts": "{_clock(i * 250)}", "trial": {i // 5}, {pool[bits(_POOL_BITS)]}}}\n'

    return line


FLAVOURS: dict[str, Flavour] = {
    "log": Flavour(
        header="",
        lines=_log_lines,
        filler=lambda i: f"{_clock(i * 137)} DEBUG [io.writer] flush",
        stamp=lambda k: _iso_ms((_T0 + k * 1500) * 1000),
    ),
    "csv": _table_flavour(","),
    "tsv": _table_flavour("\t"),
    "jsonl": Flavour(
        header="",
        lines=_jsonl_lines,
        filler=lambda i: f'{{"ts": "{_clock(i * 250)}", "event": "flush"}}',
        stamp=lambda k: f'{{"ts": "{_iso_ms((_T0 + k * 1500) * 1000)}"',
    ),
}
"""The flavours by name."""


def flavour_of(salt: str) -> str:
    """The flavour (a key of :data:`FLAVOURS`) that the file name at the end of ``salt`` asks
    for by its extension: csv, tsv, jsonl (also ``.ndjson``), else log."""
    name = salt.rsplit("/", 1)[-1].lower()
    ext = name.rsplit(".", 1)[-1] if "." in name else ""
    if ext in ("csv", "tsv"):
        return ext
    if ext in ("jsonl", "ndjson"):
        return "jsonl"
    return "log"
