"""What a launch hands the app besides settings: a client the app builds itself, or My Data's
first page already requested. Plain data, no Textual: :mod:`co_tui.launch` makes them before the
UI is imported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio

    from co_tui.api import CodeOceanClient
    from co_tui.api.models import DataAssetSearchParams, DataAssetSearchResults
    from co_tui.session.page_cache import CachedPage, PageCache

__all__ = ["FirstPageCache", "PendingClient", "Prefetched"]


@dataclass(frozen=True, slots=True)
class PendingClient:
    """A client the app builds itself, in a thread, once its first frame is on screen.

    ``co-tui --demo`` uses it: its ``build`` starts the emulator (~0.7 s) as well as the client,
    and My Data shows "connecting…" meanwhile. ``domain`` is shown in the title until then.
    """

    domain: str
    build: Callable[[], CodeOceanClient]


@dataclass(frozen=True, slots=True)
class Prefetched:
    """My Data's first page, requested before Textual was even imported (``co-tui`` with real
    credentials): the request travels while Python loads the UI."""

    params: DataAssetSearchParams
    page: asyncio.Future[DataAssetSearchResults]


@dataclass(frozen=True, slots=True)
class FirstPageCache:
    """The previous session's first page, read before the skeleton frame (``cached``, None when
    there was none), and where the live first page is saved for the next launch."""

    store: PageCache
    cached: CachedPage | None
