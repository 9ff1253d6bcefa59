"""``CoTuiApp``: screens, global keys, the one error funnel and a crash handler that leaks nothing.

Every failure a screen's worker meets goes through :meth:`CoTuiApp.show_error`, which turns it into
words for the user (server text sanitised) and never ends the app. An exception that escapes
anyway is reported by :meth:`CoTuiApp._fatal_error` without frame locals (Textual's default
prints them, token included), redacted, and saved to a 0600 crash file (docs/reliability.md,
'Crash reports').
"""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.text import Text
from textual import events, getters
from textual.app import App
from textual.binding import Binding, BindingType
from textual.signal import Signal

from co_tui.api import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    AuthenticationError,
    NotFoundError,
)
from co_tui.app_reasons import app_disabled_reason
from co_tui.connection_watch import ConnectionWatch
from co_tui.heap import CHECK_S, HeapKeeper
from co_tui.launch_handoff import PendingClient
from co_tui.operations.capsule_attached import CapsuleSession
from co_tui.operations.journal import WriteJournal
from co_tui.operations.rights import Rights
from co_tui.report import crash_report, describe_error, write_crash_file
from co_tui.safe_text import display
from co_tui.session.config import Config, ConfigError, SettingValue, save_setting
from co_tui.widgets import styles_cache_fix
from co_tui.workers import log_failure, start_worker, worker

if TYPE_CHECKING:
    from textual.command import Provider
    from textual.content import Content
    from textual.notifications import SeverityLevel
    from textual.screen import Screen
    from textual.theme import Theme

    from co_tui.api import CodeOceanClient
    from co_tui.launch_handoff import FirstPageCache, Prefetched
    from co_tui.modals.download import DownloadDialog
    from co_tui.operations.action_rules import AssetsChanged
    from co_tui.screens.asset_list import AssetListScreen
    from co_tui.screens.login import LoginScreen
    from co_tui.session.login_target import LoginSetup
    from co_tui.transfer import DownloadEngine, DownloadRequest

__all__ = ["CoTuiApp", "co_app"]


def _screen_actions_provider() -> type[Provider]:
    """The palette's provider of the current screen's actions (imported when first used)."""
    from co_tui.commands import ScreenActionsProvider

    return ScreenActionsProvider


def _favourite_provider() -> type[Provider]:
    """The palette's "Favourite" entry: why co-tui cannot set one (imported when first used)."""
    from co_tui.favourite_note import FavouriteProvider

    return FavouriteProvider


class CoTuiApp(ConnectionWatch):
    """The co-tui application. ``client`` is owned by the app and closed on exit.

    Without a client (first run, no credentials) the app opens on the login screen; ``login``
    says where a login is saved and which transport it uses (the same set-up serves the login
    offered after a 401).
    """

    TITLE = "co-tui"
    CSS_PATH = "styles/app.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("ctrl+l", "login", "Log in"),
        Binding("ctrl+d", "show_downloads", "Downloads"),
    ]
    COMMANDS = App.COMMANDS | {_screen_actions_provider, _favourite_provider}

    def __init__(
        self,
        client: CodeOceanClient | PendingClient | None,
        *,
        demo: bool = False,
        login: LoginSetup | None = None,
        first_page: Prefetched | None = None,
        config: Config | None = None,
        page_cache: FirstPageCache | None = None,
    ) -> None:
        """``config`` is what ``config.toml`` said (``co-tui`` passes it): its settings, and
        its warnings to show. Without it (tests) the defaults are used and nothing is saved."""
        styles_cache_fix.install()
        super().__init__()
        self.config = config or Config()
        self.settings = self.config.settings
        """The user's settings (``[settings]`` in ``config.toml``)."""
        self.first_page = first_page
        self.page_cache = page_cache
        self.pending = client if isinstance(client, PendingClient) else None
        self.client = None if isinstance(client, PendingClient) else client
        if self.client is not None:
            self._listen(self.client)
        self.demo = demo
        self.login_setup = login
        self.token_rejected = False
        self.rights = Rights()
        """What the session knows of the user's rights (greys out actions they cannot do)."""
        self.journal = WriteJournal()
        """This session's recent writes, laid over search answers that lag behind them."""
        self._downloads: DownloadEngine | None = None
        self.assets_changed: Signal[AssetsChanged] = Signal(self, "assets-changed")
        """What an action did to which assets; every open asset screen follows it
        (:class:`co_tui.operations.action_rules.AssetsChanged`)."""
        self.heap = HeapKeeper()
        """When the garbage collector's full passes run (:mod:`co_tui.heap`)."""
        self.capsule = CapsuleSession()
        """The capsule co-tui runs in, its name and attached set
        (:mod:`co_tui.screens.capsule_attach`)."""
        self.capsule_changed: Signal[str] = Signal(self, "capsule-changed")
        """The capsule's name or attached set changed ("read", "learned", "attach", "detach")."""

    def get_default_screen(self) -> Screen[None]:
        """The first screen on the stack is My Data itself, not Textual's blank screen.

        Pushing My Data over the blank screen would compose and render that one first, which
        only delays the first rows (bench/app_launch.py times the launch). The first-run login
        is pushed over the blank screen (a default screen's ``CSS_PATH`` is not loaded).
        """
        from co_tui.screens.asset_list import AssetListScreen

        if self.pending is not None:
            screen = AssetListScreen(None, demo=self.demo, domain=self.pending.domain,
                                     page_size=self.settings.page_size)
            self.call_after_refresh(self._connect, self.pending, screen)
            return screen
        if self.client is None:
            return super().get_default_screen()
        self.call_after_refresh(self.learn_identity)  # the first frame goes first
        return AssetListScreen(self.client, demo=self.demo, first_page=self.first_page,
                               page_cache=self.page_cache, page_size=self.settings.page_size)

    def on_mount(self) -> None:
        self.call_after_refresh(self._settle_heap)
        for warning in self.config.warnings:
            self.say(display(warning, multiline=True), severity="warning", timeout=10)
        self._apply_theme()
        if self.client is None and self.pending is None:
            self.action_login(first_run=True)

    def _connect(self, pending: PendingClient, screen: AssetListScreen) -> None:
        """Build the pending client in a thread, after the first frame, and hand it to My Data.

        Building it alongside Textual's start-up in another thread delays the first frame (the
        event loop waits for the GIL at every step) and gets the first rows no sooner; building
        it on the loop freezes the screen. bench/app_launch.py times both.
        """

        async def connect() -> None:
            try:
                client = await asyncio.to_thread(pending.build)
            except Exception as error:  # e.g. the demo emulator could not start: say so
                self.show_error(error, action="connecting")
                return
            if self.client is None:  # a login may have replaced it meanwhile
                self.client = client
                self._listen(client)
                screen.connect(client)
                self.learn_identity()
            else:
                await client.aclose()

        start_worker(self, connect(), action="connecting", group="connect")

    @worker("learning who you are", group="identity")
    async def learn_identity(self) -> None:
        """Learn who the user is (for greying out what they may not do); silent on failure."""
        from co_tui.operations.rights import learn_identity

        if self.client is None:
            return
        try:
            self.rights.learned(await learn_identity(self.client))
        except ApiError:
            return  # rights stay unknown: every action is offered and the server decides
        self.screen.refresh_bindings()

    # --- downloads ----------------------------------------------------------------------------

    @property
    def downloads(self) -> DownloadEngine | None:
        """The app's download queue (made on first use; it outlives any screen)."""
        if self._downloads is None and self.client is not None:
            from co_tui.transfer import DownloadEngine

            self._downloads = DownloadEngine(self.client,
                                             max_parallel=self.settings.parallel_downloads)
        return self._downloads

    @property
    def download_dir(self) -> Path | None:
        """The ``download_dir`` setting (``~`` expanded), or None for the dialog's default."""
        chosen = self.settings.download_dir
        return Path(chosen).expanduser() if chosen else None

    def on_download_dialog_destination_chosen(
            self, message: DownloadDialog.DestinationChosen) -> None:
        """Keep the folder the user chose in the download dialog as the ``download_dir``
        setting (saved to ``config.toml`` like the theme), so the next dialog opens there."""
        folder = str(message.folder)
        if folder == self.settings.download_dir:
            return
        self.settings = dataclasses.replace(self.settings, download_dir=folder)
        if self.config.path is not None:
            self._save_setting("download_dir", folder)

    def start_download(self, request: DownloadRequest) -> None:
        """Queue ``request``, show the queue, and say how it went when it is over."""
        engine = self.downloads
        if engine is None:
            return
        try:
            batch = engine.submit(request)
        except Exception as error:  # a bug in queueing must not end the app: say it, go on
            log_failure(error, "starting the download")
            self.show_error(error, action="starting the download")
            return
        self.action_show_downloads()

        async def report() -> None:
            summary = await batch.wait()
            failed = bool(summary.failed or summary.error)
            self.say(display(summary.text, multiline=True, max_chars=400),
                     severity="warning" if failed else "information", timeout=8)

        start_worker(self, report(), action="reporting on the downloads", group="download-report")

    def action_show_downloads(self) -> None:
        """Show the download queue (downloads go on when it is hidden)."""
        from co_tui.modals.downloads import DownloadsScreen

        if self._downloads is not None and not isinstance(self.screen, DownloadsScreen):
            self.push_screen(DownloadsScreen(self._downloads))

    def _settle_heap(self) -> None:
        """After the first frame: the collector's full passes wait for moments without keys
        (:mod:`co_tui.heap`; ``co-tui`` starts with the collector off, see
        :func:`co_tui.cli.main`)."""
        self.heap.settle()
        self.set_interval(CHECK_S, self.heap.tick, name="heap")

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self.heap.input()
        await super().on_event(event)

    async def on_unmount(self) -> None:
        self.heap.restore()
        if self._downloads is not None:
            await self._downloads.aclose()
        if self.client is not None:
            await self.client.aclose()

    # --- theme (a setting) ----------------------------------------------------------------------

    def _apply_theme(self) -> None:
        """Use the ``theme`` setting, and save the theme the user picks from then on."""
        wanted = self.settings.theme
        if wanted in self.available_themes:
            if wanted != self.theme:
                self.theme = wanted
        else:
            self.say(display(f"config.toml: there is no theme {wanted!r}; using {self.theme}"),
                     severity="warning", timeout=10)
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, theme: Theme) -> None:
        if theme.name == self.settings.theme or self.config.path is None:
            return
        self.settings = dataclasses.replace(self.settings, theme=theme.name)
        self._save_setting("theme", theme.name)

    def remember_setting(self, name: str, value: SettingValue) -> None:
        """Use ``value`` for the setting ``name`` from now on and save that one key in
        ``config.toml`` (as the theme is saved); nothing is written without a config file."""
        if getattr(self.settings, name) == value:
            return
        changes: dict[str, Any] = {name: value}
        self.settings = dataclasses.replace(self.settings, **changes)
        if self.config.path is not None:
            self._save_setting(name, value)

    @worker("saving a setting", group="settings")
    async def _save_setting(self, name: str, value: SettingValue) -> None:
        """Write one setting to ``config.toml`` (in a thread: it takes a file lock)."""
        assert self.config.path is not None
        try:
            await asyncio.to_thread(save_setting, name, value, self.config.path)
        except (ConfigError, OSError) as error:
            self.say(display(f"Could not save the {name} setting: {error}"),
                     severity="warning", timeout=8)

    # --- screens opened from another one ---------------------------------------------------------

    def open_archive(self, client: CodeOceanClient, *, page_size: int) -> None:
        """Show the archive bin (My Data's ``A``). The app opens it, so that My Data and the
        archive bin, a kind of My Data, do not import each other."""
        from co_tui.screens.archive import ArchiveScreen

        self.push_screen(ArchiveScreen(client, demo=self.demo, page_size=page_size))

    # --- help and login -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Downloads and log in are listed always in the help and the palette: None (disabled,
        # with disabled_reason) until they apply; the footer shows them only once they do.
        if action == "show_downloads":
            return True if self._downloads is not None else None
        if action == "login":  # offered (and shown in the footer) once the token was rejected
            if not self.token_rejected:
                return None  # and no import of the login screen (httpx) before the first frame
            from co_tui.screens.login import LoginScreen

            return not isinstance(self.screen, LoginScreen)
        return True

    def disabled_reason(self, action: str) -> str | None:
        """Why an app-wide action cannot run now (the help and the palette show it)."""
        return app_disabled_reason(action)

    def action_help(self) -> None:
        """Show every key of this screen and of the app."""
        from co_tui.modals.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen.for_screen(self.screen))

    def action_login(self, first_run: bool = False) -> None:
        """Log in again (after the server rejected the token)."""
        self.push_screen(self._login_screen(first_run=first_run))

    def _login_screen(self, *, first_run: bool) -> LoginScreen:
        """The login screen: first run (nothing saved, cannot be cancelled) or token rejected."""
        from co_tui.screens.login import LoginScreen
        from co_tui.session.login_target import LoginSetup

        setup = self.login_setup or LoginSetup()
        if setup.domain is None and self.client is not None:
            setup = dataclasses.replace(setup, domain=self.client.domain)
        if first_run:
            reason = ("No Code Ocean credentials were found. Enter your deployment's address "
                      "and an access token.")
        else:
            reason = "The server rejected the token. Enter a valid one to carry on."
        return LoginScreen(setup, reason=reason, can_cancel=not first_run)

    async def on_login_screen_logged_in(self, message: LoginScreen.LoggedIn) -> None:
        """A login succeeded: use its client and start again from My Data."""
        from co_tui.screens.asset_list import AssetListScreen

        old, self.client = self.client, message.client
        self.connection_problem = None
        self._listen(self.client)
        self.token_rejected = False
        self.capsule = CapsuleSession()  # read again with the new login
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        base = self.screen_stack[0]
        if isinstance(base, AssetListScreen):  # reload it, keeping what was typed and filtered
            base.connect(self.client)
        else:  # the first-run login was over Textual's blank screen
            await self.push_screen(AssetListScreen(self.client, demo=self.demo,
                                                   page_size=self.settings.page_size))
        self.rights = Rights()
        self.journal = WriteJournal()
        self.learn_identity()
        note = "Logged in; the login was saved." if message.saved else "Logged in (not saved)."
        self.say(display(note), timeout=4)
        for warning in message.warnings:
            self.say(display(warning, multiline=True), severity="warning", timeout=10)
        if message.result.status == "limited":
            self.say(display(message.result.message, multiline=True), severity="warning",
                     timeout=10)
        if old is not None and old is not self.client:
            await old.aclose()

    # --- network loss (co_tui.connection_watch) and assets that are gone --------------------------

    def _listen(self, client: CodeOceanClient) -> None:
        """Follow ``client``'s reachability and its reports of missing assets (only while it is
        the app's client)."""
        self.follow_reachability(client)

        def missing(error: NotFoundError) -> None:
            if client is self.client:
                from co_tui.screens.gone import asset_missing

                asset_missing(self, error)

        client.on_asset_missing(missing)

    def say(self, content: Content, *, severity: SeverityLevel = "information",
            timeout: float | None = None) -> None:
        """A toast of sanitised text: ``content`` comes from :mod:`co_tui.safe_text`
        (:func:`~co_tui.safe_text.display`, :func:`~co_tui.safe_text.join`), never a raw string
        from the server or a file. ``timeout`` None is Textual's default."""
        self.notify(cast(str, content), severity=severity, timeout=timeout)

    def show_error(self, error: BaseException, *, action: str, retry: str | None = None) -> None:
        """The one error path: a toast in words the user can act on. Never raises.

        Workers reach it through :mod:`co_tui.workers` whatever they raise; ``retry`` is the
        key that tries again (named after an unexpected error).

        A rejected token (401) also offers the login screen (``ctrl+l``). A read that got no
        answer while the network-loss banner is up adds no toast: the banner says it already
        (a write whose outcome is unknown still gets one: it says what to check). A 404 that
        means a data asset is gone adds none either: every screen follows that (the client
        reports it to :func:`co_tui.screens.gone.asset_missing`); one that may be about a file
        inside an asset waits until the asset itself is checked.
        """
        if isinstance(error, AuthenticationError) and not self.token_rejected:
            self.token_rejected = True
            self.refresh_bindings()
        if (isinstance(error, (ApiConnectionError, ApiTimeoutError)) and not error.outcome_unknown
                and self.connection_problem is not None):
            return
        severity, message = describe_error(error, action, retry=retry)
        if isinstance(error, NotFoundError) and error.asset_id is not None:
            from co_tui.screens.gone import hold_until_checked

            if error.about_asset or hold_until_checked(self, error, severity, message):
                return  # co_tui.screens.gone says it once, when the asset is gone
        timeout = 10 if severity == "error" else 6
        self.say(display(message, multiline=True, max_chars=600),
                 severity=severity, timeout=timeout)  # type: ignore[arg-type]

    # --- crash handling (docs/reliability.md, 'Crash reports') --------------------------------

    def _fatal_error(self) -> None:
        """Report the exception without locals, redacted, and keep a 0600 crash file."""
        error = self._exception
        report = crash_report(error)
        where = write_crash_file(report)
        self.bell()
        note = f"\nco-tui crashed; the report was saved to {where}\n" if where else "\n"
        self._exit_renderables.append(Text(report + note))
        self._close_messages_no_wait()


co_app: getters.app[CoTuiApp] = getters.app(CoTuiApp)
"""The app, typed: a class attribute of the screens and widgets that use the app's own parts
(``co_app = co_app`` in the class body, then ``self.co_app.say(...)``)."""
