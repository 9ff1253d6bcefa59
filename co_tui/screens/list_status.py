"""The status line of My Data and the archive bin: what is loaded, what failed, what is
selected, filtered and sorted. A pure function of the list's state, so the screen only says
when to redraw it (:class:`~co_tui.screens.asset_list.AssetListScreen`); :class:`StatusLine`
shows it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual.content import Content
from textual.widgets import Static

from co_tui.operations.search_filters import AssetFilters
from co_tui.safe_text import display

__all__ = ["ListStatus", "StatusLine", "status_line"]


@dataclass(frozen=True, slots=True)
class ListStatus:
    """What the status line of an asset list says."""

    count: int
    """Rows loaded."""
    selected: int
    connected: bool
    loading: bool
    failed: str | None
    """What failed ("loading assets"), if anything: the line offers r."""
    more: bool
    """The server has more pages."""
    paging_stopped: str | None
    unreadable: int
    search_lag: Mapping[str, str]
    query: str
    filters: AssetFilters
    sort_field: str
    sort_direction: str
    cached_at: float | None = None
    """When the rows shown were saved, while they are the last session's copy."""


def status_line(state: ListStatus) -> Content:
    """The status line for ``state``; warnings in the warning colour."""
    count = state.count
    if state.cached_at is not None:
        from co_tui.formatting import format_date

        saved = f"{count:,} cached (saved {format_date(state.cached_at)})"
        text = (f"{saved} — {state.failed} failed, press r to retry" if state.failed
                else f"{count:,} cached · refreshing…")
    elif state.failed:
        text = f"{count:,} loaded — {state.failed} failed, press r to retry"
    elif not state.connected:
        text = "connecting…"
    elif state.loading and not count:
        text = "loading…"
    elif state.loading:
        text = f"{count:,} loaded, loading more…"
    elif state.more:
        text = f"{count:,} loaded, more available"
    elif state.paging_stopped:
        text = f"{count:,} loaded"
    elif count:
        text = f"all {count:,} loaded"
    else:
        narrowed = state.query or state.filters.active
        text = "no data assets match" if narrowed else "no data assets"
    if state.search_lag:
        from co_tui.operations.journal import Applied

        text += f"  ·  {Applied([], dict(state.search_lag)).note()}"
    warnings = []
    if state.unreadable:
        warnings.append(f"{state.unreadable:,} asset{'s' if state.unreadable != 1 else ''} "
                        "could not be read")
    if state.paging_stopped and not state.loading:
        warnings.append(f"paging stopped: {state.paging_stopped}")
    if state.selected:
        text += f"  ·  {state.selected:,} selected"
    # what narrows the list is always said: the search typed and the filters
    narrowing: list[Content | str] = []
    if state.query:
        narrowing += ["  ·  search ", display(f"“{state.query}”", max_cells=40)]
    if state.filters.active:
        narrowing.append(f"  ·  filters: {state.filters.describe()}")
    arrow = "▲" if state.sort_direction == "asc" else "▼"
    sort = f"  ·  sorted by {state.sort_field} {arrow}"
    return Content.assemble(
        text, *narrowing, *[part for warning in warnings
                            for part in ("  ·  ", display(warning, style="$warning"))], sort)


class StatusLine(Static):
    """The one-line status: redrawn only when its text changes, and without a layout pass (its
    size is fixed by the screen's styles), so a page arriving in the background repaints one
    line rather than the screen."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._shown: Content | None = None

    def show(self, line: Content) -> None:
        """Show ``line`` unless it is already shown."""
        if line != self._shown:
            self._shown = line
            self.update(line, layout=False)
