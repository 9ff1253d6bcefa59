"""A ``credentials.toml`` that other users can read is made private (0600) when co-tui starts, and
the app says so on screen; nothing about it is left to print after the user quits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
from textual.widgets._toast import Toast

from co_tui import cli, launch
from co_tui.api import CodeOceanClient
from co_tui.emulator import Emulator
from co_tui.launch import build_app
from co_tui.session import paths
from co_tui.session.config import Config
from co_tui.session.credentials import make_credentials_private, resolve_credentials
from co_tui.session.login_store import save_login
from tests.config.cfg_helpers import mode
from tests.ui.ui_helpers import _settle

WORK = "https://work.example.com"
NOTICE = "credentials.toml was readable by others (mode 0644); co-tui made it private (0600)"


def _launch(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Run ``co-tui`` (no arguments) up to the point where the app would open; what it got."""
    seen: dict[str, Any] = {}

    def open_app(domain: str, build: Callable[[], CodeOceanClient], config: Config,
                 *, notices: Sequence[str] = (), **kwargs: object) -> int:
        # the settings and warnings the app gets, through the factory every launch uses
        seen["domain"] = domain
        seen["config"] = build_app(None, config=config, notices=notices).config
        seen["mode_at_open"] = mode(paths.credentials_file())
        return 0

    monkeypatch.setattr(launch, "open_app", open_app)
    assert cli.main([]) == 0
    return seen


@pytest.mark.parametrize("loose", [0o644, 0o604, 0o640], ids=["0644", "0604", "0640"])
def test_launch_makes_a_readable_credentials_file_private(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], loose: int) -> None:
    save_login("work", WORK, "cop_one")
    cred = paths.credentials_file()
    cred.chmod(loose)
    seen = _launch(monkeypatch)
    assert mode(cred) == 0o600 and seen["mode_at_open"] == 0o600
    (notice,) = [w for w in seen["config"].warnings if "credentials.toml" in w]
    assert f"was readable by others (mode {loose:04o}); co-tui made it private (0600)" in notice
    assert "revoking" in notice
    err = capsys.readouterr().err
    # the old report printed before the full-screen app, so it only showed after quitting
    assert "accessible by other users" not in err and "chmod 600" not in err
    assert "credentials.toml" not in err
    # the token is still read from it
    got = resolve_credentials(profile=None, domain=None, environ={})
    assert got is not None and got.token.get() == "cop_one" and got.warnings == ()


def test_a_private_file_is_left_alone_and_nothing_is_said(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    save_login("work", WORK, "cop_one")
    cred = paths.credentials_file()
    before = cred.stat()
    seen = _launch(monkeypatch)
    assert mode(cred) == 0o600 and cred.stat().st_mtime_ns == before.st_mtime_ns
    assert not any("credentials.toml" in w for w in seen["config"].warnings)
    assert capsys.readouterr().err == ""
    assert make_credentials_private(paths.config_dir() / "absent.toml") is None


def test_a_file_co_tui_cannot_change_is_reported_not_hidden(
        monkeypatch: pytest.MonkeyPatch) -> None:
    save_login("work", WORK, "cop_one")
    cred = paths.credentials_file()
    cred.chmod(0o644)

    def refuse(path: object, new_mode: int) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr("co_tui.session.credentials.os.chmod", refuse)
    notice = make_credentials_private()
    assert notice is not None and "could not make it private" in notice
    assert f"chmod 600 {cred}" in notice
    assert mode(cred) == 0o644


async def test_the_notice_is_on_screen_when_the_app_starts(
        monkeypatch: pytest.MonkeyPatch, emulator: Emulator) -> None:
    save_login("work", WORK, "cop_one")
    paths.credentials_file().chmod(0o644)
    config = _launch(monkeypatch)["config"]
    client = CodeOceanClient(emulator.config.api_origin, emulator.main_token,
                             transport=emulator.transport(), files_transport=emulator.transport())
    app = build_app(client, config=config)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await _settle(app, pilot)
        notes = [str(n.message) for n in app._notifications]
        assert any(NOTICE in note for note in notes), notes
        toasts = [str(toast.render()) for toast in app.screen.query(Toast)]
        assert any(NOTICE in " ".join(text.split()) for text in toasts), toasts
    await client.aclose()
