"""A program co-tui starts never sees the API token: ``$PAGER`` (run for real, through the app)
and :func:`co_tui.children.run_child` get the environment without ``CODEOCEAN_TOKEN``,
``CODEOCEAN_API_TOKEN`` and ``API_TOKEN``; every other variable passes through."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path
from typing import Any

import pytest
from textual.app import App

from co_tui.children import SECRET_ENV_VARS, child_env, run_child
from co_tui.emulator import Emulator
from co_tui.session.credentials import TOKEN_ENV_VARS
from tests.ui.test_asset_detail_helpers import make_app
from tests.ui.test_pager import UNIT_QC, _no_suspend, _press_o_on_the_readme

SECRETS = {"CODEOCEAN_TOKEN": "cop_secret_one", "CODEOCEAN_API_TOKEN": "cop_secret_two",
           "API_TOKEN": "cop_secret_three"}
KEPT = {"CODEOCEAN_DOMAIN": "https://work.example.com", "CO_TUI_TEST_KEPT": "still here",
        "LESS": "-R"}


def _env_dumper(out: Path) -> str:
    """A program (usable as $PAGER) that writes its environment to ``out`` as JSON."""
    code = f"import json, os; open({str(out)!r}, 'w').write(json.dumps(dict(os.environ)))"
    return shlex.join([sys.executable, "-c", code])


def _set(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {**SECRETS, **KEPT}.items():
        monkeypatch.setenv(name, value)


def _assert_clean(seen: dict[str, str]) -> None:
    assert not SECRET_ENV_VARS & seen.keys()
    for value in SECRETS.values():
        assert value not in json.dumps(seen)
    for name, value in KEPT.items():
        assert seen[name] == value
    assert seen["PATH"]  # the rest of the environment is the user's, unchanged


def test_every_token_variable_co_tui_reads_is_withheld() -> None:
    assert set(TOKEN_ENV_VARS) == SECRET_ENV_VARS == set(SECRETS)


def test_run_child_runs_a_real_program_without_the_token(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _set(monkeypatch)
    out = tmp_path / "env.json"
    done = run_child(shlex.split(_env_dumper(out)))
    assert done.returncode == 0
    _assert_clean(json.loads(out.read_text()))
    # an env handed in explicitly is filtered the same way
    run_child(shlex.split(_env_dumper(out)), env={**SECRETS, "PATH": "/usr/bin", "ONLY": "1"})
    assert json.loads(out.read_text()).keys() - {"LC_CTYPE"} == {"PATH", "ONLY"}
    assert child_env({**SECRETS, "A": "b"}) == {"A": "b"}


async def test_the_pager_gets_no_token(emulator: Emulator, demo_seed: Any, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "pager-env.json"
    _set(monkeypatch)
    monkeypatch.setenv("PAGER", _env_dumper(out))
    monkeypatch.setattr(App, "suspend", _no_suspend)
    app = make_app(emulator)
    asset_id = next(a.id for a in demo_seed.assets if a.name == UNIT_QC)
    async with app.run_test(size=(120, 36)) as pilot:
        await _press_o_on_the_readme(app, pilot, asset_id)
    assert out.exists(), "the pager did not run"
    _assert_clean(json.loads(out.read_text()))
    assert app._exception is None
