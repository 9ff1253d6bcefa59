"""Emulator configuration: which seed, where state lives, and how the emulated server behaves."""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from co_tui.emulator.faults import FaultSpec
from co_tui.emulator.quirks import QuirkSpec

DEFAULT_SERVER_VERSION = "4.9.0"
SEARCH_POST_SINCE = (3, 1, 0)
"""Servers older than this have no ``POST /data_assets/search`` (405)."""
FILE_URLS_SINCE = (4, 0, 0)
"""Servers older than this have no ``GET /data_assets/{id}/files/urls`` (404)."""

_VERSION_RE = re.compile(r"^\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$")


@functools.lru_cache(maxsize=64)
def parse_version(text: str) -> tuple[int, int, int]:
    """Parse ``"4.8.0"`` / ``"4.8"`` / ``"4"`` into a comparable tuple (``ValueError`` if bad;
    cached: the configured version is asked for on every request)."""
    match = _VERSION_RE.match(text)
    if match is None:
        raise ValueError(f"malformed version {text!r}")
    major, minor, patch = match.groups()
    return int(major), int(minor or 0), int(patch or 0)


@dataclass(frozen=True)
class EmulatorConfig:
    """How to build and run one emulated Code Ocean deployment.

    ``seed`` names the demo data (``"demo"``, ``"empty"``, ``"scale:ASSETS:FILES"``); it is only
    loaded when the store is new (a ``data_dir`` that already holds state is never reseeded).
    ``data_dir=None`` keeps SQLite in memory. ``main_token`` replaces the first seed user's token.
    ``ready_delay`` is how long a created asset stays ``draft`` (measured with ``clock``).
    ``server_version`` gates features the way older deployments lack them. ``url_ttl`` is the
    lifetime of signed file URLs in seconds. ``api_origin`` / ``files_origin`` are the origins the
    emulator believes it is served at (``serve_in_thread`` replaces them with real loopback ports).
    ``search_lag_ms`` is how long a write takes to reach search results (0: at once; see
    ``index.py``). ``quirks`` makes responses carry odd-but-valid shapes (see ``quirks.py``).
    ``conn_rate_mbps`` caps each file-origin connection at that many MB/s (10^6 bytes; 0: no
    cap), as object stores do; it applies where the emulator is served (``server.py``).
    """

    seed: str = "demo"
    data_dir: Path | None = None
    main_token: str | None = None
    latency_ms: float = 0.0
    faults: FaultSpec | None = None
    ready_delay: float = 3.0
    server_version: str = DEFAULT_SERVER_VERSION
    url_ttl: float = 3600.0
    api_origin: str = "http://emulator.test"
    files_origin: str = "http://files.emulator.test"
    clock: Callable[[], float] = field(default=time.time)
    search_lag_ms: float = 0.0
    quirks: QuirkSpec | None = None
    conn_rate_mbps: float = 0.0

    def __post_init__(self) -> None:
        parse_version(self.server_version)  # fail fast on a malformed version
        if self.ready_delay < 0:
            raise ValueError("ready_delay must be >= 0")
        if self.url_ttl <= 0:
            raise ValueError("url_ttl must be > 0")
        if self.latency_ms < 0:
            raise ValueError("latency_ms must be >= 0")
        if self.search_lag_ms < 0:
            raise ValueError("search_lag_ms must be >= 0")
        if self.conn_rate_mbps < 0:
            raise ValueError("conn_rate_mbps must be >= 0")
        if self.data_dir is not None and not isinstance(self.data_dir, Path):
            object.__setattr__(self, "data_dir", Path(self.data_dir))

    @property
    def version_tuple(self) -> tuple[int, int, int]:
        """``server_version`` as a comparable tuple."""
        return parse_version(self.server_version)


PRESETS: dict[str, dict[str, Any]] = {
    "tidy": {},
    "demo": {"search_lag_ms": 750.0, "quirks": "benign"},
    "real": {"search_lag_ms": 1500.0, "quirks": "sdk"},
    "hostile": {"search_lag_ms": 3000.0, "quirks": "all"},
}
"""How much of a real server's behaviour to imitate, by name: ``tidy`` (writes show in search at
once, tidy JSON), ``demo`` (what ``co-tui --demo`` runs: a small lag, quirks no user sees),
``real`` (``--quirks --search-lag 1500``: every shape the official SDK reads), ``hostile``
(``--quirks all --search-lag 3000``: what only a lenient client survives)."""


def preset(name: str) -> dict[str, Any]:
    """``EmulatorConfig`` keyword arguments of a :data:`PRESETS` entry (``KeyError`` if unknown),
    e.g. ``EmulatorConfig(seed="demo", **preset("real"))``."""
    options = dict(PRESETS[name])
    if "quirks" in options:
        options["quirks"] = QuirkSpec.parse(options["quirks"])
    return options
