"""``C``: the column chooser adds and removes My Data's columns, the choice is the ``columns``
setting (one key written to config.toml, read back at the next launch), the attached column is
offered only inside a capsule, and the role column follows what the session learns (Pilot,
in-process emulator, the real config file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from co_tui.api import CodeOceanClient
from co_tui.app import CoTuiApp
from co_tui.emulator import Emulator
from co_tui.launch import build_app, load_config
from co_tui.modals.column_chooser import ATTACHED_REASON, ColumnChooser
from co_tui.screens.asset_list import AssetListScreen
from co_tui.session import paths
from co_tui.session.toml_files import read_toml
from co_tui.widgets.asset_columns import ATTACHED_MARK, COLUMNS
from co_tui.widgets.asset_table import AssetTable
from co_tui.widgets.choice import TickBox
from tests.ui.ui_helpers import _settle


def _write_config(text: str) -> Path:
    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _app(emulator: Emulator) -> CoTuiApp:
    transport = emulator.transport()
    client = CodeOceanClient(emulator.config.api_origin, emulator.main_token,
                             transport=transport, files_transport=transport)
    return build_app(client, demo=True, config=load_config())


def _shown(app: CoTuiApp) -> list[str]:
    return [c.key for c in app.screen.query_one(AssetTable).columns]


async def _toggle(pilot, key: str) -> None:  # type: ignore[no-untyped-def]
    """Move from the first row down to ``key``'s row with the arrow keys and tick it (the
    arrows skip a disabled row)."""
    enabled = [box.id.removeprefix("column-") for box in pilot.app.screen.query(TickBox)
               if box.id and not box.disabled]
    await pilot.press(*["down"] * enabled.index(key), "space")


async def test_the_chooser_adds_and_removes_columns_and_the_choice_survives_a_restart(
        emulator: Emulator) -> None:
    path = _write_config('default_profile = "lab"\n\n[settings]\npage_size = 50\n\n'
                         '[profiles.lab]\ndomain = "https://lab.example.org"\n')
    app = _app(emulator)
    async with app.run_test(size=(200, 36)) as pilot:
        await _settle(app, pilot)
        assert _shown(app) == [c.key for c in COLUMNS] and "role" not in _shown(app)
        await pilot.press("C")
        await _settle(app, pilot)
        chooser = app.screen
        assert isinstance(chooser, ColumnChooser)
        assert chooser.query_one("#column-type", TickBox).value  # shown now: ticked
        assert not chooser.query_one("#column-role", TickBox).value
        await _toggle(pilot, "role")  # add the role column
        await pilot.press("home")
        chooser.query_one("#column-favorite", TickBox).focus()
        await _toggle(pilot, "type")  # and remove the type column
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetListScreen)
        shown = _shown(app)
        assert "role" in shown and "type" not in shown and shown[1] == "name"
        header = app.screen.query_one(AssetTable).render_line(0).text
        assert "Role" in header and "Type" not in header
    saved = read_toml(path)
    # one key written; what the user had is kept, and no default was added
    assert saved["settings"] == {"page_size": 50, "columns": [k for k in shown]}
    assert saved["profiles"]["lab"]["domain"] == "https://lab.example.org"
    again = _app(emulator)  # the next launch
    async with again.run_test(size=(200, 36)) as pilot:
        await _settle(again, pilot)
        assert _shown(again) == shown
    assert app._exception is None and again._exception is None


async def test_escape_changes_nothing_and_x_brings_back_the_usual_columns(
        emulator: Emulator) -> None:
    path = _write_config('[settings]\ncolumns = ["name", "owner", "role"]\n')
    app = _app(emulator)
    async with app.run_test(size=(200, 36)) as pilot:
        await _settle(app, pilot)
        assert _shown(app) == ["name", "owner", "role"]
        await pilot.press("C", "space", "escape")  # tick the star column, then cancel
        await _settle(app, pilot)
        assert _shown(app) == ["name", "owner", "role"]
        await pilot.press("C", "x", "ctrl+s")
        await _settle(app, pilot)
        assert _shown(app) == [c.key for c in COLUMNS]
    assert read_toml(path)["settings"]["columns"] == [c.key for c in COLUMNS]


async def test_the_attached_column_is_offered_only_inside_a_capsule(emulator: Emulator) -> None:
    app = _app(emulator)
    async with app.run_test(size=(200, 36)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, AssetListScreen) and screen.capsule_id is None
        assert "attached" not in _shown(app)
        await pilot.press("C")
        await _settle(app, pilot)
        box = app.screen.query_one("#column-attached", TickBox)
        assert box.disabled and ATTACHED_REASON in str(box.label)
        await pilot.press("escape")
        await _settle(app, pilot)
    assert app._exception is None


async def test_inside_a_capsule_the_attached_column_is_usual_and_can_be_removed(
        emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write_config('[settings]\npage_size = 50\n')
    monkeypatch.setenv("CO_CAPSULE_ID", "no-such-capsule")
    app = _app(emulator)
    async with app.run_test(size=(200, 36)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, AssetListScreen)
        assert _shown(app)[:3] == ["favorite", "attached", "name"]  # usual inside a capsule
        table = screen.query_one(AssetTable)
        # the capsule's list is known (another part of the app reads it): the cells follow it
        first, second = table.assets[0], table.assets[1]
        screen.attached_ids = frozenset({first.id})
        screen.refresh_bindings()
        await _settle(app, pilot)
        assert ATTACHED_MARK in _att(table, 1) and ATTACHED_MARK not in _att(table, 2)
        screen.attached_ids = frozenset({second.id})
        screen.refresh_bindings()
        await _settle(app, pilot)
        assert ATTACHED_MARK not in _att(table, 1) and ATTACHED_MARK in _att(table, 2)
        await pilot.press("C")
        await _settle(app, pilot)
        box = app.screen.query_one("#column-attached", TickBox)
        assert not box.disabled and box.value and ATTACHED_REASON not in str(box.label)
        await _toggle(pilot, "attached")  # cleared
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert "attached" not in _shown(app)
        assert "attached" not in read_toml(path)["settings"]["columns"]
        await pilot.press("C", "x")  # the usual set, here, includes it again
        await _settle(app, pilot)
        assert app.screen.query_one("#column-attached", TickBox).value
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert "attached" in _shown(app)
    assert app._exception is None


def _att(table: AssetTable, line: int) -> str:
    """The attached column's three cells on ``line`` (after the star and a gap)."""
    return table.render_line(line).text[2:5]


async def test_the_role_column_shows_what_is_known_and_follows_new_roles(
        emulator: Emulator) -> None:
    _write_config('[settings]\ncolumns = ["name", "role"]\n')
    app = _app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        table = screen.query_one(AssetTable)
        assert "Role" in table.render_line(0).text
        before = table.render_line(1).text.split()[-1]
        assert before in ("?", "owner", "editor", "viewer", "discoverable")  # "?": not known
        assert before != "viewer"
        asset = table.assets[0]
        app.rights.roles[asset.id] = "viewer"
        app.rights.identity = None
        screen.refresh_bindings()  # what the app calls after learning rights
        await _settle(app, pilot)
        assert table.render_line(1).text.rstrip().endswith("viewer")
        table.action_cursor(1)  # a cursor move keeps the cached rows (only two lines redrawn)
        await _settle(app, pilot)
        assert table.render_line(1).text.rstrip().endswith("viewer")
    assert app._exception is None


def test_a_chosen_role_column_stays_at_80_columns() -> None:
    from co_tui.widgets.asset_columns import columns_from_keys, layout_columns

    usual = [c.key for c in COLUMNS]
    kept = [c.key for c, _ in layout_columns(79, columns_from_keys([*usual, "role"]))]
    assert "role" in kept and "name" in kept  # the usual extras (tags, owner ...) drop first
    both = [c.key for c, _ in layout_columns(79, columns_from_keys([*usual, "role", "attached"]))]
    assert {"role", "attached", "name"} <= set(both)
    assert [c.key for c in columns_from_keys(["tags", "nonsense", "role"])] == ["name", "role",
                                                                                 "tags"]
