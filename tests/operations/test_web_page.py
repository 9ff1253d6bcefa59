"""``o`` opens an asset's web page: in the browser when the session has one (checked from the
environment: SSH, a capsule, no display on Linux), else the URL is copied as ``Y`` copies it.
The browser is started by co_tui.children (webbrowser's open and get are replaced here),
without the token in its environment; on My Data, the archive bin and the detail view (not the Files tab, where
``o`` is the pager)."""

from __future__ import annotations

import os
import webbrowser

import pytest

from co_tui import children
from co_tui.api import CodeOceanClient
from co_tui.app import CoTuiApp
from co_tui.emulator import Emulator
from co_tui.launch import build_app
from co_tui.operations.clipboard import asset_web_url
from co_tui.operations.web_page import browser_unavailable, open_web_page
from co_tui.screens.archive import ArchiveScreen
from co_tui.screens.asset_detail import AssetDetailScreen
from co_tui.widgets.asset_table import AssetTable
from tests.ui.ui_helpers import _settle

DESKTOP = {"DISPLAY": ":0"}


@pytest.mark.parametrize(("env", "platform", "reason"), [
    (DESKTOP, "linux", None),
    ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", None),
    ({}, "darwin", None),
    ({}, "win32", None),
    ({}, "linux", "no graphical display"),
    ({**DESKTOP, "SSH_CONNECTION": "10.0.0.1 22 10.0.0.2 22"}, "linux", "over SSH"),
    ({"SSH_TTY": "/dev/pts/1"}, "darwin", "over SSH"),
    ({**DESKTOP, "CO_CAPSULE_ID": "c-1"}, "linux", "inside a capsule"),
    ({**DESKTOP, "CO_COMPUTATION_ID": "w-1"}, "linux", "inside a capsule"),
])
def test_whether_a_browser_may_be_started(env: dict[str, str], platform: str,
                                          reason: str | None) -> None:
    assert browser_unavailable(env, platform) == reason


class FakeBrowser:
    """Stands in for webbrowser.open: records the URLs and the token variables it saw."""

    def __init__(self, works: bool = True) -> None:
        self.works = works
        self.opened: list[str] = []
        self.saw_token: list[bool] = []

    def __call__(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        self.opened.append(url)
        self.saw_token.append(any(name in os.environ for name in children.SECRET_ENV_VARS))
        return self.works


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> FakeBrowser:
    fake = FakeBrowser()
    monkeypatch.setattr(webbrowser, "open", fake)
    monkeypatch.setattr(webbrowser, "get",
                        lambda using=None: webbrowser.BackgroundBrowser("true"))
    return fake


def test_the_browser_gets_no_token_and_the_token_is_back_afterwards(
        browser: FakeBrowser, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CODEOCEAN_TOKEN", "cop_secret")
    outcome = open_web_page("https://co.example/data-assets/a", DESKTOP, "linux")
    assert outcome.opened and browser.opened == ["https://co.example/data-assets/a"]
    assert browser.saw_token == [False]
    assert os.environ["CODEOCEAN_TOKEN"] == "cop_secret"


def test_no_browser_or_a_terminal_browser_is_not_started(
        browser: FakeBrowser, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(webbrowser, "get",
                        lambda using=None: webbrowser.GenericBrowser("lynx"))
    assert not open_web_page("https://x.example/a", DESKTOP, "linux").opened
    assert open_web_page("https://x.example/a", DESKTOP, "linux").reason == "no web browser found"

    def none(using: str | None = None) -> webbrowser.BaseBrowser:
        raise webbrowser.Error("could not locate runnable browser")

    monkeypatch.setattr(webbrowser, "get", none)
    assert not open_web_page("https://x.example/a", DESKTOP, "linux").opened
    assert browser.opened == []
    assert open_web_page("https://x.example/a", {}, "linux").reason == "no graphical display"


def _app(emulator: Emulator) -> CoTuiApp:
    transport = emulator.transport()
    client = CodeOceanClient(emulator.config.api_origin, emulator.main_token,
                             transport=transport, files_transport=transport)
    return build_app(client, demo=True)


def _desktop(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SSH_CONNECTION", "SSH_TTY", "SSH_CLIENT", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr("sys.platform", "linux")


async def test_o_opens_the_web_page_in_the_browser_on_each_asset_screen(
        emulator: Emulator, browser: FakeBrowser, monkeypatch: pytest.MonkeyPatch) -> None:
    _desktop(monkeypatch)
    app = _app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        assert app.client is not None
        asset = app.screen.query_one(AssetTable).highlighted
        assert asset is not None
        await pilot.press("o")
        await _settle(app, pilot)
        assert browser.opened == [asset_web_url(app.client, asset.id)]
        assert app.clipboard != browser.opened[0]  # opened, not copied
        await pilot.press("enter")  # the detail view, Overview tab
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetDetailScreen)
        await pilot.press("o")
        await _settle(app, pilot)
        assert len(browser.opened) == 2
        await pilot.press("2")  # the Files tab: o is the pager's, not the web page's
        await _settle(app, pilot)
        assert app.screen.check_action("open_web_page", ()) is False
        await pilot.press("escape", "escape")
        await _settle(app, pilot)
        assert not isinstance(app.screen, AssetDetailScreen)
        await pilot.press("A")  # the archive bin
        await _settle(app, pilot)
        assert isinstance(app.screen, ArchiveScreen)
        archived = app.screen.query_one(AssetTable).highlighted
        assert archived is not None
        await pilot.press("o")
        await _settle(app, pilot)
        assert browser.opened[-1] == asset_web_url(app.client, archived.id)
    assert app._exception is None


@pytest.mark.parametrize("env", [{"SSH_CONNECTION": "10.0.0.1 5 10.0.0.2 22", "DISPLAY": ":0"},
                                 {"CO_CAPSULE_ID": "c-1", "DISPLAY": ":0"}])
async def test_o_copies_the_url_when_there_is_no_browser_here(
        emulator: Emulator, browser: FakeBrowser, monkeypatch: pytest.MonkeyPatch,
        env: dict[str, str]) -> None:
    _desktop(monkeypatch)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    app = _app(emulator)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await _settle(app, pilot)
        assert app.client is not None
        asset = app.screen.query_one(AssetTable).highlighted
        assert asset is not None
        await pilot.press("o")
        await _settle(app, pilot)
        assert browser.opened == []
        assert app.clipboard == asset_web_url(app.client, asset.id)
        notes = " ".join(str(n.message) for n in app._notifications)
        assert "Copied web URL (not opened:" in notes
    assert app._exception is None
