"""``t``: tags of one asset or of a multi-selection, as chips.

The chip row is :class:`~co_tui.widgets.tag_chips.TagChips` (also used by the edit dialog):
``←``/``→`` move between chips, ``delete``/``backspace`` marks the highlighted tag for removal
(again: keep it); typing always goes to the input, where ``backspace`` on an empty line selects
the last chip and a second one removes it. Changes show as ``+tag`` (to add) and struck-through
``−tag`` (to remove) until applied.

:class:`TagsScreen` adds tags through an input with completion from the tags seen in loaded
assets; for a multi-selection each chip shows how many assets have it (``3/5``) and adding a
tag that only some have adds it to the rest. Apply runs :func:`co_tui.operations.bulk.change_tags`
(one read and at most one write per asset) and shows the per-asset results inside the dialog.
It dismisses with the assets the server changed (an empty list when cancelled).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Static

from co_tui.api.models import DataAsset
from co_tui.edit_buffer import decode
from co_tui.modals.confirm import ConfirmScreen, render_results
from co_tui.modals.dialog import Dialog
from co_tui.operations import bulk
from co_tui.operations.field_values import tag_error
from co_tui.safe_text import display, is_safe, join
from co_tui.widgets.tag_chips import TagChips, TagInput, chips_for
from co_tui.workers import log_failure, worker

if TYPE_CHECKING:
    from co_tui.api.client import CodeOceanClient

__all__ = ["TagsScreen"]


class TagsScreen(Dialog["list[DataAsset]"]):
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
            yield TagInput(placeholder="add a tag (enter)", id="tags-input", compact=True,
                           suggester=SuggestFromList(self.known_tags, case_sensitive=False))
            yield Static(Content(""), id="tags-error")
            with VerticalScroll(id="tags-results"):
                yield Static(Content(""), id="tags-results-lines")
            yield Static(Content(""), id="tags-status")
            with Horizontal(id="tags-buttons"):
                yield Button(Content("Apply (ctrl+s)"), id="tags-apply", variant="primary",
                             compact=True)
                yield Button(Content("Cancel (esc)"), id="tags-cancel", compact=True)
            yield Static(Content("enter add   backspace: last tag (again: remove)   "
                                 "shift+tab: chips"),
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
