"""My Data: the searchable, sortable, paged list of data assets (docs/product.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.reactive import var
from textual.timer import Timer
from textual.widgets import Input, Static

from co_tui.api import ApiError
from co_tui.api.models import DataAssetSearchParams
from co_tui.api.paging import Pager, PagingStopped
from co_tui.modals.filters import FiltersScreen
from co_tui.operations.action_rules import AssetEvent
from co_tui.operations.search_filters import AssetFilters
from co_tui.safe_text import display
from co_tui.screens.cached_rows import live_first_page, show_cached
from co_tui.screens.list_choices import ListChoicesScreen
from co_tui.screens.list_status import ListStatus, StatusLine, status_line
from co_tui.session.config import Settings
from co_tui.widgets.asset_table import AssetTable
from co_tui.widgets.connection_banner import ConnectionBanner
from co_tui.widgets.footer import KeyFooter
from co_tui.widgets.quick_look import QuickLook
from co_tui.workers import superseded, worker

if TYPE_CHECKING:
    from collections.abc import Sequence

    from co_tui.api import CodeOceanClient
    from co_tui.api.models import DataAsset, DataAssetSearchResults
    from co_tui.launch_handoff import FirstPageCache, Prefetched

__all__ = ["AssetListScreen"]

PAGE_SIZE = Settings().page_size
"""Rows per request unless ``settings.page_size`` says otherwise: small enough for a fast first
paint, large enough for few round trips."""
SEARCH_DEBOUNCE = 0.25
"""Seconds of quiet in the search bar before it searches, with ``search_as_you_type`` on."""


STATUS_INPUTS = ("_loading", "_failed", "_next", "_paging_stopped", "_unreadable", "_search_lag",
                 "_cached_at")
"""The screen's state the status line shows: setting any of them redraws it (a watcher)."""


class AssetListScreen(ListChoicesScreen):
    """The asset table with a search bar, quick look and paging (:class:`~co_tui.api.paging.Pager`).

    Also the base of the archive bin (:class:`co_tui.screens.archive.ArchiveScreen`), which sets
    ``archived`` and its own ``LIST_NAME`` and keys.
    """

    LIST_NAME: ClassVar[str] = "My Data"
    """The screen's name in its title bar and in the help."""

    # What the status line says (see STATUS_INPUTS). ``_loading`` redraws it on every
    # assignment: a reload always says so, whatever was loading before.
    _loading: var[bool] = var(False, always_update=True)
    _failed: var[str | None] = var(None)
    """What failed ("loading assets"), until the next load; the status offers r."""
    _next: var[DataAssetSearchParams | None] = var(None)
    """The request for the next page; ``None`` when every page is loaded."""
    _paging_stopped: var[str | None] = var(None)
    """Why paging stopped before the server's last page (it would not make progress)."""
    _unreadable: var[int] = var(0)
    """Records of the loaded pages that could not be read (the server sent them; we skip)."""
    _search_lag: var[dict[str, str]] = var(dict)
    """Rows search has not caught up with (id -> archived, created ...), for the status."""
    _cached_at: var[float | None] = var(None)
    """When the rows shown were saved, while they are the last session's copy."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "Search"),
        Binding("f", "filters", "Filters"),
        Binding("s", "sort_menu", "Sort"),
        Binding("S", "flip_sort", "Order", key_display="S", show=False),
        Binding("C", "choose_columns", "Columns", key_display="C", show=False),
        Binding("r", "refresh", "Refresh"),
        Binding("A", "open_archive", "Archive bin", key_display="A"),
        Binding("escape", "leave_search", "Back to list", show=False),
    ]

    def __init__(
        self,
        client: CodeOceanClient | None,
        *,
        demo: bool = False,
        domain: str = "",
        first_page: Prefetched | None = None,
        page_cache: FirstPageCache | None = None,
        page_size: int = PAGE_SIZE,
    ) -> None:
        """``client`` may come later (:meth:`connect`): the app paints this screen before it
        pays for importing httpx; ``domain`` names the deployment in the title meanwhile.
        ``first_page`` is a request already on its way (sent while Textual was imported); it is
        used when its parameters are the ones this screen would send; ``page_cache`` holds the
        last session's copy of it, shown until it arrives. ``page_size`` is the ``page_size``
        setting."""
        super().__init__()
        self.page_size = page_size
        self.client = client
        self._prefetched = first_page
        self._page_cache = page_cache
        self.domain = client.domain if client is not None else domain
        self.demo = demo
        self.query_text = ""
        self.sort_field = "created"
        self.sort_direction = "desc"
        self.archived = False
        self.filters = AssetFilters()
        self._pager: Pager | None = None
        self._debounce: Timer | None = None
        self._targets_key: tuple[frozenset[str], int, int] | None = None
        self._targets: list[DataAsset] = []
        self._refreshed: list[DataAsset] | None = None
        """The first page's rows before a refresh (``r``), until the refresh's load lands (any
        other reload forgets them)."""

    def _title(self) -> Content:
        """The title bar: co-tui, the list, the capsule inside one (its name cut so that the
        deployment and the DEMO badge stay on screen), the deployment."""
        head = Content.assemble(("co-tui", "bold"), f"  {self.LIST_NAME}  ")
        tail = display(self.domain)
        if self.demo:
            tail = Content.assemble(tail, "  ", (" DEMO ", "bold reverse $warning"))
        room = (self.size.width or 10_000) - head.cell_length - tail.cell_length - 3
        if (capsule := self.capsule_title(room)) is not None:  # inside a capsule
            head = Content.assemble(head, capsule, "  ")
        return Content.assemble(head, tail)

    @on(events.Resize)
    def _fit_title(self) -> None:
        self.query_one("#title-bar", Static).update(self._title())

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="title-bar")
        yield ConnectionBanner()
        yield Input(
            placeholder=(
                "Search  (name: tag: run_script: commit_id: contained_data_id: or free text)"
            ),
            id="search",
        )
        with Horizontal(id="list-body"):
            yield AssetTable(id="assets", columns=self.shown_columns())
            yield QuickLook(id="quick-look")
        yield StatusLine(id="status")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(AssetTable)
        table.set_sort(self.sort_field, self.sort_direction)
        table.focus()
        for name in STATUS_INPUTS:
            self.watch(self, name, self._update_status, init=False)
        self._loading = True  # "connecting…" until there is a client
        if self.client is not None:
            self.connect(self.client)

    def connect(self, client: CodeOceanClient) -> None:
        """Start loading with ``client`` (given at construction, or once the app built it)."""
        self.client = client
        if client.domain != self.domain:  # a login to another deployment: none of its rows
            self.domain = client.domain
            self.query_one("#title-bar", Static).update(self._title())
            self.query_one(AssetTable).set_assets([])
        self.reload()
        self.call_after_refresh(self.load_favorites)  # stars can wait for the first frame
        self.start_capsule_lookup()

    def on_resize(self) -> None:
        self.set_class(self.size.width < 110, "-narrow")

    # --- loading ------------------------------------------------------------------------------

    def _params(self) -> DataAssetSearchParams:
        return self.filters.apply_to(DataAssetSearchParams(
            query=self.query_text or None,
            limit=self.page_size,
            sort_field=self.sort_field,
            sort_order=self.sort_direction,
            archived=self.archived,
        ))

    def _page_arrived(self, params: DataAssetSearchParams, page: DataAssetSearchResults) -> None:
        """Count what ``page`` skipped and work out the request for the next one."""
        assert self._pager is not None
        self._unreadable += page.unreadable
        try:
            self._next = self._pager.advance(params, page)
        except PagingStopped as stopped:
            self._next = None
            self._paging_stopped = stopped.reason

    def reload(self) -> None:
        """Fetch the first page again for the current query, sort and filters."""
        if self.client is None:
            return  # not connected yet: connect() loads with whatever was typed meanwhile
        self.workers.cancel_group(self, "page")  # the old list's next pages: stale now
        self._refreshed = None
        self._loading = True
        self._failed = None
        self._load_first_page()

    def _page_failed(self, failed: str) -> None:
        """A page could not be read at all: the status says so and offers r (not "loading…")."""
        if not superseded():
            self._failed = failed
            self._loading = False

    def _first_page_raised(self, error: BaseException) -> None:
        self._page_failed("loading assets")

    def _next_page_raised(self, error: BaseException, params: DataAssetSearchParams) -> None:
        self._page_failed("loading more assets")

    @worker("loading assets", group="search", exclusive=True, recover=_first_page_raised)
    async def _load_first_page(self) -> None:
        assert self.client is not None
        params, prefetched, self._prefetched = self._params(), self._prefetched, None
        try:
            if prefetched is not None and prefetched.params == params:
                if not prefetched.page.done():
                    show_cached(self)
                page = await prefetched.page
            else:
                if prefetched is not None:
                    prefetched.page.cancel()
                page = await self.client.data_assets.search_data_assets(params)
        except ApiError as error:
            if not superseded():
                self._page_failed("loading assets")
                self.co_app.show_error(error, action="loading assets")
            return
        if superseded():
            return
        table = self.query_one(AssetTable)
        table.set_assets(self._with_journal(page.results, first=True))
        live_first_page(self, params, page)
        if self._refreshed is not None:
            from co_tui.screens.list_refresh import explain_vanished, vanished

            before, self._refreshed = self._refreshed, None
            explain_vanished(self, vanished(before, table.assets, self.co_app.journal))
        self._pager, self._unreadable, self._paging_stopped = Pager(params), 0, None
        self._page_arrived(params, page)
        self._loading = False
        if self._next is not None:  # the rest in the background (list_paging.py)
            self._load_next_page(self._next)

    @property
    def showing_cached(self) -> bool:
        return self._cached_at is not None

    @worker("loading more assets", group="page", exclusive=True, recover=_next_page_raised)
    async def _load_next_page(self, params: DataAssetSearchParams) -> None:
        from co_tui.screens.list_paging import page_in

        await page_in(self, params)

    def add_page(self, results: Sequence[DataAsset]) -> None:
        """Add a later page's rows (with this session's writes laid over) to the table."""
        self.query_one(AssetTable).append_assets(self._with_journal(results, first=False))
        self._update_status()

    def _with_journal(self, results: Sequence[DataAsset], *, first: bool) -> list[DataAsset]:
        """A search page with this session's recent writes laid over it: search lags writes,
        so it may still list an asset archived or deleted here, or miss one created here."""
        table = self.query_one(AssetTable)
        applied = self.co_app.journal.apply(
            results, archived=self.archived, first_page=first,
            narrowed=bool(self.query_text or self.filters.active),
            shown=() if first or not self.co_app.journal else {a.id for a in table.assets})
        self._search_lag = {**({} if first else self._search_lag), **applied.adjusted}
        return self.attached_rows(applied.results, self.filters.attached)

    @worker("loading the favourites", group="favorites", exclusive=True)
    async def load_favorites(self) -> None:
        """Learn which assets are favourites (the API has a filter, but no field for it)."""
        if self.client is None:
            return
        params = DataAssetSearchParams(favorite=True, archived=self.archived)
        try:
            ids = frozenset([a.id async for a in
                             self.client.data_assets.search_data_assets_iterator(params)])
        except ApiError:
            return  # stars are a nicety; the list itself reports errors
        self.query_one(AssetTable).set_favorites(ids)

    def _update_status(self) -> None:
        """Redraw the status line (the watcher of :data:`STATUS_INPUTS`; the table's own
        changes, rows and selection, call it when they happen)."""
        table = self.query_one(AssetTable)
        self.query_one("#status", StatusLine).show(status_line(ListStatus(
            count=len(table.assets), selected=len(table.selected),
            connected=self.client is not None, loading=self._loading, failed=self._failed,
            more=bool(self._next), paging_stopped=self._paging_stopped,
            unreadable=self._unreadable, search_lag=self._search_lag, query=self.query_text,
            cached_at=self._cached_at,
            filters=self.filters, sort_field=self.sort_field,
            sort_direction=self.sort_direction)))

    # --- table events -----------------------------------------------------------------------

    @on(AssetTable.AssetHighlighted)
    def _highlighted(self, message: AssetTable.AssetHighlighted) -> None:
        # no refresh_bindings() here: it recomposes the footer (a frame's worth of work per
        # key), and the per-asset actions are not in the footer; keys, help and the palette
        # ask check_action when they are used
        self.query_one(QuickLook).show(message.asset, follow=message.moved)
        self.follow_role(message.asset)  # read once the cursor rests (rights_screen.py)

    @on(AssetTable.EndNeared)
    def _end_neared(self, message: AssetTable.EndNeared) -> None:
        paging = any(w.node is self and w.group == "page" and w.is_running
                     for w in self.workers)
        if self._next is not None and not self._failed and not paging:
            self._load_next_page(self._next)

    @on(AssetTable.SelectionChanged)
    def _selection_changed(self) -> None:
        self._update_status()

    # --- acting on assets (AssetActionsScreen) -------------------------------------------------

    def targets(self) -> list[DataAsset]:
        """The selected assets, else the highlighted one."""
        table = self.query_one(AssetTable)
        selected = table.selected
        if not selected:
            return [table.highlighted] if table.highlighted is not None else []
        # check_action asks for every key at each refresh: with 100,000 rows, do not rescan
        # them all unless the selection or the rows changed
        key = (selected, len(table.assets), id(table.assets))
        if self._targets_key != key:
            self._targets_key = key
            self._targets = [asset for asset in table.assets if asset.id in selected]
        return list(self._targets)

    def loaded(self, asset_id: str) -> DataAsset | None:
        """The loaded row of ``asset_id``, if any."""
        return next((a for a in self.query_one(AssetTable).assets if a.id == asset_id), None)

    def known_tags(self) -> list[str]:
        """Every tag among the loaded assets (for autocompletion)."""
        return sorted({tag for asset in self.query_one(AssetTable).assets
                       for tag in asset.tags or ()}, key=str.casefold)

    def show_assets(self, event: AssetEvent, assets: Sequence[DataAsset]) -> None:
        """Keep the rows true to the server after an action here or on another screen."""
        table = self.query_one(AssetTable)
        self._targets_key = None  # rows may be replaced in place
        ids = [asset.id for asset in assets]
        leaving = "archived" if not self.archived else "restored"
        arriving = "restored" if not self.archived else "archived"
        if event in ("changed", "shared", "attached"):
            table.replace_assets(assets)
        elif event == "created" and not self.archived:
            known = {a.id for a in table.assets}
            table.replace_assets([a for a in assets if a.id in known])
            table.prepend_assets([a for a in assets if a.id not in known])
        elif event in (leaving, "deleted"):
            table.remove_assets(ids)
            # a row that left says nothing more about search catching up with it
            self._search_lag = {k: v for k, v in self._search_lag.items() if k not in ids}
        elif event == arriving:
            self.reload()  # they belong somewhere in the sorted list: ask the server
        if table.highlighted is not None:
            self.query_one(QuickLook).show(table.highlighted)
        self._update_status()
        self.refresh_bindings()

    def show_capsule(self, change: str) -> None:
        """The capsule's name or attached set changed: title, attached column, and the rows
        again when the "attached" filter is on (it filters rows as they arrive)."""
        table = self.query_one(AssetTable)
        if change == "read":  # a reading of /data arrived after rows did: match them now
            self.learn_attached(table.assets)
        self.query_one("#title-bar", Static).update(self._title())
        self._follow_context()
        if self.filters.attached is not None and change != "learned":
            self.reload()
        super().show_capsule(change)

    @on(AssetTable.AssetChosen)
    def _asset_chosen(self, message: AssetTable.AssetChosen) -> None:
        from co_tui.screens.asset_detail import AssetDetailScreen  # loaded on first use

        if self.client is not None:
            self.app.push_screen(AssetDetailScreen(self.client, message.asset))

    # --- search -------------------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _query_changed(self, event: Input.Changed) -> None:
        if not self.search_as_you_type:
            return  # enter searches (the search_as_you_type setting is off)
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(SEARCH_DEBOUNCE, lambda: self._apply_query(event.value))

    @on(Input.Submitted, "#search")
    def _query_submitted(self, event: Input.Submitted) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._apply_query(event.value)
        self.query_one(AssetTable).focus()

    def _apply_query(self, text: str) -> None:
        text = text.strip()
        if text != self.query_text:
            self.query_text = text
            self.reload()

    # --- actions ------------------------------------------------------------------------------

    def action_focus_search(self) -> None:
        """Jump to the search bar."""
        self.query_one("#search", Input).focus()

    def action_leave_search(self) -> None:
        """Back from the search bar to the table."""
        self.query_one(AssetTable).focus()

    def _resort(self) -> None:
        self.query_one(AssetTable).set_sort(self.sort_field, self.sort_direction)
        self.reload()

    def action_filters(self) -> None:
        """Choose type, ownership, origin and favourites; applying reloads the list."""

        def chosen(filters: AssetFilters | None) -> None:
            if filters is not None and filters != self.filters:
                self.filters = filters
                self.reload()

        self.app.push_screen(FiltersScreen(self.filters, title=f"Filters — {self.LIST_NAME}",
                                           capsule=self.capsule_id is not None
                                           and not self.IN_ARCHIVE), chosen)

    def action_open_archive(self) -> None:
        """Open the archive bin (archived data assets)."""
        if self.client is not None:
            self.co_app.open_archive(self.client, page_size=self.page_size)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_archive":
            return not self.archived  # no archive bin inside the archive bin
        return super().check_action(action, parameters)

    def action_refresh(self) -> None:
        """Load the list again (also the way to retry after an error); say where the rows
        went that another client archived, restored or deleted meanwhile."""
        before = list(self.query_one(AssetTable).assets[: self.page_size])
        self.reload()
        self._refreshed = before or None
        self.call_after_refresh(self.load_favorites)  # stars can wait for the first frame

