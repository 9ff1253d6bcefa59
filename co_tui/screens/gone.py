"""When the server says a data asset is gone, every open screen follows.

A 404 from an endpoint of one data asset (its detail, an edit, tags, sharing, archiving, its files)
means another client deleted it, or it is no longer shared with this user. The API client reports
each such 404 (``CodeOceanClient.on_asset_missing``); the app hands it to :func:`asset_missing`,
and :func:`apply_gone` makes every open screen agree:

- its row leaves My Data and the archive bin, and the selection;
- the session's journal notes it, so a search that still lists it (search lags writes) does not
  bring the row back;
- dialogs open on it close, and so does its detail view, with a message naming it.

A screen is "about" assets when it has a ``shown_assets()`` method (:class:`ShowsAssets`).
Screens that cannot be closed at once (under another full screen) close when they next come to
the top. A 404 that may be about something inside the asset (a file or folder) is first checked
by reading the asset itself.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol, cast, runtime_checkable

from textual.content import Content
from textual.screen import ModalScreen, Screen

from co_tui.safe_text import display, join
from co_tui.workers import start_worker

if TYPE_CHECKING:
    from co_tui.api import NotFoundError
    from co_tui.api.models import DataAsset
    from co_tui.app import CoTuiApp

__all__ = [
    "GONE_NOTE", "ShowsAssets", "apply_gone", "asset_missing", "gone_message",
    "hold_until_checked", "shown_asset",
]

GONE_NOTE = "no longer exists on the server (deleted elsewhere, or no longer shared with you)"


@runtime_checkable
class ShowsAssets(Protocol):
    """A screen (dialog or detail view) that acts on or shows particular data assets."""

    def shown_assets(self) -> Mapping[str, str]:
        """Id -> name of the data assets this screen is about."""
        ...


def gone_message(name: str | None, asset_id: str = "") -> Content:
    """``'NAME' no longer exists on the server (...)``, the name sanitised and cut; without a
    name (a link to an asset never seen), that its id was not found."""
    if name is None:
        return join("Data asset ", display(asset_id, max_cells=60),
                    " was not found on the server (deleted, or not shared with you)")
    return join("'", display(name, max_cells=60), "' ", GONE_NOTE)


_closing_later: weakref.WeakSet[Screen[object]] = weakref.WeakSet()
"""Screens about a gone asset that could not close at once: they close on coming to the top."""
_watched: weakref.WeakSet[CoTuiApp] = weakref.WeakSet()
_checking: dict[tuple[int, str], list[tuple[str, str]]] = {}
"""(app, asset id) whose 404 on a file endpoint is being checked against the asset itself ->
the messages about that 404 held until the check says whether the asset is gone."""


def asset_missing(app: CoTuiApp, error: NotFoundError) -> None:
    """The client's report of a 404 on an asset's endpoint (called from the requesting task,
    on the app's loop, before the error reaches the code that made the request)."""
    asset_id = error.asset_id
    if asset_id is None:
        return
    if error.about_asset:
        app.call_later(apply_gone, app, asset_id, quiet=error.caller_reports)
        return
    key = (id(app), asset_id)
    if key in _checking or app.client is None:
        return
    _checking[key] = []
    client = app.client

    async def check() -> None:
        from co_tui.api import ApiError, NotFoundError

        gone = False
        try:
            await client.data_assets.get_data_asset(asset_id)  # a 404 here is reported again
        except NotFoundError:
            gone = True
        except ApiError:
            pass
        finally:
            held = _checking.pop(key, [])
        if not gone:  # the 404 was about a file or folder: say what the screen wanted to say
            for severity, message in held:
                app.say(display(message, multiline=True, max_chars=600),
                        severity=severity, timeout=6)  # type: ignore[arg-type]

    start_worker(app, check(), action="checking that the data asset still exists",
                 group="gone-check")


def hold_until_checked(app: CoTuiApp, error: NotFoundError, severity: str, message: str) -> bool:
    """Keep a message about a 404 inside an asset until the asset itself is checked: shown
    then if the asset is there, dropped if it is gone (the "no longer exists" message says it
    better). False when no check is under way (show it now)."""
    held = _checking.get((id(app), error.asset_id or ""))
    if held is None:
        return False
    held.append((severity, message))
    return True


def apply_gone(app: CoTuiApp, asset_id: str, *, quiet: bool = False) -> bool:
    """Make every open screen agree that ``asset_id`` is gone; True when anything on screen
    changed. ``quiet``: the code that met the 404 reports it itself (no toast, and dialogs stay
    open until they are closed: they show that report)."""
    from co_tui.screens.asset_list import AssetListScreen

    app.journal.gone(asset_id)
    stack = list(app.screen_stack)
    name: str | None = None
    changed = False
    for screen in stack:
        if isinstance(screen, AssetListScreen):
            row = screen.loaded(asset_id)
            if row is not None:
                name = name or row.name
                screen.show_assets("deleted", [row])
                changed = True
    about = {index for index, screen in enumerate(stack)
             if index and isinstance(screen, ShowsAssets) and asset_id in screen.shown_assets()}
    for index in sorted(about):
        name = name or cast(ShowsAssets, stack[index]).shown_assets()[asset_id] or None
    if about:
        changed = True
        _close(app, stack, about, quiet=quiet)
    if changed and not quiet:
        app.say(gone_message(name, asset_id), severity="warning", timeout=8)
    return changed


def _close(app: CoTuiApp, stack: list[Screen[object]], about: set[int], *, quiet: bool) -> None:
    """Close the screens in ``about`` (indices into ``stack``) that are on top, with any
    dialog stacked over them; the others close when they come to the top."""
    lowest: int | None = None
    for index in range(len(stack) - 1, 0, -1):
        screen = stack[index]
        modal = isinstance(screen, ModalScreen)
        if index in about and not (quiet and modal):
            lowest = index
        elif not modal or quiet:
            break
    now = range(lowest, len(stack)) if lowest is not None else range(0)
    for index in reversed(now):
        _close_one(app, stack[index])
    # a dialog that reports the 404 itself stays until the user closes it
    later = [stack[index] for index in about if index not in now
             and not (quiet and isinstance(stack[index], ModalScreen))]
    if later:
        for screen in later:
            _closing_later.add(screen)
        if app not in _watched:
            _watched.add(app)
            app.screen_change_signal.subscribe(app, lambda screen: _came_to_top(app, screen))


def _close_one(app: CoTuiApp, screen: Screen[object]) -> None:
    _closing_later.discard(screen)
    if app.screen is not screen:
        return
    if isinstance(screen, ModalScreen):
        screen.dismiss(None)
    elif len(app.screen_stack) > 1:
        app.pop_screen()


def _came_to_top(app: CoTuiApp, screen: Screen[object]) -> None:
    if screen in _closing_later:
        app.call_later(_close_one, app, screen)


def shown_asset(asset: DataAsset | None, asset_id: str) -> dict[str, str]:
    """``shown_assets()`` of a screen about one asset, loaded or known only by id (then its
    name is empty)."""
    return {asset_id: asset.name if asset is not None else ""}
