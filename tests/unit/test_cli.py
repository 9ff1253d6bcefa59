"""The command line surface (S4: no option of the app takes a token)."""

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
