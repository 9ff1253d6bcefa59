"""Asset detail (docs/product.md, 'Asset detail'): overview with provenance, files with preview,
sharing and "attached to", in tabs under a one-line title.

The screen owns its workers (docs/architecture.md, 'Workers'): the asset itself, the names
behind its ids (capsule, computation, input and contained assets), the custom-metadata schema,
permissions and attachments. The Files tab's keys and workers live in
:class:`~co_tui.widgets.files_pane.FilesPane`,
which asks this screen (by message) for what needs a dialog: downloading, copying a file's link.
Every failure goes through ``app.show_error``; a 404 on the asset itself closes the screen with a
message (:mod:`co_tui.screens.gone`).

Lineage: each input (or contained) asset is a row of an ``OptionList``; ``enter`` pushes another
detail screen, and ``backspace`` / ``escape`` pops back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import OptionList, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from co_tui.api import (
    ApiError,
    CodeOceanClient,
    NotFoundError,
    PermissionDeniedError,
    find_attached,
)
from co_tui.api.models import CustomMetadata, DataAsset
from co_tui.operations.action_rules import AssetEvent
from co_tui.screens.asset_actions import AssetActionsScreen
from co_tui.screens.detail_access import SHARING_NOTE, access_refused, show_access
from co_tui.screens.detail_names import learn_names
from co_tui.screens.gone import shown_asset
from co_tui.widgets.connection_banner import ConnectionBanner
from co_tui.widgets.files_pane import NARROW_WIDTH, FilesPane
from co_tui.widgets.footer import KeyFooter
from co_tui.widgets.overview import (
    FieldList,
    describe_attached,
    describe_sharing,
    link_prompt,
    overview_rows,
    provenance_rows,
    title_line,
)
from co_tui.workers import superseded, worker

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["TABS", "AssetDetailScreen"]

TABS = ("overview", "files", "sharing", "attached")
MUTED = "$text-muted"


class AssetDetailScreen(AssetActionsScreen):
    """Everything about one data asset; see the module docstring."""

    CSS_PATH = "../styles/detail.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        # The Files tab's own keys (and its escape) are FilesPane's.
        Binding("escape", "back", "Back"),
        Binding("backspace", "back", "Back", show=False),
        Binding("1", "show_tab('overview')", "Overview", show=False),
        Binding("2", "show_tab('files')", "Files", show=False),
        Binding("3", "show_tab('sharing')", "Sharing", show=False),
        Binding("4", "show_tab('attached')", "Attached", show=False),
        Binding("r", "refresh", "Refresh"),
        # in the footer here (dimmed when the user's role does not allow them: rights_screen.py)
        Binding("e", "edit", "Edit"),
        Binding("D", "download_assets", "Download", key_display="D"),
    ]

    client: CodeOceanClient  # always connected (the list opens details once it has a client)

    def __init__(self, client: CodeOceanClient, asset: DataAsset | str) -> None:
        super().__init__()
        self.client = client
        self.asset_id = asset if isinstance(asset, str) else asset.id
        self.asset: DataAsset | None = None if isinstance(asset, str) else asset
        self._names: dict[str, str] = {}
        self._linked: dict[str, DataAsset | str] = {}
        self._schema: CustomMetadata | None = None
        self._schema_failed = False
        self._loaded_tabs: set[str] = set()
        self._link_ids: dict[str, list[str]] = {}

    @property
    def files(self) -> FilesPane:
        """The Files tab."""
        return self.query_one(FilesPane)

    # --- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(title_line(self.asset, self.asset_id), id="detail-title")
        yield ConnectionBanner()
        with TabbedContent(initial="overview", id="detail-tabs"):
            with TabPane("1 Overview", id="overview"), VerticalScroll(id="overview-scroll"):
                yield Static("", id="access-note")  # detail_access.py
                yield FieldList([("", Content.styled("loading…", MUTED))], id="overview-fields")
                yield Static(Content.styled("Provenance", "bold underline"),
                             id="provenance-heading", classes="heading")
                yield FieldList(id="provenance-fields")
                yield Static(Content.styled("Input data assets  (enter opens)", "bold underline"),
                             id="inputs-heading", classes="heading")
                yield OptionList(id="inputs", classes="links")
                yield Static(Content.styled("Contained data assets  (enter opens)",
                                            "bold underline"),
                             id="contained-heading", classes="heading")
                yield OptionList(id="contained", classes="links")
            with TabPane("2 Files", id="files"):
                yield FilesPane(self.client, id="files-pane")
            with TabPane("3 Sharing", id="sharing"), VerticalScroll(id="sharing-scroll"):
                yield Static(describe_sharing(None), id="sharing-text")
            with TabPane("4 Attached", id="attached"), VerticalScroll(id="attached-scroll"):
                yield Static(describe_attached(None), id="attached-text")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#access-note").display = False
        if self.asset is not None:
            self._show_asset(self.asset)
            self.read_role_now(self.asset)
        self.query_one("#overview-scroll").focus()
        self._load()

    def on_resize(self) -> None:
        self.files.set_narrow(self.size.width < NARROW_WIDTH)

    # --- loading ------------------------------------------------------------------------------

    def _load(self) -> None:
        """Read the asset again; what was asked about the old copy is stale (the tabs are read
        again once it is here)."""
        for group in ("names", "sharing", "attached"):
            self.workers.cancel_group(self, group)
        self._load_asset()

    def _asset_failed(self) -> None:
        """The asset could not be read: unless an older copy is on show, say so and offer r."""
        if not superseded() and self.asset is None:
            self.query_one("#overview-fields", FieldList).set_rows([("", Content.styled(
                "Could not load this data asset: press r to retry.", "$text-error"))])

    def _asset_raised(self, error: BaseException) -> None:
        self._asset_failed()

    @worker("loading the data asset", group="asset", exclusive=True, recover=_asset_raised)
    async def _load_asset(self) -> None:
        try:
            asset = await self.client.data_assets.get_data_asset(self.asset_id)
        except NotFoundError:
            return  # the asset is gone: co_tui.screens.gone closes this screen and says so
        except PermissionDeniedError:
            if not superseded():
                access_refused(self)  # only discoverable: what search showed stays
            return
        except ApiError as error:
            if not superseded():
                self.co_app.show_error(error, action="loading the data asset")
                self._asset_failed()
            return
        if superseded():
            return
        self.co_app.rights.read_in_full(asset.id)
        self._show_asset(asset)
        self.read_role_now(asset)
        self._load_names(asset)
        if self._schema is None:
            self._load_schema()
        for tab in list(self._loaded_tabs):
            self._load_tab(tab)

    def _leave(self) -> None:
        if len(self.app.screen_stack) > 1 and self.app.screen is self:
            self.app.pop_screen()

    def _gone(self) -> bool:
        """True once the screen is being removed: a worker that resumes now finds its widgets
        gone (the fault matrix met a name lookup that finished while the screen closed)."""
        return self._pruning or self._closing or self._closed

    def _show_asset(self, asset: DataAsset) -> None:
        if self._gone():
            return
        self.asset = asset
        self.query_one("#detail-title", Static).update(title_line(asset, asset.id))
        self._show_overview()
        self._show_provenance()
        self._show_links()
        self.files.set_asset(asset)

    def _show_overview(self) -> None:
        if self.asset is not None and not self._gone():
            self.query_one("#overview-fields", FieldList).set_rows(overview_rows(
                self.asset, schema=self._schema, schema_failed=self._schema_failed))

    def _show_provenance(self) -> None:
        if self._gone():
            return
        asset = self.asset
        rows = provenance_rows(asset, self._names) if asset is not None else None
        self.set_class(rows is not None, "-has-provenance")
        column = self.query_one("#overview-fields", FieldList).label_width  # one value column
        self.query_one("#provenance-fields", FieldList).set_rows(rows or [], least=column)

    def _show_links(self) -> None:
        asset = self.asset
        if asset is None or self._gone():
            return
        inputs = list((asset.provenance.data_assets or []) if asset.provenance else [])
        contained = list(asset.contained_data_assets or [])
        self.set_class(bool(inputs), "-has-inputs")
        self.set_class(bool(contained), "-has-contained")
        self._fill(self.query_one("#inputs", OptionList), [(i, None) for i in inputs])
        self._fill(self.query_one("#contained", OptionList),
                   [(c.id or "", c.mount) for c in contained if c.id])

    def _fill(self, links: OptionList, rows: list[tuple[str, str | None]]) -> None:
        highlighted = links.highlighted
        links.clear_options()
        options = []
        for asset_id, mount in rows:
            found = self._linked.get(asset_id)
            unavailable = isinstance(found, str)
            options.append(Option(link_prompt(asset_id, found, mount=mount), id=None,
                                  disabled=unavailable))
        links.add_options(options)
        self._link_ids[links.id or ""] = [asset_id for asset_id, _ in rows]
        if options:
            links.highlighted = min(highlighted or 0, len(options) - 1)

    @worker("loading the names of linked items", group="names")
    async def _load_names(self, asset: DataAsset) -> None:
        """Names behind the ids: capsule / computation and every linked asset."""
        await learn_names(self.co_app, self.client, asset, self._names, self._linked)
        if not superseded():
            self._show_provenance()
            self._show_links()

    @worker("loading the custom metadata fields", group="schema")
    async def _load_schema(self) -> None:
        """Custom-metadata names, units and types; without it the overview shows raw keys, and
        placeholders for numbers (which may be dates)."""
        if self._schema_failed:
            self._schema_failed = False
            self._show_overview()
        try:
            self._schema = await self.client.custom_metadata.get_custom_metadata()
        except ApiError:
            self._schema_failed = True
        self._show_overview()

    def _load_tab(self, tab: str) -> None:
        self._loaded_tabs.add(tab)
        if tab == "sharing":
            self._load_sharing()
        elif tab == "attached":
            self._load_attached()
        elif tab == "files":
            self.files.start()

    def _sharing_raised(self, error: BaseException) -> None:
        self.query_one("#sharing-text", Static).update(
            describe_sharing(None, note="Could not load sharing: press r to retry."))

    @worker("loading sharing", group="sharing", exclusive=True, recover=_sharing_raised)
    async def _load_sharing(self) -> None:
        text = self.query_one("#sharing-text", Static)
        try:
            permissions = await self.client.data_assets.get_permissions(self.asset_id)
        except PermissionDeniedError:
            self.co_app.rights.discoverable_only(self.asset_id)
            only_discoverable = self.asset is not None and (
                self.co_app.rights.is_discoverable_only(self.asset))
            text.update(describe_sharing(None, note=SHARING_NOTE if only_discoverable
                                         else "Only owners can see sharing."))
            self.refresh_bindings()
            return
        except ApiError as error:
            text.update(describe_sharing(None, note="Could not load sharing: press r to retry."))
            self.co_app.show_error(error, action="loading sharing")
            return
        if not superseded():
            text.update(describe_sharing(permissions))
            if self.asset is not None:
                self.co_app.rights.learn(self.asset, permissions)
                self.refresh_bindings()

    def _attached_raised(self, error: BaseException) -> None:
        self.query_one("#attached-text", Static).update(describe_attached(
            None, note="Could not search capsules and pipelines: press r to retry."))

    @worker("finding where the asset is attached", group="attached", exclusive=True,
            recover=_attached_raised)
    async def _load_attached(self) -> None:
        text = self.query_one("#attached-text", Static)
        try:
            attached = await find_attached(self.client, self.asset_id)
        except ApiError as error:
            text.update(describe_attached(None, note="Could not search capsules and pipelines: "
                                                     "press r to retry."))
            self.co_app.show_error(error, action="finding where the asset is attached")
            return
        if not superseded():
            text.update(describe_attached(attached, current_capsule=self.capsule_id))

    # --- events -------------------------------------------------------------------------------

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        tab = event.pane.id or ""
        if tab not in self._loaded_tabs and (tab != "files" or self.asset is not None):
            self._load_tab(tab)
        self.refresh_bindings()

    @on(OptionList.OptionSelected, ".links")
    def _link_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        ids = self._link_ids.get(event.option_list.id or "", [])
        if 0 <= event.option_index < len(ids):
            target = self._linked.get(ids[event.option_index])
            asset: DataAsset | str = target if isinstance(target, DataAsset) else ids[
                event.option_index]
            self.app.push_screen(AssetDetailScreen(self.client, asset))

    # --- actions ------------------------------------------------------------------------------

    @property
    def active_tab(self) -> str:
        """The id of the tab on show."""
        return self.query_one(TabbedContent).active

    @on(FilesPane.DownloadAsked)
    def _download_asked(self, message: FilesPane.DownloadAsked) -> None:
        message.stop()
        self.ask_download(message.target)

    @on(FilesPane.LinkFetched)
    def _link_fetched(self, message: FilesPane.LinkFetched) -> None:
        from co_tui.modals.copy import copy_text

        message.stop()
        link = message.link
        copy_text(self.app, "file link", link.url, key="l", note=link.note(),
                  mode=self.co_app.settings.clipboard)

    # --- acting on the asset (AssetActionsScreen) ----------------------------------------------

    def footer_crowded(self) -> bool:
        """The Files tab's own keys fill the footer: e and D leave it there."""
        tabs = self.query(TabbedContent)
        return bool(tabs) and tabs.first().active == "files"

    def role_learnt(self, asset: DataAsset) -> None:
        """The role is known: repaint the keys, and say so when the asset is only
        discoverable (detail_access.py)."""
        super().role_learnt(asset)
        show_access(self)

    def shown_assets(self) -> dict[str, str]:
        """The asset this screen is about (it closes when the server says it is gone)."""
        return shown_asset(self.asset, self.asset_id)

    def targets(self) -> list[DataAsset]:
        """This asset, once loaded."""
        return [self.asset] if self.asset is not None else []

    def show_assets(self, event: AssetEvent, assets: Sequence[DataAsset]) -> None:
        """Show an edit, leave when the asset was archived or deleted, reload sharing and
        attachments when they changed."""
        mine = [asset for asset in assets if asset.id == self.asset_id]
        if not mine:
            return
        if event in ("archived", "deleted"):
            self._leave()  # it is no longer in My Data; the list under this screen dropped it
            return
        if event == "changed":
            self._show_asset(mine[0])
        elif event == "shared":
            self._load_sharing()
        elif event == "attached":
            self._load_attached()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_web_page" and self.query_one(TabbedContent).active == "files":
            return False  # in the Files tab o opens the highlighted file in the pager
        return super().check_action(action, parameters)

    def action_back(self) -> None:
        """Back to the previous screen (in the Files tab, escape first leaves the filter box or
        the narrow preview: see FilesPane)."""
        self._leave()

    def action_show_tab(self, tab: str) -> None:
        """Show one of the tabs (1 Overview, 2 Files, 3 Sharing, 4 Attached)."""
        if tab not in TABS:
            return
        self.query_one(TabbedContent).active = tab
        if tab == "files":
            self.files.file_tree.focus()
        else:
            self.query_one(f"#{tab}-scroll").focus()
        if tab not in self._loaded_tabs and (tab != "files" or self.asset is not None):
            self._load_tab(tab)
        self.refresh_bindings()

    def action_refresh(self) -> None:
        """Read the asset again (and the tabs already opened)."""
        self._names.clear()
        self._linked.clear()
        self._load()
        if "files" in self._loaded_tabs:
            self.files.reload()
