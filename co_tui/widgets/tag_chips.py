"""A wrapping row of tag chips and the input that adds to it (tags dialog and edit dialog).

``←``/``→`` move between chips, ``delete``/``backspace`` marks the highlighted tag for removal
(again: keep it). Changes show as ``+tag`` (to add) and struck-through ``−tag`` (to remove)
until applied. For a multi-selection each chip shows how many assets have it (``3/5``);
:func:`chips_for` builds those counts.

Typing belongs to the :class:`TagInput` placed after the chips in the same container: a
character typed while the chip row has focus goes to that input, so a chip never swallows text.
In the input, ``enter`` adds the tag, ``tab`` completes a suggestion or adds the typed tag (text
never rides along to the next field), and ``backspace`` in an empty input selects the last chip;
a second ``backspace`` removes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from rich.cells import cell_len
from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from co_tui.api.models import DataAsset
from co_tui.safe_text import display, join
from co_tui.widgets.edit_fields import EditInput

__all__ = ["CHIP_MAX_CELLS", "Chip", "TagChips", "TagInput", "chips_for"]

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
        Binding("right", "move(1)", "Next tag", key_display="←→"),
        Binding("left", "move(-1)", "Previous tag", show=False),
        Binding("delete,backspace", "toggle_chip", "Remove / keep"),
    ]

    cursor: reactive[int] = reactive(0)
    armed: reactive[bool] = reactive(False)
    """The highlighted chip is selected from the input: the next backspace there removes it."""

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

    def arm_last(self) -> bool:
        """Select the last chip not already marked for removal; False when there is none."""
        live = [index for index, chip in enumerate(self.chips) if chip.state != "removed"]
        if not live:
            return False
        self.cursor = live[-1]
        self.armed = True
        return True

    def on_key(self, event: events.Key) -> None:
        """A typed character goes to the tag input, never to a chip."""
        if not (event.is_printable and event.character):
            return
        entry = self._entry()
        if entry is None:
            return
        event.stop()
        event.prevent_default()
        entry.focus()
        entry.cursor_position = len(entry.value)
        entry.insert_text_at_cursor(event.character)

    def _entry(self) -> TagInput | None:
        """The tag input next to this row (same container), if there is one."""
        if self.parent is None:
            return None
        return next(iter(self.parent.query_children(TagInput)), None)

    def watch_cursor(self) -> None:
        self.refresh()

    def watch_armed(self) -> None:
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
                if index == self.cursor and self.armed:
                    style = "bold reverse $error"  # the next backspace removes it
                elif index == self.cursor and self.has_focus:
                    style = "reverse " + style.split(" on ")[0]
                parts += [label.stylize(style), " "]
            rows.append(join(*parts))
        return Content("\n").join(rows)


class TagInput(EditInput):
    """The input that adds tags to the :class:`TagChips` in the same container.

    ``enter`` posts ``Submitted`` as any input does (the owner adds the tag, so it can check
    it); ``tab`` completes a suggestion or submits typed text instead of leaving with it;
    ``backspace`` in an empty input selects the last chip, a second one removes it.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "complete_or_add", "Complete / add", show=False),
    ]

    def __init__(self, server_text: str = "", **kwargs: Any) -> None:
        # Selecting on focus would let the next key replace a character the chip row passed on.
        kwargs.setdefault("select_on_focus", False)
        super().__init__(server_text, **kwargs)

    @property
    def chips(self) -> TagChips | None:
        """The chip row this input adds to."""
        if self.parent is None:
            return None
        return next(iter(self.parent.query_children(TagChips)), None)

    def action_complete_or_add(self) -> None:
        """Accept the suggestion, else add the typed tag; with nothing typed, move on."""
        if self._suggestion and self._suggestion != self.value:
            self.value = self._suggestion
            self.cursor_position = len(self.value)
        elif self.value.strip():
            self.post_message(self.Submitted(self, self.value))
        else:
            self.screen.focus_next()

    def action_delete_left(self) -> None:
        """In an empty input: select the last chip, then remove it."""
        chips = self.chips
        if self.value or chips is None:
            super().action_delete_left()
        elif chips.armed:
            chips.armed = False
            chips.action_toggle_chip()
        else:
            chips.arm_last()

    async def _on_key(self, event: events.Key) -> None:
        if event.key != "backspace" and (chips := self.chips) is not None:
            chips.armed = False
        await super()._on_key(event)

    def _on_blur(self, event: events.Blur) -> None:
        if (chips := self.chips) is not None:
            chips.armed = False
        super()._on_blur(event)


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
