"""The create dialog's run picker: a capsule's recent runs, and what of a run's results to capture.

:class:`RunPickerScreen` opens from the create dialog's "computation results" source. Three
parts, ``tab`` between them:

1. **Capsule**: the capsule co-tui runs in (``CO_CAPSULE_ID``) is chosen at the start; typing
   searches capsules and pipelines (the list under the field, ``↓`` into it, ``enter`` takes
   one), and ``enter`` on a typed ID that matches nothing looks the ID up.
2. **Runs**, newest first: name, state, when it ended, whether it has results. A run that cannot
   be captured (running, failed, no results, a cloud workstation) is shown dimmed with the reason
   and ``enter`` on it says why it is refused.
3. **Results** of the chosen run, a folder tree listed as it is opened
   (:class:`~co_tui.modals.create_results.ResultsTree`); ``space`` marks the one folder or file
   to capture (the API takes one path; nothing marked: every result file).

``ctrl+s`` hands back a :class:`~co_tui.operations.create_runs.RunChoice` (the run under the
cursor when its results were not opened: all of them); ``esc`` goes back from the results to the
runs, and from elsewhere closes the picker without choosing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from co_tui.api.errors import ApiError, NotFoundError, PermissionDeniedError
from co_tui.formatting import plural
from co_tui.modals.create_results import ResultsTree
from co_tui.modals.dialog import Dialog
from co_tui.operations.create_runs import (
    RunChoice,
    RunListing,
    RunRow,
    RunSource,
    capture_label,
    find_sources,
    list_runs,
    resolve_source,
)
from co_tui.safe_text import display, join, plain
from co_tui.widgets.footer import KeyFooter
from co_tui.workers import superseded, worker

if TYPE_CHECKING:
    from co_tui.api.client import CodeOceanClient

__all__ = ["RunPickerScreen", "run_prompt"]

SEARCH_DELAY = 0.3
NAME_CELLS = 56


def run_prompt(row: RunRow) -> Content:
    """A run's two lines in the list: its name, then state, end time and results (or why it
    cannot be captured); dimmed when it cannot be."""
    run = row.computation
    name = display(run.name or run.id, max_cells=NAME_CELLS)
    details: list[Content | str] = [display(row.state_text(), max_cells=40), row.when_text(),
                                    row.results_text()]
    second = join("  ", join(*(part for part in details if part), separator="  ·  "))
    if row.selectable:
        return join(name.stylize("bold"), "\n", second)
    reason = display(row.problem or "", max_cells=100)
    return join(name, "\n", second, "\n  ✗ ", reason).stylize("dim")


def _source_prompt(source: RunSource) -> Content:
    kind = Content.styled("  pipeline", "dim") if source.kind == "pipeline" else Content("")
    return join(display(source.name or source.id, max_cells=70), kind)


class RunList(OptionList):
    """The runs; the highlighted one stays in view when the list shrinks (results opened)."""

    def on_resize(self) -> None:
        """Keep the highlighted run visible at the new height."""
        self.scroll_to_highlight()


class RunPickerScreen(Dialog["RunChoice | None"]):
    """Pick a run of a capsule and what of its results to capture; ``capsule_id`` is where to
    start (the capsule co-tui runs in), or ``None`` to start by choosing one."""

    CSS_PATH = "../styles/create_runs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "use", "Use this run", priority=True),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, client: CodeOceanClient, capsule_id: str | None = None) -> None:
        super().__init__()
        self.client = client
        self.start_id = capsule_id
        self.source: RunSource | None = None
        self.rows: list[RunRow] = []
        self.opened: RunRow | None = None
        self.found: list[RunSource] = []
        self._search_timer: Timer | None = None
        self._quiet_change = False

    # --- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="runs-dialog"):
            yield Static(Content("Create from a run: choose a run and what of its results to "
                                 "capture"), id="runs-title")
            with Horizontal(id="runs-capsule-row"):
                yield Static(Content("Capsule"), id="runs-capsule-label")
                yield Input(placeholder="words to search capsules and pipelines, or an ID",
                            id="runs-capsule")
            yield Static(id="runs-capsule-info")
            yield OptionList(id="runs-sources")
            yield Static(Content("Runs, newest first"), id="runs-list-title",
                         classes="runs-part-title")
            yield RunList(id="runs-list")
            yield Static(Content("Results"), id="runs-results-title", classes="runs-part-title")
            yield ResultsTree(self.client, id="runs-results")
            yield Static(id="runs-status")
            yield Static(Content("↑↓ move  enter choose / open  space mark  tab next  "
                                 "ctrl+s use  esc back"), id="runs-hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#runs-sources").display = False
        self.query_one("#runs-results").display = False
        self.query_one("#runs-results-title").display = False
        if self.start_id:
            self._quiet_change = True
            self.query_one("#runs-capsule", Input).value = plain(self.start_id)
            self._resolve(self.start_id)
        else:
            self._info(Content.styled("Type to search, or paste a capsule ID.", "dim"))
            self.query_one("#runs-capsule", Input).focus()
            self._search("")

    # --- small helpers -----------------------------------------------------------------------

    def _info(self, text: Content) -> None:
        self.query_one("#runs-capsule-info", Static).update(text)

    def _status(self, message: str | Content, *, error: bool = False) -> None:
        status = self.query_one("#runs-status", Static)
        status.set_class(error, "-error")
        status.update(message if isinstance(message, Content)
                      else display(message, multiline=True, max_chars=500))

    def _show_sources(self, shown: bool) -> None:
        self.query_one("#runs-sources").display = shown

    # --- part 1: the capsule -----------------------------------------------------------------

    @on(Input.Changed, "#runs-capsule")
    def _capsule_typed(self, event: Input.Changed) -> None:
        """Search capsules and pipelines as the user types (not for the starting ID)."""
        if self._quiet_change:
            self._quiet_change = False
            return
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, lambda: self._search(event.value))

    def _search_raised(self, error: BaseException, text: str) -> None:
        self._info(Content("The search failed (an unexpected error): paste a capsule ID."))

    @worker("searching capsules", group="runs-search", exclusive=True, recover=_search_raised)
    async def _search(self, text: str) -> None:
        """Capsules and pipelines matching ``text``, in the list under the field."""
        try:
            found = await find_sources(self.client, text)
        except ApiError as error:
            self._info(display(f"The search failed: {error.message}", max_cells=200))
            return
        if superseded():
            return
        self.found = found
        sources = self.query_one("#runs-sources", OptionList)
        sources.clear_options()
        options = []
        for source in found:
            options.append(Option(_source_prompt(source)))
        sources.add_options(options)
        self._show_sources(bool(found))
        if found:
            sources.highlighted = 0
            self._info(Content.styled(
                f"{plural(len(found), 'match', 'matches')}: ↓ to the list, enter takes one",
                "dim"))
        elif text.strip():
            self._info(Content.styled("No capsule or pipeline matches: enter looks the text up "
                                      "as an ID.", "dim"))

    @on(Input.Submitted, "#runs-capsule")
    def _capsule_submitted(self, event: Input.Submitted) -> None:
        """``enter``: take the highlighted match, or look the text up as an ID."""
        event.stop()
        sources = self.query_one("#runs-sources", OptionList)
        if sources.display and sources.highlighted is not None and self.found:
            self._choose(self.found[sources.highlighted])
        elif event.value.strip():
            self._resolve(event.value)

    def key_down(self) -> None:
        """``↓`` in the capsule field goes into the list of matches."""
        sources = self.query_one("#runs-sources", OptionList)
        if self.focused is self.query_one("#runs-capsule") and sources.display:
            sources.focus()

    @on(OptionList.OptionSelected, "#runs-sources")
    def _source_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.found):
            self._choose(self.found[event.option_index])

    def _resolve_raised(self, error: BaseException, typed: str) -> None:
        self._info(Content("Could not look the ID up (an unexpected error)."))

    @worker("looking up the capsule", group="runs-resolve", exclusive=True,
            recover=_resolve_raised)
    async def _resolve(self, typed: str) -> None:
        """Look a typed (or the starting) capsule ID up, then list its runs."""
        self._info(Content.styled("Looking the capsule up…", "dim"))
        try:
            source = await resolve_source(self.client, typed)
        except ValueError as problem:
            self._info(display(str(problem), max_cells=200).stylize("$error"))
            return
        except NotFoundError:
            self._info(Content.styled("No capsule or pipeline with this ID is visible to you.",
                                      "$error"))
            return
        except ApiError as error:
            self._info(display(f"Could not look it up: {error.message}",
                               max_cells=200).stylize("$error"))
            return
        if not superseded():
            self._choose(source)

    def _choose(self, source: RunSource) -> None:
        """List the runs of ``source``."""
        self.source = source
        self._show_sources(False)
        kind = "pipeline" if source.kind == "pipeline" else "capsule"
        here = "  (the capsule co-tui runs in)" if source.id == self.start_id else ""
        self._info(join(f"{kind}: ", display(source.name or source.id, max_cells=60),
                        Content.styled(here, "dim")))
        self._load_runs(source)

    # --- part 2: the runs --------------------------------------------------------------------

    def _runs_raised(self, error: BaseException, source: RunSource) -> None:
        self._status("The runs could not be listed (an unexpected error).", error=True)

    @worker("listing the runs", group="runs-load", exclusive=True, recover=_runs_raised)
    async def _load_runs(self, source: RunSource) -> None:
        """Fetch the runs of ``source`` into the list and move there."""
        runs = self.query_one("#runs-list", OptionList)
        runs.clear_options()
        self.rows, self.opened = [], None
        self._hide_results()
        self._status(Content.styled("Listing the runs…", "dim"))
        try:
            listing = await list_runs(self.client, source)
        except PermissionDeniedError:
            self._status("You may not see this capsule's runs: it is not shared with you.",
                         error=True)
            return
        except NotFoundError:
            self._status("This capsule is not visible to you any more.", error=True)
            return
        except ApiError as error:
            self._status(f"The runs could not be listed: {error.message}", error=True)
            return
        if superseded():
            return
        self._show_runs(listing)

    def _show_runs(self, listing: RunListing) -> None:
        runs = self.query_one("#runs-list", OptionList)
        self.rows = listing.rows
        options = []
        for row in listing.rows:
            options.append(Option(run_prompt(row)))
        runs.add_options(options)
        left_out = (f" {plural(listing.unreadable, 'run')} could not be read and "
                    "are left out." if listing.unreadable else "")
        if not listing.rows:
            self._status("This capsule has no runs yet." + left_out)
            return
        usable = sum(row.selectable for row in listing.rows)
        self._status(f"{plural(len(listing.rows), 'run')}, {usable} with results to capture: "
                     "enter on one shows its results." + left_out)
        runs.highlighted = next((i for i, row in enumerate(listing.rows) if row.selectable), 0)
        runs.focus()

    @on(OptionList.OptionSelected, "#runs-list")
    def _run_selected(self, event: OptionList.OptionSelected) -> None:
        """``enter`` on a run: show its results, or say why it cannot be captured."""
        event.stop()
        row = self.rows[event.option_index]
        if not row.selectable:
            self._refuse(row)
            return
        self.opened = row
        title = self.query_one("#runs-results-title", Static)
        title.update(join("Results of ", display(row.computation.name or row.computation.id,
                                                 max_cells=60),
                          Content.styled("  (space marks what to capture)", "dim")))
        title.display = True
        self.add_class("-results-open")
        tree = self.query_one("#runs-results", ResultsTree)
        tree.display = True
        tree.show_run(row.computation.id)
        tree.focus()
        self._show_capture("")

    def _refuse(self, row: RunRow) -> None:
        self._status(join(display(row.computation.name or row.computation.id, max_cells=60),
                          " cannot be captured: ", display(row.problem or "", max_cells=200)),
                     error=True)

    def _hide_results(self) -> None:
        self.remove_class("-results-open")
        self.query_one("#runs-results").display = False
        self.query_one("#runs-results-title").display = False

    # --- part 3: the results -----------------------------------------------------------------

    @on(ResultsTree.Ticked)
    def _ticked(self, event: ResultsTree.Ticked) -> None:
        self._show_capture(event.path)

    def _show_capture(self, path: str) -> None:
        self._status(join("Captures ", display(capture_label(path), max_cells=120),
                          Content.styled("  ·  ctrl+s uses this run", "dim")))

    # --- done --------------------------------------------------------------------------------

    def action_use(self) -> None:
        """Hand back the opened run and its marked path, or the highlighted run, whole."""
        tree = self.query_one("#runs-results", ResultsTree)
        if self.opened is not None and tree.display:
            self.dismiss(RunChoice(self.opened.computation, tree.ticked, self.source))
            return
        runs = self.query_one("#runs-list", OptionList)
        if runs.highlighted is None or not self.rows:
            self._status("Choose a run first.", error=True)
            return
        row = self.rows[runs.highlighted]
        if not row.selectable:
            self._refuse(row)
            return
        self.dismiss(RunChoice(row.computation, "", self.source))

    def action_back(self) -> None:
        """From the results back to the runs; from anywhere else, close without choosing."""
        if self.focused is self.query_one("#runs-results"):
            self._hide_results()
            self.opened = None
            self.query_one("#runs-list").focus()
            self._status(Content.styled("enter on a run shows its results.", "dim"))
            return
        self.dismiss(None)
