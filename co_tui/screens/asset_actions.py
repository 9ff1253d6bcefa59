"""``AssetActionsScreen``: what My Data, the archive bin and the detail view can do to assets.

One base screen owns the keys, the dialogs and the workers of every action on assets (edit,
tags, share, archive, restore, delete, create, copy, attach / detach); the screens that show
assets say which assets an action targets (:meth:`targets`) and how to show what happened
(:meth:`show_assets`). What an action did is published on the app's ``assets_changed`` signal
(:class:`~co_tui.operations.action_rules.AssetsChanged`), which every open asset screen
follows, so My Data under a detail view learns of an edit or an archive made there.

Actions the user may not do on the targeted assets are shown disabled, with the reason in the
help and the palette, rather than offered and then failed (:mod:`co_tui.operations.rights`,
:mod:`co_tui.operations.action_rules`); the role is read ahead of the keys and a disabled key
says why (:class:`~co_tui.screens.rights_screen.RightsAwareScreen`). A 403 greys the action out
for that asset from then on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.binding import Binding, BindingType

from co_tui.api import ApiError, PermissionDeniedError
from co_tui.app import co_app
from co_tui.operations.action_rules import (
    ARCHIVE_ONLY,
    CAPSULE_ONLY,
    NOT_IN_ARCHIVE,
    AssetEvent,
    AssetsChanged,
    needs_target,
    target_problem,
)
from co_tui.safe_text import display, join
from co_tui.screens.capsule_attach import CapsuleAttachActions
from co_tui.screens.rights_screen import RightsAwareScreen
from co_tui.workers import worker

if TYPE_CHECKING:
    from co_tui.api import CodeOceanClient
    from co_tui.api.models import DataAsset, Permissions
    from co_tui.operations.bulk import BulkReport
    from co_tui.transfer import DownloadRequest, DownloadTarget

__all__ = ["AssetActionsScreen"]

_VERB = {"archive": "Archive", "restore": "Restore"}


class AssetActionsScreen(CapsuleAttachActions, RightsAwareScreen):
    """Base of the screens that act on assets; subclasses provide :meth:`targets`.

    The capsule, its attached set and attach / detach are :class:`CapsuleAttachActions`."""

    IN_ARCHIVE: ClassVar[bool] = False
    """True in the archive bin: restore and delete instead of archive and edits."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Not in the footer (the screens' own keys fill 80 columns): in ? help and the palette.
        Binding("e", "edit", "Edit", show=False),
        Binding("t", "tags", "Tags", show=False),
        Binding("p", "share", "Share", show=False),
        Binding("a", "archive", "Archive", show=False),
        Binding("u", "restore", "Restore", show=False),
        Binding("c", "create", "Create", show=False),
        Binding("y", "copy_id", "Copy ID", show=False),
        Binding("Y", "copy_url", "Copy web URL", key_display="Y", show=False),
        Binding("o", "open_web_page", "Open web page", show=False),
        Binding("D", "download_assets", "Download asset", key_display="D", show=False),
        Binding("plus", "attach", "Attach to capsule", key_display="+", show=False),
        Binding("minus", "detach", "Detach from capsule", key_display="-", show=False),
    ]

    client: CodeOceanClient | None
    co_app = co_app

    # attached_ids (the capsule's attached set) is declared on CapsuleAttachActions

    # --- what subclasses provide --------------------------------------------------------------

    def targets(self) -> list[DataAsset]:
        """The assets an action works on: the selection, else the highlighted asset."""
        raise NotImplementedError

    def show_assets(self, event: AssetEvent, assets: Sequence[DataAsset]) -> None:
        """Something happened to ``assets`` (here or on another screen): show it (``event``:
        see :class:`~co_tui.operations.action_rules.AssetsChanged`)."""

    @on(events.Mount)
    def _follow_asset_changes(self) -> None:
        # immediate: every open asset screen has shown the change when _announce returns
        self.co_app.assets_changed.subscribe(
            self, lambda change: self.show_assets(change.event, change.assets), immediate=True)

    @on(events.Unmount)
    def _stop_following_asset_changes(self) -> None:
        # the signal holds its subscribers until its next publish: a closed screen lets go now
        self.co_app.assets_changed.unsubscribe(self)

    def _announce(self, event: AssetEvent, assets: Sequence[DataAsset]) -> None:
        """Publish what an action did on the app's ``assets_changed`` signal (this screen, the
        list under a detail view ... follow it).

        The session's journal notes it too, so lists loaded before search shows the change
        still show it (see :mod:`co_tui.operations.journal`).
        """
        self.co_app.journal.record(event, assets)
        if event == "created":
            for asset in assets:
                self.co_app.rights.created(asset)
        self.co_app.assets_changed.publish(AssetsChanged(event, assets))

    # --- shared state -------------------------------------------------------------------------

    @property
    def showing_cached(self) -> bool:
        """Whether the rows are the last session's copy (My Data at launch): no action on them."""
        return False

    def disabled_reason(self, action: str) -> str | None:
        """Why ``action`` cannot run now (shown in the help and the palette), or None."""
        if self.showing_cached and needs_target(action):
            from co_tui.screens.cached_rows import CACHED_REASON

            return CACHED_REASON
        assets = self.targets() if self.client is not None else []
        return target_problem(action, assets, self.co_app.rights)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ARCHIVE_ONLY and not self.IN_ARCHIVE:
            return False
        if action in NOT_IN_ARCHIVE and self.IN_ARCHIVE:
            return False
        if action in CAPSULE_ONLY and self.capsule_id is None:
            return False
        if needs_target(action):
            return None if self.disabled_reason(action) else True
        return True

    # --- edit, tags, share --------------------------------------------------------------------

    def action_edit(self) -> None:
        """Edit the name, description, mount, tags and custom metadata."""
        from co_tui.modals.edit_metadata import EditMetadataScreen
        from co_tui.operations.metadata import field_labels

        if self.client is None or not (assets := self.targets()):
            return

        dialog = EditMetadataScreen(self.client, assets[0], None, known_tags=self.known_tags())

        def done(asset: DataAsset | None) -> None:
            if dialog.refused:  # a 403 on saving: greyed out from now on
                self.co_app.rights.refuse(assets[0].id, "edit")
                self.refresh_bindings()
            if asset is not None:
                self._announce("changed", [asset])
                name = display(asset.name, max_cells=60)
                if dialog.saved_fields:
                    fields = display(field_labels(dialog.saved_fields), max_cells=120)
                    self.co_app.say(join("Saved ", fields, " of ", name), timeout=4)
                else:
                    self.co_app.say(join("Nothing to save: ", name, " is unchanged"), timeout=4)

        self.app.push_screen(dialog, done)

    def action_tags(self) -> None:
        """Add or remove tags on the highlighted or selected assets."""
        from co_tui.modals.tags import TagsScreen

        if self.client is None or not (assets := self.targets()):
            return

        def done(updated: list[DataAsset] | None) -> None:
            if updated:
                self._announce("changed", updated)

        self.app.push_screen(TagsScreen(self.client, assets, self.known_tags()), done)

    def known_tags(self) -> list[str]:
        """Tags seen in the loaded assets, for autocompletion (subclasses may know more)."""
        return sorted({tag for asset in self.targets() for tag in asset.tags or ()})

    def action_share(self) -> None:
        """Share the asset with users, groups or everyone."""
        if self.client is not None and (assets := self.targets()):
            self._open_share(self.client, assets[0])

    @worker("reading who the asset is shared with", group="share", exclusive=True)
    async def _open_share(self, client: CodeOceanClient, asset: DataAsset) -> None:
        from co_tui.modals.share import ShareScreen

        try:
            permissions = await client.data_assets.get_permissions(asset.id)
        except PermissionDeniedError as error:
            self.co_app.rights.discoverable_only(asset.id)
            self.refresh_bindings()
            self.co_app.show_error(error, action="reading who the asset is shared with")
            return
        except ApiError as error:
            self.co_app.show_error(error, action="reading who the asset is shared with")
            return
        self.co_app.rights.learn(asset, permissions)
        if reason := self.co_app.rights.reason(asset, "share"):
            self.co_app.say(display(reason), severity="warning", timeout=6)
            self.refresh_bindings()
            return

        def done(saved: Permissions | None) -> None:
            if saved is not None:
                self._announce("shared", [asset])

        # a callback, not push_screen_wait: no worker stays alive while the dialog is open
        self.app.push_screen(ShareScreen(client, asset, permissions), done)

    # --- archive, restore, delete -------------------------------------------------------------

    def action_archive(self) -> None:
        """Archive the highlighted or selected assets (after a confirmation)."""
        self._confirm_then("archive")

    def action_restore(self) -> None:
        """Restore the highlighted or selected archived assets."""
        self._confirm_then("restore")

    def action_delete(self) -> None:
        """Delete archived assets permanently (type the name to confirm)."""
        from co_tui.modals.confirm import TypedNameConfirmScreen

        if self.client is None or not (assets := self.targets()):
            return
        screen = TypedNameConfirmScreen([asset.name for asset in assets],
                                        about={asset.id: asset.name for asset in assets})

        def confirmed(ok: bool | None) -> None:
            if ok:
                self._run_bulk("delete", assets)

        self.app.push_screen(screen, confirmed)

    def _confirm_then(self, action: str) -> None:
        from co_tui.modals.confirm import ConfirmScreen, names_list_content

        if self.client is None or not (assets := self.targets()):
            return
        count = len(assets)
        what = "this asset" if count == 1 else f"these {count} assets"
        if action == "archive":
            body = join(names_list_content([a.name for a in assets]), "\n\n",
                        "Archived assets leave My Data and wait in the archive bin (A), where "
                        "they can be restored or deleted.")
        else:
            body = join(names_list_content([a.name for a in assets]), "\n\n",
                        "Restored assets go back to My Data.")
        screen = ConfirmScreen(f"{_VERB[action]} {what}?", body, _VERB[action],
                               about={asset.id: asset.name for asset in assets})

        def confirmed(ok: bool | None) -> None:
            if ok:
                self._run_bulk(action, assets)

        self.app.push_screen(screen, confirmed)

    @worker("changing the assets", group="bulk")
    async def _run_bulk(self, action: str, assets: list[DataAsset]) -> None:
        from co_tui.operations import bulk

        assert self.client is not None
        operation = {"archive": bulk.archive, "restore": bulk.restore, "delete": bulk.delete}
        verb = _VERB.get(action, "Delete")[:-1]
        self.co_app.say(display(f"{verb}ing {len(assets)} asset(s)…"), timeout=3)

        def waiting(text: str) -> None:  # search has not caught up with a recent write yet
            self.co_app.say(display(text), timeout=6)

        report = await operation[action](self.client, assets, journal=self.co_app.journal,
                                         on_wait=waiting)
        self._report(report, assets)

    def _report(self, report: BulkReport, assets: Sequence[DataAsset]) -> None:
        """Show the outcome: rows that went, a toast, the per-asset results when any failed."""
        from co_tui.modals.confirm import ResultsScreen
        from co_tui.operations.bulk import Status

        done = [r.asset_id for r in report.results if r.status in (Status.OK, Status.SKIPPED)]
        for result in report.results:
            if result.denied:
                self.co_app.rights.refuse(result.asset_id, report.action)
        if done:
            event: AssetEvent = {"archive": "archived", "restore": "restored"}.get(
                report.action, "deleted")  # type: ignore[assignment]
            self._announce(event, [asset for asset in assets if asset.id in set(done)])
        self.refresh_bindings()
        summary = report.summary()
        summary = summary[:1].upper() + summary[1:]  # not capitalize(): names keep their case
        if report.all_ok:
            self.co_app.say(display(summary, max_chars=600), timeout=8 if report.gone else 5,
                            severity="warning" if report.gone else "information")
        else:
            self.app.push_screen(ResultsScreen(display(summary, max_chars=600), report))

    # --- create -------------------------------------------------------------------------------

    def action_create(self) -> None:
        """Create a data asset from S3, a computation's results, or the selected assets."""
        from co_tui.modals.create_asset import CreateScreen

        if self.client is None:
            return
        selected = self.targets() if len(self.targets()) > 1 else []

        def done(asset: DataAsset | None) -> None:
            if asset is not None:
                self._announce("created", [asset])
                self.co_app.say(join("Creating ", display(asset.name, max_cells=60),
                                     ": its state is followed here."), timeout=5)
                self._follow(asset)

        self.app.push_screen(CreateScreen(self.client, selected), done)

    @worker("following the new asset", group="follow")
    async def _follow(self, asset: DataAsset) -> None:
        """Follow a new asset until ready or failed, updating its row; no UI is blocked."""
        from co_tui.operations.create_once import follow_asset

        assert self.client is not None
        latest = asset
        try:
            async for latest in follow_asset(self.client, asset):
                self._announce("created", [latest])
        except ApiError as error:
            self.co_app.show_error(error, action=f"following {asset.name!r}")
            return
        name = display(latest.name, max_cells=60)
        if latest.state == "failed":
            reason = display(latest.failure_reason or "no reason given", max_cells=300)
            self.co_app.say(join(name, " failed: ", reason), severity="error", timeout=15)
        elif latest.state == "ready":
            self.co_app.say(join(name, " is ready."), timeout=6)

    # --- copy ---------------------------------------------------------------------------------

    def action_copy_id(self) -> None:
        """Copy the asset's ID."""
        from co_tui.modals.copy import copy_text
        from co_tui.operations.clipboard import asset_id_text

        if assets := self.targets():
            copy_text(self.app, "asset ID", asset_id_text(assets[0]), key="y",
                      mode=self.co_app.settings.clipboard)

    def action_copy_url(self) -> None:
        """Copy the asset's web address ({domain}/data-assets/{id})."""
        from co_tui.modals.copy import copy_text
        from co_tui.operations.clipboard import asset_web_url

        if self.client is not None and (assets := self.targets()):
            copy_text(self.app, "web URL", asset_web_url(self.client, assets[0].id), key="Y",
                      mode=self.co_app.settings.clipboard)

    def action_open_web_page(self) -> None:
        """Open the asset's web page in the browser, or copy its URL when there is none here."""
        from co_tui.screens.web_page_action import open_asset_page

        if self.client is not None and (assets := self.targets()):
            open_asset_page(self, self.client, assets[0])

    # --- downloads ----------------------------------------------------------------------------

    def action_download_assets(self) -> None:
        """Download the highlighted or selected assets (as files or one zip each)."""
        from co_tui.transfer import DownloadTarget

        if (assets := self.targets()):
            self.ask_download(DownloadTarget.for_asset(assets[0]),
                              [DownloadTarget.for_asset(a) for a in assets[1:]])

    def ask_download(self, target: DownloadTarget, more: Sequence[DownloadTarget] = ()) -> None:
        """The download dialog for ``target``; ``more`` targets get the same choices."""
        import dataclasses

        from co_tui.modals.download import DownloadDialog

        def chosen(request: DownloadRequest | None) -> None:
            if request is None:
                return
            self.co_app.start_download(request)
            for other in more:
                self.co_app.start_download(dataclasses.replace(request, target=other))

        self.app.push_screen(DownloadDialog(target, destination=self.co_app.download_dir),
                             chosen)
