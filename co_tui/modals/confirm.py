"""Confirmations and per-asset result summaries.

- :class:`ConfirmScreen` asks yes / no (archive, restore, discard changes) and dismisses with a
  ``bool``. Enter presses the focused button: the confirm button for ordinary questions, *Cancel*
  for ``danger=True`` ones, so a stray enter never confirms something dangerous (``y`` always
  confirms, ``n`` / ``esc`` always cancel).
- :class:`TypedNameConfirmScreen` guards permanent deletion: the delete button stays disabled
  until the user types the asset's exact name (for several assets: ``delete N``).
- :class:`ResultsScreen` shows a :class:`~co_tui.operations.bulk.BulkReport` (bulk archive, restore,
  delete); :func:`render_results` draws the same lines for other dialogs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Input, Static

from co_tui.modals.dialog import Dialog
from co_tui.operations.bulk import AssetResult, BulkReport, Status
from co_tui.safe_text import display, join, plain

__all__ = [
    "ConfirmScreen", "ResultsScreen", "TypedNameConfirmScreen", "names_list_content",
    "render_results",
]

NAMES_SHOWN = 8
"""Names listed in a confirmation before "... and N more"."""

_MARKS = {Status.OK: ("✓", "$success"), Status.SKIPPED: ("–", "$text-muted"),
          Status.FAILED: ("✗", "$error"), Status.UNKNOWN: ("?", "$warning"),
          Status.GONE: ("∅", "$warning")}


def _content(text: str | Content) -> Content:
    """Our own words as Content; a ``str`` is escaped anyway, in case it carries server text."""
    return text if isinstance(text, Content) else join(text)


def render_results(results: Sequence[AssetResult]) -> Content:
    """One line per asset: a mark (✓ done, – skipped, ✗ failed, ? unknown, ∅ gone), name,
    reason."""
    lines: list[Content] = []
    for result in results:
        mark, style = _MARKS[result.status]
        detail = result.reason
        if result.reconciled and result.status is Status.OK:
            detail = "answer lost; read back: done"
        parts: list[Content | str] = [Content.styled(f"{mark} ", style), display(result.name,
                                                                                  max_cells=48)]
        if detail:
            parts += ["  ", display(detail, max_cells=400, style="dim")]
        lines.append(join(*parts))
    return Content("\n").join(lines)


def names_list_content(names: Sequence[str]) -> Content:
    """Up to :data:`NAMES_SHOWN` names, one per line, then "... and N more"."""
    lines = [join("  • ", display(name, max_cells=70)) for name in names[:NAMES_SHOWN]]
    if len(names) > NAMES_SHOWN:
        lines.append(join(f"  … and {len(names) - NAMES_SHOWN} more"))
    return Content("\n").join(lines)


class ConfirmScreen(Dialog[bool]):
    """A yes / no question; dismisses with True only when the user confirms.

    ``title`` and ``body`` are our own words; build any server text into them with
    :func:`co_tui.safe_text.display` (a plain ``str`` is escaped as a precaution).
    """

    CSS_PATH = "../styles/edit.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "confirm", "Yes"),
        Binding("n,escape", "cancel", "No"),
        Binding("left,right,h,l", "app.focus_next", "Switch", show=False),
    ]

    def __init__(
        self,
        title: str | Content,
        body: str | Content,
        confirm_label: str = "OK",
        *,
        danger: bool = False,
        about: Mapping[str, str] | None = None,
    ) -> None:
        """``about`` (id -> name) names the data assets the question is about: the dialog
        closes if the server says one of them is gone."""
        super().__init__()
        self.title_content = _content(title)
        self.body_content = _content(body)
        self.confirm_label = confirm_label
        self.danger = danger
        self.about = dict(about or {})

    def shown_assets(self) -> dict[str, str]:
        """The data assets the question is about (see ``about``)."""
        return self.about

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="-danger" if self.danger else ""):
            yield Static(self.title_content, id="confirm-title")
            yield Static(self.body_content, id="confirm-body")
            with Horizontal(id="confirm-buttons"):
                yield Button(Content(f"{self.confirm_label} (y)"), id="confirm-yes",
                             variant="error" if self.danger else "primary", compact=True)
                yield Button(Content("Cancel (n)"), id="confirm-no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#confirm-no" if self.danger else "#confirm-yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """The buttons answer the question."""
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_confirm(self) -> None:
        """Answer yes."""
        self.dismiss(True)

    def action_cancel(self) -> None:
        """Answer no."""
        self.dismiss(False)


class TypedNameConfirmScreen(Dialog[bool]):
    """Permanent delete: enabled only once the user types the exact name (or ``delete N``)."""

    CSS_PATH = "../styles/edit.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, asset_names: Sequence[str], *,
                 about: Mapping[str, str] | None = None) -> None:
        """``about`` as for :class:`ConfirmScreen`."""
        super().__init__()
        if not asset_names:
            raise ValueError("nothing to delete")
        self.asset_names = list(asset_names)
        self.about = dict(about or {})
        # A name is typed as the dialog shows it: control characters as their escapes.
        count = len(self.asset_names)
        self.expected = plain(self.asset_names[0]) if count == 1 else f"delete {count}"

    def shown_assets(self) -> dict[str, str]:
        """The data assets to delete (see ``about``)."""
        return self.about

    def compose(self) -> ComposeResult:
        count = len(self.asset_names)
        what = "this data asset" if count == 1 else f"these {count} data assets"
        if count == 1:
            prompt = join("Type the asset's name to confirm: ",
                          display(self.expected, max_cells=60, style="bold"))
        else:
            prompt = join("Type ", Content.styled(self.expected, "bold"), " to confirm.")
        with Vertical(id="typed-dialog"):
            yield Static(join(f"Delete {what} permanently?"), id="typed-title")
            yield Static(names_list_content(self.asset_names), id="typed-names")
            yield Static(Content("Their files are deleted too. This cannot be undone."),
                         id="typed-warning")
            yield Static(prompt, id="typed-prompt")
            yield Input(placeholder="type here", id="typed-input", compact=True)
            with Horizontal(id="typed-buttons"):
                yield Button(Content("Delete permanently"), id="typed-delete", variant="error",
                             disabled=True, compact=True)
                yield Button(Content("Cancel (esc)"), id="typed-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#typed-input", Input).focus()

    @property
    def matches(self) -> bool:
        """True when what was typed is the required text."""
        typed = self.query_one("#typed-input", Input).value
        if len(self.asset_names) == 1:
            return typed == self.expected
        return " ".join(typed.split()).casefold() == self.expected

    def on_input_changed(self, event: Input.Changed) -> None:
        """Enable the delete button exactly when the typed text matches."""
        self.query_one("#typed-delete", Button).disabled = not self.matches

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the field deletes only when the text matches."""
        event.stop()
        if self.matches:
            self.dismiss(True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Delete (when enabled) or cancel."""
        event.stop()
        self.dismiss(event.button.id == "typed-delete" and self.matches)

    def action_cancel(self) -> None:
        """Keep the assets."""
        self.dismiss(False)


class ResultsScreen(Dialog[None]):
    """What a bulk action did to each asset; enter, esc or q closes."""

    CSS_PATH = "../styles/edit.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,q", "close", "Close"),
        Binding("j,down", "scroll(1)", "Scroll", show=False),
        Binding("k,up", "scroll(-1)", "Scroll", show=False),
    ]

    def __init__(self, title: str | Content, results: BulkReport | Sequence[AssetResult]) -> None:
        super().__init__()
        self.title_content = _content(title)
        report = results if isinstance(results, BulkReport) else BulkReport("", tuple(results))
        self.report = report

    def compose(self) -> ComposeResult:
        with Vertical(id="results-dialog"):
            yield Static(self.title_content, id="results-title")
            yield Static(join(self.report.summary()), id="results-summary")
            with VerticalScroll(id="results-body"):
                yield Static(render_results(self.report.results), id="results-lines")
            yield Static(Content("enter / esc: close"), id="results-hint")

    def on_mount(self) -> None:
        self.query_one("#results-body", VerticalScroll).focus()

    def action_scroll(self, delta: int) -> None:
        """Scroll the list (a key that arrives while the dialog closes scrolls nothing)."""
        for body in self.query("#results-body").results(VerticalScroll):
            body.scroll_relative(y=delta, animate=False)

    def action_close(self) -> None:
        """Close the summary."""
        self.dismiss(None)
