"""``FileSearch``: ``/`` in the Files tab, a search over every file path of the asset.

The tree lists folders as they are opened, so a file deep down is not known until its folders
are. The search walks the whole tree in the background
(:func:`~co_tui.operations.file_crawl.crawl`, a few listings in flight) and shows the paths that
contain the typed text as a flat list (:class:`~co_tui.widgets.file_search_list.MatchList`),
which grows as the walk goes on. ``enter`` in the box goes to the list, ``enter`` on a match
asks the pane to open it in the tree (:class:`FileSearch.Chosen`), ``escape`` goes back
(:class:`FileSearch.Closed`).

The walk runs only while the search is on screen: leaving the tab or the screen stops it (the
folders in flight go back to its queue) and the next ``/`` goes on from there. Walks are kept
for the session per asset (:func:`~co_tui.operations.file_crawl.crawl_cache`), so a second
``/`` on the same asset lists nothing again. Matching is done a slice at a time
(:class:`~co_tui.operations.path_matches.PathMatches`) by a timer, so a walk of 100,000 files
never holds the event loop for long.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Static

from co_tui.api import ApiError, CodeOceanClient
from co_tui.api.models import DataAsset, FolderItem
from co_tui.app import co_app
from co_tui.formatting import format_count
from co_tui.operations.file_crawl import FileCrawl, crawl, crawl_cache
from co_tui.operations.path_matches import PathMatches
from co_tui.widgets.file_search_list import MatchList
from co_tui.widgets.file_tree import FileTree
from co_tui.widgets.filter_box import FilterBox
from co_tui.workers import worker

__all__ = ["TICK", "FileSearch", "reveal_in_tree", "search_status"]

TICK = 0.1
"""Seconds between redraws of the list and the progress while the search is open."""
SLICE = 20_000
"""Paths checked per tick (and per keystroke): about 2 ms on a slow machine."""
MUTED = "$foreground-muted"


def _plural(count: int, word: str) -> str:
    return f"{format_count(count)} {word}{'' if count == 1 else 's'}"


def search_status(state: FileCrawl, matches: int | None, *, stopped: bool = False) -> Content:
    """The line under the matches: how far the walk got, what matched, what failed."""
    folders, files = _plural(state.folders, "folder"), _plural(state.files, "file")
    if state.done:
        text = f"{files} in {folders} searched"
    elif stopped:
        text = f"search stopped at {folders}, {files}: / tries again"
    else:
        text = f"searching… {folders}, {files}"
    parts: list[Content | tuple[str, str] | str] = [(text, MUTED)]
    if matches is not None:
        word = "match" if matches == 1 else "matches"
        parts += [" · ", (f"{format_count(matches)} {word}", "bold")]
    failed = len(state.failed)
    if failed:
        verb = "folder could" if failed == 1 else "folders could"
        parts += [" · ", (f"{format_count(failed)} {verb} not be listed", "$warning")]
    return Content.assemble(*parts)


def reveal_in_tree(tree: FileTree, item: FolderItem, listings: dict[str, list[FolderItem]]) -> bool:
    """Give ``tree`` the listings of the folders leading to ``item`` it does not have yet,
    open them and put the cursor on ``item``. False when a folder on the way is unknown."""
    parts = item.path.split("/")
    for depth in range(len(parts)):
        folder = "/".join(parts[:depth])
        if tree.folder_state(folder) != "loaded":
            if folder not in listings:
                return False
            tree.set_folder(folder, listings[folder])
    return tree.reveal(item.path)


class FileSearch(Vertical):
    """The search box, the matches and the walk's progress; see the module docstring."""

    HELP_GROUP: ClassVar[str] = "Files"
    co_app = co_app
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back to the tree"),
        Binding("down", "to_list", "To the matches", show=False),
    ]

    class Chosen(Message):
        """Enter on a match: open ``item`` in the tree (``listings`` has its folders)."""

        def __init__(self, item: FolderItem, listings: dict[str, list[FolderItem]]) -> None:
            super().__init__()
            self.item = item
            self.listings = listings

    class Closed(Message):
        """Escape: back to the tree."""

    def __init__(self, client: CodeOceanClient, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.client = client
        self.state: FileCrawl | None = None
        self.matches = PathMatches()
        self._timer: Timer | None = None
        self._dirty = False
        self._stopped = False
        """The walk stopped on an error: it goes on at the next ``/``, not by itself."""

    def compose(self) -> ComposeResult:
        yield FilterBox(self._typed, id="file-search-box",
                        placeholder="search every path…  (enter: to the list, escape: back)")
        yield MatchList(id="file-matches")
        yield Static("", id="file-search-status")

    @property
    def box(self) -> Input:
        """The search box."""
        return self.query_one("#file-search-box", Input)

    @property
    def match_list(self) -> MatchList:
        """The list of matches."""
        return self.query_one(MatchList)

    @property
    def crawling(self) -> bool:
        """True while the walk runs."""
        return any(w.group == "crawl" and not w.is_finished and not w.is_cancelled
                   for w in self.workers if w.node is self)

    # --- opening and closing ------------------------------------------------------------------

    def open(self, asset: DataAsset) -> None:
        """Search ``asset``'s files (its walk from earlier in the session goes on, if any)."""
        state = crawl_cache(self.client).get(asset)
        if state is not self.state:
            self.stop()
            self.state = state
            self.matches = PathMatches()
            self.matches.set_needle(self.box.value)
        self._stopped = False
        self.box.focus()
        if not state.done and not self.crawling:
            self._crawl(state)
        if self._timer is None:
            self._timer = self.set_interval(TICK, self._tick)
        self._redraw(state)

    def close(self) -> None:
        """The search is put away: the walk stops (it goes on at the next :meth:`open`)."""
        self.stop()
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def stop(self) -> None:
        """Stop the walk where it is."""
        self.workers.cancel_group(self, "crawl")

    def forget(self, asset_id: str) -> None:
        """Stop and drop the walk of ``asset_id`` (a refresh lists everything again)."""
        self.close()
        crawl_cache(self.client).forget(asset_id)
        if self.state is not None and self.state.asset_id == asset_id:
            self.state = None

    def _on_screen(self) -> bool:
        """The search is on show: its tab is active and no full screen covers this one."""
        if not all(node.display for node in self.ancestors_with_self if isinstance(node, Widget)):
            return False
        stack = self.app.screen_stack
        screen = self.screen
        if screen not in stack:
            return False
        above = stack[stack.index(screen) + 1:]
        return all(isinstance(s, ModalScreen) for s in above)

    def on_hide(self, event: events.Hide) -> None:
        """Leaving the tab (or closing the search) stops the walk at once."""
        self.stop()

    # --- the walk -----------------------------------------------------------------------------

    def _crawl_failed(self, error: BaseException, state: FileCrawl) -> None:
        self._stopped = True
        self._dirty = True

    @worker("searching the files", group="crawl", exclusive=True, recover=_crawl_failed)
    async def _crawl(self, state: FileCrawl) -> None:
        try:
            await crawl(self.client, state, on_progress=self._progressed)
        except ApiError as error:
            self._crawl_failed(error, state)
            self.co_app.show_error(error, action="searching the files")
        self._dirty = True
        self._tick()  # the last listings and "searched" on screen now, not a tick later

    def _progressed(self) -> None:
        self._dirty = True

    def _tick(self) -> None:
        """Start or stop the walk as the search comes and goes, match a slice, redraw."""
        state = self.state
        if state is None:
            return
        running = self.crawling
        if running and not self._on_screen():
            self.stop()
        elif not running and not state.done and not self._stopped and self._on_screen():
            self._crawl(state)  # back on show: the walk goes on
        changed = self.matches.advance(state.lower, SLICE)
        if changed or self._dirty:
            self._dirty = False
            self._redraw(state)

    def _typed(self, value: str) -> None:
        if self.state is None or not self.matches.set_needle(value.strip()):
            return
        self.matches.advance(self.state.lower, SLICE)
        self._redraw(self.state)

    def _redraw(self, state: FileCrawl) -> None:
        needle = self.matches.needle
        self.match_list.show(state.items, self.matches.matches, needle)
        count = len(self.matches.matches) if needle else None
        status = search_status(state, count, stopped=self._stopped)
        self.query_one("#file-search-status", Static).update(status, layout=False)

    # --- keys ---------------------------------------------------------------------------------

    @on(Input.Submitted, "#file-search-box")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_to_list()

    def action_to_list(self) -> None:
        """From the box to the matches."""
        if self.match_list.count:
            self.match_list.focus()

    def action_close(self) -> None:
        """Back to the tree."""
        self.post_message(self.Closed())

    @on(MatchList.Chosen)
    def _chosen(self, message: MatchList.Chosen) -> None:
        message.stop()
        if self.state is not None:
            self.post_message(self.Chosen(message.item, self.state.listings))
