"""Starting the app: :func:`build_app` is the one way to build it (every launch mode of
``co-tui`` and the tests go through it, so a test starts the app the way a user does), and
:func:`open_app` paints the first frame, builds the client and runs it.

Importing this module stays light (no Textual): ``co_tui.app`` is imported when the first app is
built, which lets ``co-tui`` import the UI in a thread while My Data's first request travels.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio

    from co_tui.api import CodeOceanClient
    from co_tui.api.models import DataAssetSearchParams, DataAssetSearchResults
    from co_tui.app import CoTuiApp
    from co_tui.launch_handoff import FirstPageCache, PendingClient, Prefetched
    from co_tui.redact import Secret
    from co_tui.session.config import Config
    from co_tui.session.login_target import LoginSetup

__all__ = ["build_app", "first_page_params", "load_config", "open_app", "skip_unused_imports"]


def build_app(
    client: CodeOceanClient | PendingClient | None,
    *,
    config: Config | None = None,
    demo: bool = False,
    login: LoginSetup | None = None,
    first_page: Prefetched | None = None,
    page_cache: FirstPageCache | None = None,
    notices: Sequence[str] = (),
) -> CoTuiApp:
    """The app on ``client``, ready to run.

    ``client``: a connected client, a :class:`~co_tui.launch_handoff.PendingClient` the app
    builds after its first frame (``--demo``), or ``None`` to open on the login screen (first
    run).
    ``config``: what ``config.toml`` said (``None``: the defaults, nothing saved).
    ``demo``: the demo emulator's notes are shown. ``login``: where a login made in the app is
    saved and how it connects. ``first_page``: My Data's first page, already requested.
    ``page_cache``: the previous session's first page, shown until the live one arrives, and
    where the live one is kept for the next launch.
    ``notices``: shown first among the warnings when the app starts.
    """
    from co_tui.app import CoTuiApp

    if notices:
        from co_tui.session.config import Config

        config = config or Config()
        # first among the warnings: printed to the terminal, they would show only after quitting
        config = dataclasses.replace(config, warnings=(*notices, *config.warnings))
    return CoTuiApp(client, demo=demo, login=login, first_page=first_page, config=config,
                    page_cache=page_cache)


def skip_unused_imports() -> None:
    """Keep httpx and httpcore from importing what the app never uses (a visible share of the
    launch time, bench/app_launch.py).

    httpcore tries ``import trio`` whenever trio happens to be installed, only to detect it; httpx
    imports its command-line tool (click, rich consoles) to offer ``httpx.main``. A ``None``
    entry in ``sys.modules`` makes such an import fail fast, as if the module were absent, and
    both packages fall back by design. Only the app's own process does this, never the library.
    """
    for name in ("trio", "httpx._main"):
        if name not in sys.modules:
            sys.modules[name] = None  # type: ignore[assignment]


def load_config() -> Config:
    """``config.toml``'s settings; a file that does not parse gives the defaults and a warning
    for the app to show (and is never rewritten: the returned config has no path)."""
    from co_tui.session.config import Config, ConfigError
    from co_tui.session.config import load_config as load

    try:
        return load()
    except ConfigError as exc:
        return Config(warnings=(f"{exc}; using the default settings",))


def first_page_params(page_size: int) -> DataAssetSearchParams:
    """The request My Data starts with (newest first, not archived, no filters); a test keeps it
    equal to what the screen would send, or the prefetched page would go unused."""
    from co_tui.api.models import DataAssetSearchParams

    return DataAssetSearchParams(limit=page_size, sort_field="created", sort_order="desc",
                                 archived=False)


def open_app(
    domain: str,
    build: Callable[[], CodeOceanClient],
    config: Config,
    *,
    demo: bool = False,
    profile: str | None = None,
    save_login: bool = True,
    notices: Sequence[str] = (),
    token: Secret | None = None,
) -> int:
    """Paint the skeleton frame at once, then build the client and run the app.

    ``token`` (real credentials only) names the user's cached first page
    (:mod:`co_tui.session.page_cache`): read before the skeleton frame, which draws its rows.

    With real credentials (:func:`_launch`) the client is built right after the skeleton and My
    Data's first page is requested before Textual is imported, so the request travels while
    Python loads the UI. The demo's ``build`` also starts the emulator (slower): the app runs it
    in a thread after its first frame (:class:`co_tui.launch_handoff.PendingClient`).
    """
    import asyncio

    from co_tui import splash

    cache = _first_page_cache(domain, token, config) if not demo else None
    cached_rows = cache.cached.rows if cache is not None and cache.cached else None
    painted = splash.paint(sys.stdout, domain, demo=demo, cached=cached_rows)
    started: list[bool] = []
    try:
        if not demo:
            return asyncio.run(_launch(build, config, profile, save_login, started, notices,
                                       cache, painted))
        from co_tui.launch_handoff import PendingClient
        from co_tui.session.login_target import LoginSetup

        app = build_app(PendingClient(domain, build), demo=True, config=config,
                        login=LoginSetup(domain=None, save=save_login), notices=notices)
        started.append(True)
        app.run()
        return app.return_code or 0
    finally:
        if painted and not started:
            splash.restore(sys.stdout)


def _first_page_cache(domain: str, token: Secret | None, config: Config) -> FirstPageCache | None:
    """This user's page cache, read; None without a token. With ``cache = false`` the file
    is removed and nothing is read or saved."""
    if token is None:
        return None
    from co_tui.launch_handoff import FirstPageCache
    from co_tui.session.page_cache import PageCache

    store = PageCache(domain, token)
    if not config.settings.cache:
        store.remove()
        return None
    return FirstPageCache(store, store.read())


def _paint_first_page(page: asyncio.Future[DataAssetSearchResults], started: list[bool]) -> None:
    """The live first page's rows in the skeleton frame, unless Textual has started."""
    from co_tui import splash

    if started or page.cancelled() or page.exception() is not None:
        return
    rows = [{"name": asset.name, "type": asset.type, "state": asset.state, "size": asset.size,
             "created": asset.created} for asset in page.result().results]
    splash.paint_live(sys.stdout, rows)


async def _launch(
    build: Callable[[], CodeOceanClient], config: Config, profile: str | None,
    save_login: bool, started: list[bool], notices: Sequence[str] = (),
    cache: FirstPageCache | None = None, painted: bool = False,
) -> int:
    """Build the client, send the first page's request, import the UI meanwhile, run the app.

    If the answer comes while the UI is being imported, its rows are drawn in the skeleton frame
    (``painted``) at once: the UI takes longer to import than the server to answer.

    Building the client before Textual puts the first rows on screen sooner than building it
    after Textual's first frame (bench/app_launch.py measures it); a thread building it
    alongside Textual's start-up makes every event-loop step wait for the GIL.
    """
    import asyncio
    import importlib

    client = build()
    domain = client.domain
    params = first_page_params(config.settings.page_size)
    page = asyncio.ensure_future(client.data_assets.search_data_assets(params))
    if painted:
        page.add_done_callback(lambda done: _paint_first_page(done, started))

    def import_ui() -> None:
        importlib.import_module("co_tui.screens.asset_list")
        importlib.import_module("co_tui.app")

    try:
        # the imports run in a thread so this loop can send the request and read the answer
        await asyncio.to_thread(import_ui)
        from co_tui.launch_handoff import Prefetched
        from co_tui.session.login_target import LoginSetup

        setup = LoginSetup(profile=profile, domain=domain, save=save_login)
        app = build_app(client, login=setup, config=config, notices=notices,
                        first_page=Prefetched(params, page), page_cache=cache)
        started.append(True)
        await app.run_async()
        return int(app.return_code or 0)
    finally:
        if not page.done():
            page.cancel()
        elif not page.cancelled():
            page.exception()  # retrieved: an unused failed prefetch is not an error to report
