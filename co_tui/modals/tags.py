"""``t``: tags of one asset or of a multi-selection, as chips.

:class:`TagChips` is the chip row (also used by the edit dialog): ``←``/``→`` move between chips,
``delete``/``backspace``/``x`` marks the highlighted tag for removal (again: keep it). Changes
show as ``+tag`` (to add) and struck-through ``−tag`` (to remove) until applied.

:class:`TagsScreen` adds tags through an input with completion from the tags seen in loaded
assets; for a multi-selection each chip shows how many assets have it (``3/5``) and adding a
tag that only some have adds it to the rest. Apply runs :func:`co_tui.actions.bulk.change_tags`
(one read and at most one write per asset) and shows the per-asset results inside the dialog.
It dismisses with the assets the server changed (an empty list when cancelled).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Button, Input, Static

from co_tui.actions import bulk
from co_tui.actions.field_values import tag_error
from co_tui.api.models import DataAsset
from co_tui.edit_buffer import decode
from co_tui.modals.confirm import ConfirmScreen, render_results
from co_tui.safe_text import display, is_safe, join
from co_tui.widgets.edit_fields import EditInput
from co_tui.workers import log_failure, worker

if TYPE_CHECKING:
    from co_tui.api.client import CodeOceanClient

__all__ = ["Chip", "TagChips", "TagsScreen", "chips_for"]

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


class TagsScreen(ModalScreen["list[DataAsset]"]):
    """Edit the tags of ``assets``; dismisses with the assets the server changed.

    ``known_tags`` (tags seen in loaded assets) feed the completion of the add field.
    """

    CSS_PATH = "../styles/edit.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "apply", "Apply", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    applying: reactive[bool] = reactive(False)

    def __init__(
        self, client: CodeOceanClient, assets: Sequence[DataAsset], known_tags: Iterable[str]
    ) -> None:
        super().__init__()
        if not assets:
            raise ValueError("no assets to tag")
        self.client = client
        self.assets = list(assets)
        # Only tags free of control characters are offered: a suggestion is drawn as typed text.
        self.known_tags = sorted({t for t in known_tags if is_safe(t) and t.strip()},
                                 key=str.casefold)
        self.updated: dict[str, DataAsset] = {}
        self.report: bulk.BulkReport | None = None

    def shown_assets(self) -> dict[str, str]:
        """The assets being tagged (the dialog closes if the server says one is gone, unless
        it is applying: then its report says so)."""
        return {asset.id: asset.name for asset in self.assets}

    def compose(self) -> ComposeResult:
        count = len(self.assets)
        title = (join("Tags of ", display(self.assets[0].name, max_cells=56)) if count == 1
                 else join(f"Tags of {count} selected assets"))
        with Vertical(id="tags-dialog"):
            yield Static(title, id="tags-title")
            yield TagChips(chips_for(self.assets), id="tags-chips")
            yield EditInput(placeholder="add a tag (enter)", id="tags-input", compact=True,
                        suggester=SuggestFromList(self.known_tags, case_sensitive=False))
            yield Static(Content(""), id="tags-error")
            with VerticalScroll(id="tags-results"):
                yield Static(Content(""), id="tags-results-lines")
            yield Static(Content(""), id="tags-status")
            with Horizontal(id="tags-buttons"):
                yield Button(Content("Apply (ctrl+s)"), id="tags-apply", variant="primary",
                             compact=True)
                yield Button(Content("Cancel (esc)"), id="tags-cancel", compact=True)
            yield Static(Content("enter add   tab to chips: ←→ move, del remove/keep"),
                         id="tags-hint")

    def on_mount(self) -> None:
        self.query_one("#tags-results").display = False
        self.query_one("#tags-input", Input).focus()

    @property
    def chips(self) -> TagChips:
        """The chip row."""
        return self.query_one("#tags-chips", TagChips)

    @property
    def pending(self) -> bool:
        """True when there are changes not yet applied."""
        return bool(self.chips.added or self.chips.removed)

    def _error(self, message: str) -> None:
        self.query_one("#tags-error", Static).update(display(message, style="$error"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Add the typed tag as a chip."""
        event.stop()
        text = decode(event.value).strip()
        if not text:
            return
        if problem := tag_error(text):
            self._error(problem)
            return
        if not self.chips.add(text):
            self._error("already there")
            return
        self._error("")
        event.input.value = ""

    def on_tag_chips_changed(self, event: TagChips.Changed) -> None:
        """Edits clear an old error."""
        self._error("")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Apply, cancel or close."""
        event.stop()
        if event.button.id == "tags-apply":
            self.action_apply()
        else:
            self.action_cancel()

    def action_apply(self) -> None:
        """Send the changes (or close once the results have been seen)."""
        if self.applying:
            return
        if not self.pending:
            self.dismiss(list(self.updated.values()))
            return
        self.applying = True
        self._apply(self.chips.added, self.chips.removed)

    def watch_applying(self, applying: bool) -> None:
        self.query_one("#tags-apply", Button).disabled = applying

    @worker("applying the tags", group="tags-apply", exclusive=True)
    async def _apply(self, add: list[str], remove: list[str]) -> None:
        status = self.query_one("#tags-status", Static)
        total = len(self.assets)
        done = 0

        def progress(_: bulk.AssetResult) -> None:
            nonlocal done
            done += 1
            status.update(join(f"Applying… {done}/{total}"))

        status.update(join(f"Applying… 0/{total}"))
        try:
            report = await bulk.change_tags(self.client, self.assets, add, remove,
                                            on_result=progress)
        except ValueError as problem:  # a tag the rules refuse: the chips stay for a fix
            self.applying = False
            status.update(display(f"Not applied: {problem}", style="$error"))
            return
        except Exception as exc:  # the dialog must survive anything and keep the chips
            from co_tui.report import describe_error

            self.applying = False
            log_failure(exc, "applying the tags")
            _, message = describe_error(exc, "applying the tags")
            status.update(display(f"{message} The tags you chose are kept: apply again or "
                                  "reload to see what changed.", style="$error"))
            return
        self.applying = False
        self.report = report
        for asset in report.updated:
            self.updated[asset.id] = asset
        if report.all_ok and total == 1 and not report.gone:
            self.dismiss(list(self.updated.values()))
            return
        self._show_report(report)

    def _show_report(self, report: bulk.BulkReport) -> None:
        results = self.query_one("#tags-results", VerticalScroll)
        results.display = True
        self.query_one("#tags-results-lines", Static).update(render_results(report.results))
        summary = report.summary()
        if report.all_ok:
            # Every asset now has the change: what is left to do is to close.
            for chip in self.chips.chips:
                if chip.state == "added":
                    chip.state, chip.count = "kept", chip.total
            self.chips.chips = [c for c in self.chips.chips if c.state != "removed"]
            self.chips.refresh(layout=True)
            self.query_one("#tags-status", Static).update(join(f"{summary}. Enter closes."))
            self.query_one("#tags-apply", Button).label = Content("Close (enter)")
            self.query_one("#tags-apply", Button).focus()
        else:
            self.query_one("#tags-status", Static).update(display(
                f"{summary}. The changes are kept: ctrl+s applies them again "
                "(assets already done are skipped).", style="$warning"))

    def action_cancel(self) -> None:
        """Close; unapplied changes are confirmed first."""
        if self.applying:
            return
        if not self.pending:
            self.dismiss(list(self.updated.values()))
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(list(self.updated.values()))

        self.app.push_screen(ConfirmScreen("Discard tag changes?",
                                           "The tag changes have not been applied.",
                                           "Discard", danger=True), answered)
