"""The palette and the help speak to users: every co-tui key has an explanation written for
them (co_tui/key_help.py), and no entry on screen quotes code (``delta``) or reads like a
docstring ("move the cursor by delta rows")."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator
from typing import Any

from textual.binding import Binding
from textual.dom import DOMNode

import co_tui
from co_tui.app import CoTuiApp
from co_tui.commands import KeyAction, screen_actions
from co_tui.emulator import Emulator
from co_tui.key_help import EXPLANATIONS, explanation
from tests.ui.test_asset_detail_helpers import make_app, open_detail, open_files, settle

UNIT_QC = "unit QC ecephys_661398 (result)"
_CODE = re.compile(r"``|\{|\b[a-z]+_[a-z_]+\b|\w\(")
"""Quoted code, format placeholders, snake_case names, calls."""


def _user_facing(text: str) -> bool:
    return bool(text) and text[0].isupper() and not _CODE.search(text)


def _subclasses(cls: type[object]) -> Iterator[type[object]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _co_tui_bindings() -> Iterator[tuple[type, Binding]]:
    for info in pkgutil.walk_packages(co_tui.__path__, "co_tui."):
        if info.name.split(".")[1] in ("emulator", "api", "transfer", "preview", "__main__"):
            continue
        importlib.import_module(info.name)
    for cls in set(_subclasses(DOMNode)):
        if not cls.__module__.startswith("co_tui."):
            continue
        for binding in Binding.make_bindings(cls.__dict__.get("BINDINGS", [])):
            yield cls, binding


def test_every_key_has_an_explanation_written_for_users() -> None:
    missing, wrong = [], []
    for cls, binding in _co_tui_bindings():
        namespace, _, action = binding.action.rpartition(".")
        if namespace == "app" and not cls.__name__.endswith("App"):
            continue  # Textual's own app actions bound on a screen (focus next, quit)
        if binding.action == "screen.copy_text":
            continue
        if namespace == "screen":  # a widget's key that runs its screen's action
            text = next((t for k, t in EXPLANATIONS.items() if k.endswith(f".{action}")), "")
        else:
            text = explanation(cls, action)
        if not text:
            missing.append(f"{cls.__name__}.{binding.action}")
        elif not _user_facing(text):
            wrong.append(text)
        if not _user_facing(binding.description):
            wrong.append(binding.description)
    assert not missing, f"add these to co_tui/key_help.py: {sorted(set(missing))}"
    assert not wrong, wrong


def _entries(actions: list[KeyAction]) -> list[str]:
    return [text for a in actions for text in (a.description, a.explanation) if text]


async def _detail_entries(app: CoTuiApp, pilot: Any, demo_seed: Any) -> list[str]:
    asset_id = next(a.id for a in demo_seed.assets if a.name == UNIT_QC)
    texts = _entries(screen_actions(app.screen))  # My Data
    screen = await open_detail(app, pilot, asset_id)
    texts += _entries(screen_actions(screen))
    await open_files(app, pilot, screen)
    texts += _entries(screen_actions(screen))
    await pilot.press("question_mark")
    await settle(app, pilot)
    texts += _entries(screen_actions(app.screen))  # the help dialog's own keys
    return texts


async def test_palette_and_help_entries_do_not_quote_code(emulator: Emulator,
                                                          demo_seed: Any) -> None:
    app = make_app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        texts = await _detail_entries(app, pilot, demo_seed)
        bad = sorted({text for text in texts if not _user_facing(text)})
        assert not bad, bad
        assert "Move down one row" in texts  # the lists' cursor keys are explained
    assert app._exception is None
