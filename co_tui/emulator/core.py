"""The :class:`Emulator`: one emulated Code Ocean deployment (state, API app, file origin)."""

from __future__ import annotations

import urllib.parse
from typing import TYPE_CHECKING

from co_tui.emulator import loader
from co_tui.emulator.api_app import build_api_app
from co_tui.emulator.asset_creation import finish_pending
from co_tui.emulator.faults import ASGIApp, FaultInjector, FaultMiddleware, Receive, Scope, Send
from co_tui.emulator.files_app import FilesApp
from co_tui.emulator.index import SearchIndex
from co_tui.emulator.quirks_asgi import QuirkMiddleware
from co_tui.emulator.settings import EmulatorConfig
from co_tui.emulator.signing import Signer
from co_tui.emulator.store import Store

if TYPE_CHECKING:
    import httpx

    from co_tui.emulator.seed_model import SeedData


def _netloc(origin: str) -> str:
    parts = urllib.parse.urlsplit(origin)
    return parts.netloc.lower()


class Emulator:
    """An emulated deployment: SQLite state, the API app and the signed-URL file origin.

    ``app`` routes by ``Host``: requests for ``config.files_origin``'s host (or arriving on a
    port listed in ``files_ports``) go to ``files_app``, all others to ``api_app``. Both are
    wrapped in latency and fault injection (``faults``). A store that is new is filled from
    ``config.seed`` (or from ``seed_data`` when given: tests build small seeds by hand); a
    ``data_dir`` that already holds state is never reseeded.
    """

    def __init__(self, config: EmulatorConfig, *, seed_data: SeedData | None = None) -> None:
        self.config = config
        self.store = Store(config.data_dir, config.clock, finish_pending=finish_pending)
        try:
            self._open(seed_data)
            if config.search_lag_ms > 0:
                self.store.index = SearchIndex(self.store, config.search_lag_ms / 1000,
                                               config.clock)
        except BaseException:
            self.store.close()
            raise
        self.faults = FaultInjector(config.faults)
        self.write_log: list[tuple[str, str, int]] = []
        self.signer = Signer(self.store.secret(), config.clock, config.url_ttl)
        api: ASGIApp = build_api_app(self)
        if config.quirks is not None and config.quirks.enabled:
            api = QuirkMiddleware(api, config.quirks)
        self.api_app: ASGIApp = FaultMiddleware(api, self.faults, "api", config.latency_ms)
        self.files_app: ASGIApp = FaultMiddleware(FilesApp(self.store, self.signer), self.faults,
                                                  "files", config.latency_ms)
        self.files_ports: set[int] = set()
        self._files_host = _netloc(config.files_origin)

    def _open(self, seed_data: SeedData | None) -> None:
        config = self.config
        if not self.store.seeded:
            if seed_data is None:
                from co_tui.emulator.seeds import load_seed

                seed_data = load_seed(config.seed)
            loader.load(self.store, seed_data, config.main_token)
        else:
            self.store.check_existing()
        self.store.reload_users()
        main_id = self.store.meta_get("main_user")
        if config.main_token and main_id is not None:
            main = self.store.user_by_id(main_id)
            if main is not None and main.token != config.main_token:
                self.store.set_token(main_id, config.main_token)

    @property
    def tokens(self) -> dict[str, str]:
        """E-mail -> API token of every user that has one (main user first)."""
        return {user.email: user.token for user in self.store.users if user.token}

    @property
    def file_origin(self) -> FilesApp:
        """The signed-URL origin itself (inside fault injection); its ``quirks`` turn on
        redirects and a viewer page for ``view_url``."""
        middleware = self.files_app
        assert isinstance(middleware, FaultMiddleware) and isinstance(middleware.app, FilesApp)
        return middleware.app

    @property
    def main_token(self) -> str:
        """The main demo user's token (the first seed user)."""
        main_id = self.store.meta_get("main_user")
        user = self.store.user_by_id(main_id) if main_id else None
        if user is None or not user.token:
            raise LookupError("the main user has no token")
        return user.token

    def _is_files(self, scope: Scope) -> bool:
        server = scope.get("server")
        if server and self.files_ports and server[1] in self.files_ports:
            return True
        host: str = self._files_host
        for name, value in scope.get("headers", ()):
            if name == b"host":
                return bool(value.decode("latin-1").lower() == host)
        return False

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI entry point serving both origins."""
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        target = self.files_app if self._is_files(scope) else self.api_app
        await target(scope, receive, send)

    def transport(self) -> httpx.AsyncBaseTransport:
        """An in-process httpx transport serving both origins (see ``transport.py``)."""
        from co_tui.emulator.transport import EmulatorTransport

        return EmulatorTransport(self.app)

    @property
    def search_index(self) -> SearchIndex | None:
        """The lagging search index (``None`` when search shows writes at once)."""
        return self.store.index

    def search_catch_up(self) -> None:
        """Make every write so far visible to search now (no-op without a search lag)."""
        if self.store.index is not None:
            self.store.index.catch_up()

    def close(self) -> None:
        """Close the database (the emulator must not be used afterwards)."""
        self.store.close()
