"""The command line surface (no option of the app takes a token: docs/reliability.md,
'Token secrecy')."""

from __future__ import annotations

import argparse

import pytest

from co_tui import __version__
from co_tui.cli import build_parser, main


def _options(parser: argparse.ArgumentParser) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {"": []}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found[name] = [s for a in sub._actions for s in a.option_strings]
        else:
            found[""].extend(action.option_strings)
    return found


def test_no_app_option_accepts_a_token() -> None:
    options = _options(build_parser())
    for command, strings in options.items():
        if command == "emulator":
            continue  # the emulator's --token sets the *emulated* user's fake token
        assert not [s for s in strings if "token" in s and s != "--token-stdin"], command


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"co-tui {__version__}"


def test_emulator_rejects_bad_faults(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["emulator", "--faults", "429=lots"]) == 2
    assert "bad --faults" in capsys.readouterr().err


def test_without_credentials_the_app_explains_what_to_do(capsys: pytest.CaptureFixture[str]) -> None:
    import gc

    assert main([]) == 2
    assert gc.isenabled()  # main turns the collector off for start-up only
    err = capsys.readouterr().err
    assert "co-tui login" in err and "CODEOCEAN_TOKEN" in err and "--demo" in err


def test_login_token_stdin_needs_a_domain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["login", "--token-stdin"]) == 2
    assert "--domain" in capsys.readouterr().err


def test_login_and_logout_round_trip(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """`co-tui login --token-stdin` against a served emulator, then `co-tui logout`."""
    import io

    from co_tui.emulator import EmulatorConfig, serve_in_thread
    from co_tui.session.credentials import resolve_credentials

    with serve_in_thread(EmulatorConfig(seed="empty")) as served:
        monkeypatch.setattr("sys.stdin", io.StringIO(served.emulator.main_token + "\n"))
        assert main(["login", "--domain", served.domain, "--token-stdin"]) == 0
        assert "accepted" in capsys.readouterr().out
        creds = resolve_credentials(profile=None, domain=None, environ={})
        assert creds is not None and creds.domain == served.domain
        assert creds.token.get() == served.emulator.main_token
        assert served.emulator.main_token not in repr(creds) + creds.source
    assert main(["logout"]) == 0
    assert resolve_credentials(profile=None, domain=None, environ={}) is None
