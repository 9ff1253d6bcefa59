"""The download queue: per-file and total progress, speed, ETA and state, with cancel and retry.

:class:`DownloadsPanel` draws whatever a :class:`DownloadsSource` (a
:class:`~co_tui.transfer.DownloadEngine`) reports. It never receives a callback from a transfer:
a timer (4 Hz by default) redraws it, and each redraw reads the engine's counters for the rows on
screen only, so a queue of 20,000 files costs the same as one of 20. Keys: ``↑↓`` / ``j k``
move, ``pgup pgdn home end`` jump, ``x`` cancels the highlighted item, ``r`` retries it, ``X``
cancels everything. It works at 80x24 with no mouse (a click selects a row).
"""

from __future__ import annotations

from typing import ClassVar, Protocol

from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from co_tui.formatting import format_count, format_size
from co_tui.safe_text import display, join
from co_tui.transfer import ItemState, ItemView, TotalsView
from co_tui.widgets.keys import CURSOR_BINDINGS

__all__ = ["DownloadsPanel", "DownloadsSource", "format_eta", "progress_bar"]

HEADER_LINES = 2
"""Lines above the items (one more while a batch-level problem is shown)."""
_MARKS = {
    ItemState.QUEUED: ("·", "$text-muted"),
    ItemState.RUNNING: ("↓", "$accent"),
    ItemState.DONE: ("✓", "$success"),
    ItemState.FAILED: ("✗", "$error"),
    ItemState.CANCELLED: ("–", "$text-muted"),
    ItemState.SKIPPED: ("=", "$text-muted"),
}
_COUNT_ORDER = (ItemState.RUNNING, ItemState.QUEUED, ItemState.DONE, ItemState.SKIPPED,
                ItemState.FAILED, ItemState.CANCELLED)
_CURSOR = "$block-cursor-foreground on $block-cursor-background"
_CURSOR_BLURRED = "on $block-cursor-blurred-background"


class DownloadsSource(Protocol):
    """What the panel reads and drives: :class:`~co_tui.transfer.DownloadEngine` is one."""

    def __len__(self) -> int:
        """How many items the queue holds."""
        ...

    def view(self, start: int = 0, count: int | None = None) -> list[ItemView]:
        """Snapshots of items ``start`` .. ``start + count`` in queue order."""
        ...

    def totals(self) -> TotalsView:
        """Counts, bytes, speed and ETA over the whole queue."""
        ...

    def cancel(self, item_id: int) -> bool:
        """Cancel a queued or running item; False if there was nothing to cancel."""
        ...

    def retry(self, item_id: int) -> bool:
        """Queue a failed or cancelled item again; False if it cannot be retried."""
        ...

    def cancel_all(self) -> int:
        """Cancel every queued and running item; how many were cancelled."""
        ...


def format_eta(seconds: float | None) -> str:
    """``75`` -> ``"1m15s"``; ``3725`` -> ``"1h02m"``; None -> ``""``."""
    if seconds is None:
        return ""
    whole = int(seconds + 0.5)
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    if whole < 100 * 3600:
        return f"{whole // 3600}h{whole % 3600 // 60:02d}m"
    return "> 4 days"


def _speed(speed: float | None) -> str:
    return f"{format_size(int(speed))}/s" if speed else ""


def progress_bar(fraction: float | None, width: int) -> Content:
    """A bar of ``width`` cells: filled part in the accent colour (hatched when unknown)."""
    if width <= 0:
        return Content("")
    if fraction is None:
        return Content.styled("╌" * width, "$text-muted")
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return Content.assemble(("█" * filled, "$accent"), ("░" * (width - filled), "$text-muted"))


class DownloadsPanel(Widget, can_focus=True):
    """The queue of one engine; see the module docstring.

    ``refresh_rate`` is redraws per second (0: only when :meth:`refresh` is called, for tests
    and snapshots).
    """

    DEFAULT_CSS = """
    DownloadsPanel {
        height: 1fr;
        min-height: 4;
        padding: 0 1;
        background: $surface;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *CURSOR_BINDINGS,
        Binding("x", "cancel", "Cancel"),
        Binding("r", "retry", "Retry"),
        Binding("X", "cancel_all", "Cancel all"),
    ]

    cursor: reactive[int] = reactive(0, init=False)

    class ItemActed(Message):
        """The user cancelled or retried item ``item_id`` (``action`` says which) or all."""

        def __init__(self, action: str, item_id: int | None, accepted: bool) -> None:
            super().__init__()
            self.action = action
            self.item_id = item_id
            self.accepted = accepted

    def __init__(self, source: DownloadsSource, *, refresh_rate: float = 4.0,
                 name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.source = source
        self.refresh_rate = refresh_rate
        self._top = 0
        self._header_lines = HEADER_LINES
        self._rows: list[ItemView] = []

    def on_mount(self) -> None:
        """Start the redraw timer (the only way progress reaches the screen)."""
        if self.refresh_rate > 0:
            self.set_interval(1 / self.refresh_rate, self.refresh)

    # --- drawing ------------------------------------------------------------------------------

    @property
    def rows_height(self) -> int:
        """Lines available for items under the header."""
        return max(1, self.content_size.height - self._header_lines)

    def highlighted(self) -> ItemView | None:
        """The item under the cursor as last drawn (None when the queue is empty)."""
        rows = self.source.view(self.cursor, 1) if len(self.source) else []
        return rows[0] if rows else None

    def render(self) -> Content:
        """The header and the rows on screen, read from the source now."""
        width = max(20, self.content_size.width)
        total = len(self.source)
        if self.cursor >= total:
            self.set_reactive(DownloadsPanel.cursor, max(0, total - 1))
        totals = self.source.totals()
        header = self._header(totals, width)
        self._header_lines = len(header)
        height = self.rows_height
        if self.cursor < self._top:
            self._top = self.cursor
        elif self.cursor >= self._top + height:
            self._top = self.cursor - height + 1
        self._top = max(0, min(self._top, max(0, total - height)))
        self._rows = self.source.view(self._top, height)
        lines = header
        for offset, row in enumerate(self._rows):
            line = self._row(row, width)
            if self._top + offset == self.cursor:
                line = line.pad_right(width - line.cell_length).stylize(
                    _CURSOR if self.has_focus else _CURSOR_BLURRED)
            lines.append(line)
        return Content("\n").join(lines)

    def _header(self, totals: TotalsView, width: int) -> list[Content]:
        counts = totals.counts
        words = [f"{format_count(counts[state])} {state.value}" for state in _COUNT_ORDER
                 if counts.get(state)]
        if totals.planning:
            words.insert(0, f"listing {totals.planning}")
        summary = join(Content.styled("Downloads  ", "bold"),
                       " · ".join(words) if words else "nothing yet")
        # Files of unknown size count 0 in the total: never claim more than 100%.
        fraction = (min(1.0, totals.done_bytes / totals.total_bytes) if totals.total_bytes
                    else None)
        tail = (f" {int((fraction or 0) * 100):3d}%  {format_size(totals.done_bytes)}"
                f" of {format_size(totals.total_bytes)}")
        speed, eta = _speed(totals.speed), format_eta(totals.eta)
        tail += (f"  {speed}" if speed else "") + (f"  ETA {eta}" if eta else "")
        bar = progress_bar(fraction, max(6, width - len(tail) - 2))
        lines = [summary, join("[", bar, "]", tail)]
        if totals.messages:  # the latest batch-level problem (not enough space ...)
            lines.append(display(totals.messages[-1], max_cells=width, style="$error"))
        return lines

    def _row(self, row: ItemView, width: int) -> Content:
        mark, style = _MARKS[row.state]
        right = self._right(row, width)
        detail = Content.styled(f"  {row.detail}", "$text-muted") if row.detail else Content("")
        label_cells = max(8, width - 3 - right.cell_length - detail.cell_length)
        label = join(display(row.label, max_cells=label_cells), detail)
        gap = " " * max(1, width - 2 - label.cell_length - right.cell_length)
        return join(Content.styled(f"{mark} ", style), label, gap, right)

    def _right(self, row: ItemView, width: int) -> Content:
        size = format_size(row.total) if row.total is not None else ""
        if row.state is ItemState.RUNNING:
            pct = f"{int((row.fraction or 0) * 100):3d}%"
            parts: list[Content | str] = [progress_bar(row.fraction, 10 if width >= 70 else 6),
                                          f" {pct}"]
            if width >= 100:
                amounts = f"{format_size(row.done)}/{size}" if size else format_size(row.done)
                parts.append(f"  {amounts:>21}")
            parts.append(f"  {_speed(row.speed):>11}  {format_eta(row.eta):>6}")
            return join(*parts)
        if row.state is ItemState.FAILED:
            return display(f"failed: {row.error}", max_cells=max(20, width // 2),
                           style="$error")
        words = {ItemState.QUEUED: "queued", ItemState.DONE: "done",
                 ItemState.CANCELLED: "cancelled", ItemState.SKIPPED: "skipped: exists"}
        text = words[row.state]
        if row.state is ItemState.DONE and row.from_mount:
            text = "copied from /data"
        muted = "" if row.state is ItemState.DONE else "$text-muted"
        return Content.styled(f"{text}  {size:>10}", muted)

    # --- keys and mouse ---------------------------------------------------------------------

    def watch_cursor(self) -> None:
        """Redraw with the cursor on its new row."""
        self.refresh()

    def on_focus(self) -> None:
        """The cursor row shows focus."""
        self.refresh()

    def on_blur(self) -> None:
        """The cursor row shows it lost focus."""
        self.refresh()

    def action_cursor(self, delta: int) -> None:
        """Move the cursor by ``delta`` rows."""
        total = len(self.source)
        if total:
            self.cursor = max(0, min(total - 1, self.cursor + delta))

    def action_page(self, direction: int) -> None:
        """Move by one screen of rows."""
        self.action_cursor(direction * self.rows_height)

    def action_first(self) -> None:
        """To the first item."""
        self.cursor = 0

    def action_last(self) -> None:
        """To the last item."""
        self.cursor = max(0, len(self.source) - 1)

    def action_cancel(self) -> None:
        """Cancel the highlighted item (queued or running)."""
        row = self.highlighted()
        if row is not None:
            self.post_message(self.ItemActed("cancel", row.id, self.source.cancel(row.id)))
            self.refresh()

    def action_retry(self) -> None:
        """Queue the highlighted item again (failed or cancelled; resumable files resume)."""
        row = self.highlighted()
        if row is not None:
            self.post_message(self.ItemActed("retry", row.id, self.source.retry(row.id)))
            self.refresh()

    def action_cancel_all(self) -> None:
        """Cancel everything queued or running."""
        self.post_message(self.ItemActed("cancel_all", None, self.source.cancel_all() > 0))
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        """A click selects the row under the pointer."""
        index = self._top + event.y - self._header_lines
        if event.y >= self._header_lines and index < len(self.source):
            self.cursor = index
