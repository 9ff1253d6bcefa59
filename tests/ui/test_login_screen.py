"""The login screen: first run without credentials, and after a 401 (Pilot, in-process emulator).

The token must never reach the screen: each test types a canary token and searches the rendered
screen (an SVG export holds every character drawn) and the notifications for it.
"""

from __future__ import annotations

import html

import httpx
import pytest
from textual.widgets import Input, Static

from co_tui.api import CodeOceanClient
from co_tui.app import CoTuiApp
from co_tui.emulator import Emulator, EmulatorConfig
from co_tui.launch import build_app
from co_tui.screens.asset_list import AssetListScreen
from co_tui.screens.login import LoginScreen, LoginSetup
from co_tui.session.credentials import resolve_credentials
from co_tui.widgets.asset_table import AssetTable
from tests.ui.ui_helpers import full_frame

CANARY = "cop_CANARY7b1e9d0c4f"
WRONG = "cop_WRONGCANARY5a5a5a"


@pytest.fixture
def canary_emulator(clock) -> Emulator:  # type: ignore[no-untyped-def]
    """The demo deployment whose main user's token is the canary."""
    return Emulator(EmulatorConfig(seed="demo", clock=clock, main_token=CANARY))


class Unreachable(httpx.AsyncBaseTransport):
    """A network where nothing answers."""

    def __init__(self) -> None:
        self.calls = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        raise httpx.ConnectError("connection refused", request=request)


async def _settle(app: CoTuiApp, pilot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


def _shown(app: CoTuiApp) -> str:
    """Everything on screen and in the notifications: the frame as the terminal would receive it
    (textual 8.2 compositor, as tests/security does), the SVG export, and the toasts' text."""
    frame = full_frame(app.screen).render_segments(app.console)
    svg = html.unescape(app.export_screenshot()).replace("\xa0", " ")
    notes = " ".join(str(n.message) for n in app._notifications)
    return "\n".join([frame, svg, notes])


def _result(app: CoTuiApp) -> str:
    return str(app.screen.query_one("#login-result", Static).render())


def _first_run(emulator: Emulator, *, transport: httpx.AsyncBaseTransport | None = None,
               save: bool = True) -> CoTuiApp:
    setup = LoginSetup(profile=None, domain=emulator.config.api_origin,
                       transport=transport or emulator.transport(), save=save)
    return build_app(None, login=setup)


async def test_first_run_good_token_opens_my_data_and_saves(canary_emulator: Emulator) -> None:
    app = _first_run(canary_emulator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        domain = screen.query_one("#login-domain", Input)
        token = screen.query_one("#login-token", Input)
        assert domain.value == canary_emulator.config.api_origin  # offered
        assert token.password and token.has_focus
        await pilot.press(*CANARY)
        assert token.value == CANARY
        assert CANARY not in _shown(app)
        await pilot.press("enter")
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetListScreen)
        assert len(app.screen.query_one(AssetTable).assets) > 40
        assert app.client is not None and app.client.domain == canary_emulator.config.api_origin
        assert any("Logged in" in str(n.message) for n in app._notifications)
        assert CANARY not in _shown(app)
    assert app._exception is None
    saved = resolve_credentials(profile=None, domain=None, environ={})
    assert saved is not None and saved.token.get() == CANARY


async def test_bad_token_is_rejected_and_the_input_kept(canary_emulator: Emulator) -> None:
    app = _first_run(canary_emulator)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*WRONG, "enter")
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        assert "rejected" in _result(app).lower()
        token = screen.query_one("#login-token", Input)
        assert token.value == WRONG and token.has_focus
        assert screen.query_one("#login-domain", Input).value == canary_emulator.config.api_origin
        assert WRONG not in _shown(app)
        # correcting the token then works
        token.value = ""
        await pilot.press(*CANARY, "enter")
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetListScreen)
        assert CANARY not in _shown(app) and WRONG not in _shown(app)
    assert app._exception is None
    assert resolve_credentials(profile=None, domain=None, environ={}) is not None


async def test_unreachable_domain_is_explained(canary_emulator: Emulator) -> None:
    network = Unreachable()
    app = _first_run(canary_emulator, transport=network)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*CANARY, "enter")
        await _settle(app, pilot)
        assert isinstance(app.screen, LoginScreen)
        assert "could not reach" in _result(app).lower()
        assert network.calls == 1  # one request, no retries
        assert app.screen.query_one("#login-domain", Input).has_focus
        assert CANARY not in _shown(app)
    assert app._exception is None
    assert resolve_credentials(profile=None, domain=None, environ={}) is None


async def test_empty_fields_and_a_malformed_domain_are_refused_without_a_request(canary_emulator: Emulator) -> None:
    network = Unreachable()
    app = _first_run(canary_emulator, transport=network)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert "access token" in _result(app).lower()
        domain = app.screen.query_one("#login-domain", Input)
        domain.value = ""
        domain.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "address" in _result(app).lower()
        await pilot.press(*"not a domain", "tab", *CANARY, "enter")
        await _settle(app, pilot)
        assert "domain" in _result(app).lower()
        assert network.calls == 0
        # the token pasted into the domain field is neither sent anywhere nor shown
        domain.value = "https://" + CANARY.replace("_", "")
        app.screen.query_one("#login-token", Input).value = CANARY.replace("_", "")
        domain.focus()
        await pilot.press("enter")
        await _settle(app, pilot)
        assert "holds the token" in _result(app)
        assert network.calls == 0
        assert CANARY.replace("_", "") not in _shown(app).replace(domain.value, "")
        # no way back on first run: escape stays here
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
    assert app._exception is None


async def test_a_401_during_use_offers_the_login_screen(canary_emulator: Emulator) -> None:
    transport = canary_emulator.transport()
    client = CodeOceanClient(canary_emulator.config.api_origin, WRONG, transport=transport,
                             files_transport=transport)
    setup = LoginSetup(domain=canary_emulator.config.api_origin, transport=transport,
                       save=False)
    app = build_app(client, login=setup)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await _settle(app, pilot)
        my_data = app.screen
        assert isinstance(my_data, AssetListScreen)
        assert any("Token rejected" in str(n.message) and "press ctrl+l" in str(n.message)
                   for n in app._notifications)
        enabled_keys = {b.binding.key for b in my_data.active_bindings.values() if b.enabled}
        assert "ctrl+l" in enabled_keys  # offered once the token was rejected
        await pilot.press("ctrl+l")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LoginScreen) and screen.can_cancel
        assert "rejected" in str(screen.query_one("#login-reason", Static).render())
        # escape goes back to the list, ctrl+l comes back to the login screen
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is my_data
        await pilot.press("ctrl+l")
        await pilot.pause()
        await pilot.press(*CANARY, "enter")
        await _settle(app, pilot)
        assert app.screen is my_data  # My Data is the bottom screen: reloaded with the new client
        assert len(app.screen.query_one(AssetTable).assets) > 40
        assert app.client is not client and app.token_rejected is False
        assert "ctrl+l" not in {b.binding.key for b in app.screen.active_bindings.values()
                                if b.enabled}  # listed (help, palette) but disabled again
        assert CANARY not in _shown(app) and WRONG not in _shown(app)
    assert app._exception is None
    # save=False (as in --demo): nothing was written
    assert resolve_credentials(profile=None, domain=None, environ={}) is None


async def test_a_login_to_another_deployment_drops_the_old_rows(canary_emulator: Emulator) -> None:
    """My Data stays the bottom screen across logins; another deployment's login must not leave
    the first deployment's rows under the new title, even when its first page fails."""
    transport = canary_emulator.transport()
    client = CodeOceanClient(canary_emulator.config.api_origin, CANARY, transport=transport,
                             files_transport=transport)
    app = build_app(client)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await _settle(app, pilot)
        my_data = app.screen
        assert isinstance(my_data, AssetListScreen)
        assert len(my_data.query_one(AssetTable).assets) > 40
        other = CodeOceanClient("https://other.example.org", WRONG, transport=Unreachable())
        my_data.connect(other)
        await _settle(app, pilot)
        assert my_data.query_one(AssetTable).assets == []
        assert "other.example.org" in str(my_data.query_one("#title-bar", Static).render())
        await other.aclose()
    assert app._exception is None


async def test_login_screen_fits_80x24(canary_emulator: Emulator) -> None:
    app = _first_run(canary_emulator)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        for widget_id in ("#login-domain", "#login-token", "#login-submit"):
            region = screen.query_one(widget_id).region
            assert region.bottom <= 23 and region.right <= 80, widget_id
        assert "Check and save" in _shown(app)
    assert app._exception is None


async def test_help_and_palette_on_the_login_screen(canary_emulator: Emulator) -> None:
    from co_tui.commands import ScreenActionsProvider
    from co_tui.modals.help import HelpScreen

    app = _first_run(canary_emulator)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        login = app.screen
        names = {hit.text async for hit in ScreenActionsProvider(login).discover()}
        assert {"Check and save", "Quit", "Help"} <= names
        assert "Back" not in names  # first run: nowhere to go back to
        await app.run_action("help")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-keys", Static).render())
        assert "Check and save" in text and "Log in" in text
        assert "Delete" not in text  # the input's own editing keys are not listed
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is login
    assert app._exception is None
