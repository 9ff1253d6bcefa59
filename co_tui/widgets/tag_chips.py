"""A wrapping row of tag chips, used by the tags dialog and the edit dialog.

``←``/``→`` move between chips, ``delete``/``backspace``/``x`` marks the highlighted tag for
removal (again: keep it). Changes show as ``+tag`` (to add) and struck-through ``−tag`` (to
remove) until applied. For a multi-selection each chip shows how many assets have it (``3/5``);
:func:`chips_for` builds those counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.cells import cell_len
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from co_tui.api.models import DataAsset
from co_tui.safe_text import display, join

__all__ = ["CHIP_MAX_CELLS", "Chip", "TagChips", "chips_for"]

ChipState = Literal["kept", "added", "removed"]
CHIP_MAX_CELLS = 40


@dataclass
class Chip:
    """One tag in the chip row. ``count``/``total``: assets having it, in a multi-selection."""

    tag: str
    state: ChipState = "kept"
    count: int | None = None
    total: int | None = None

    def label(self) -> Content:
        """The chip's text: ``+new``, ``−old`` or ``tag 3/5`` (server text escaped)."""
        mark = {"kept": "", "added": "+", "removed": "−"}[self.state]
        parts: list[Content | str] = [mark, display(self.tag, max_cells=CHIP_MAX_CELLS)]
        if self.count is not None and self.total is not None and self.total > 1:
            shown = self.total if self.state == "added" else self.count
            parts.append(f" {shown}/{self.total}")
        return join(*parts)


class TagChips(Widget, can_focus=True):
    """A wrapping row of tag chips with a highlighted one; posts :class:`Changed` on edits."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right,l", "move(1)", "Next tag", key_display="←→"),
        Binding("left,h", "move(-1)", "Previous tag", show=False),
        Binding("delete,backspace,x", "toggle_chip", "Remove / keep"),
    ]

    cursor: reactive[int] = reactive(0)

    class Changed(Message):
        """A chip was added, marked for removal or kept again."""

        def __init__(self, chips: TagChips) -> None:
            super().__init__()
            self.chips = chips

        @property
        def control(self) -> TagChips:
            """The chip row that changed."""
            return self.chips

    def __init__(self, chips: Iterable[Chip] = (), *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.chips: list[Chip] = list(chips)

    # --- what the row holds ---------------------------------------------------------------

    def find(self, tag: str) -> Chip | None:
        """The chip for ``tag``, ignoring case."""
        folded = tag.casefold()
        return next((chip for chip in self.chips if chip.tag.casefold() == folded), None)

    def add(self, tag: str) -> bool:
        """Add ``tag`` (or keep / complete an existing chip); False when there is nothing to do."""
        chip = self.find(tag)
        if chip is None:
            self.chips.append(Chip(tag, "added", 0, self._total()))
        elif chip.state == "removed":
            chip.state = "kept"
        elif chip.state == "kept" and chip.count is not None and chip.count < (chip.total or 0):
            chip.state = "added"  # on some of the selection: add it to the rest
        else:
            return False
        self.cursor = self.chips.index(self.find(tag) or self.chips[-1])
        self._changed()
        return True

    def _total(self) -> int | None:
        return next((chip.total for chip in self.chips if chip.total is not None), None)

    @property
    def tags(self) -> list[str]:
        """The tags the row ends with (kept and added, not removed), in order."""
        return [chip.tag for chip in self.chips if chip.state != "removed"]

    @property
    def added(self) -> list[str]:
        """Tags to add."""
        return [chip.tag for chip in self.chips if chip.state == "added"]

    @property
    def removed(self) -> list[str]:
        """Tags to remove."""
        return [chip.tag for chip in self.chips if chip.state == "removed"]

    def _changed(self) -> None:
        self.refresh(layout=True)
        self.post_message(self.Changed(self))

    # --- keys -------------------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        """Highlight the next or previous chip."""
        if self.chips:
            self.cursor = max(0, min(len(self.chips) - 1, self.cursor + delta))

    def action_toggle_chip(self) -> None:
        """Undo the highlighted chip's change (a new chip disappears), or mark it for removal."""
        if not self.chips:
            return
        chip = self.chips[min(self.cursor, len(self.chips) - 1)]
        if chip.state == "added" and not chip.count:
            self.chips.remove(chip)
            self.cursor = max(0, min(self.cursor, len(self.chips) - 1))
        elif chip.state != "kept":
            chip.state = "kept"
        else:
            chip.state = "removed"
        self._changed()

    def watch_cursor(self) -> None:
        self.refresh()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # --- drawing ----------------------------------------------------------------------------

    def _lines(self, width: int) -> list[list[tuple[int, Content]]]:
        """Chips packed into lines of ``width`` cells (a chip longer than a line gets its own)."""
        lines: list[list[tuple[int, Content]]] = [[]]
        used = 0
        for index, chip in enumerate(self.chips):
            label = join(" ", chip.label(), " ")
            size = cell_len(label.plain) + 1
            if lines[-1] and used + size > width:
                lines.append([])
                used = 0
            lines[-1].append((index, label))
            used += size
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(self._lines(max(1, width))))

    def render(self) -> Content:
        if not self.chips:
            return Content.styled("(no tags)", "dim italic")
        rows: list[Content] = []
        for line in self._lines(max(1, self.size.width)):
            parts: list[Content | str] = []
            for index, label in line:
                chip = self.chips[index]
                style = {"kept": "on $panel", "added": "bold $success on $panel",
                         "removed": "strike $text-muted on $panel"}[chip.state]
                if index == self.cursor and self.has_focus:
                    style = "reverse " + style.split(" on ")[0]
                parts += [label.stylize(style), " "]
            rows.append(join(*parts))
        return Content("\n").join(rows)


def chips_for(assets: Sequence[DataAsset]) -> list[Chip]:
    """One chip per tag of ``assets`` (ignoring case), in first-seen order, with counts."""
    total = len(assets)
    chips: dict[str, Chip] = {}
    for asset in assets:
        for tag in dict.fromkeys(t.casefold() for t in asset.tags or ()):
            spelled = next(t for t in asset.tags or () if t.casefold() == tag)
            chip = chips.setdefault(tag, Chip(spelled, "kept", 0, total if total > 1 else None))
            chip.count = (chip.count or 0) + 1
    for chip in chips.values():
        if total == 1:
            chip.count = None
    return list(chips.values())
