"""The list's settings in config.toml: ``columns`` (a list of column names, as the column
chooser saves it) and ``search_as_you_type`` (true or false); bad values are warnings, and
saving one rewrites that key only."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from co_tui.session.config import ConfigError, Settings, load_config, save_setting


def test_defaults() -> None:
    assert Settings().columns is None and Settings().search_as_you_type is False


def test_good_values_are_read() -> None:
    settings, warnings = Settings.from_mapping(
        {"columns": ["name", "role", "owner"], "search_as_you_type": True})
    assert warnings == []
    assert settings.columns == ("name", "role", "owner") and settings.search_as_you_type


@pytest.mark.parametrize(("table", "problem"), [
    ({"columns": "name,role"}, "settings.columns must be a list of names"),
    ({"columns": ["name", 3]}, "settings.columns must be a list of names"),
    ({"columns": ["name", "ro\x1ble"]}, "settings.columns must be a list of names"),
    ({"search_as_you_type": "yes"}, "settings.search_as_you_type must be true or false"),
])
def test_bad_values_are_warnings_and_the_default_is_used(table: dict[str, object],
                                                         problem: str) -> None:
    settings, warnings = Settings.from_mapping(table)
    assert settings == Settings()
    assert len(warnings) == 1 and problem in warnings[0]


def test_saving_the_columns_rewrites_that_key_only(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('default_profile = "lab"\n\n[settings]\ntheme = "nord"\nfuture = 1\n\n'
                    '[profiles.lab]\ndomain = "https://lab.example.org"\n', encoding="utf-8")
    assert save_setting("columns", ("name", "role"), path) == []
    saved = tomllib.loads(path.read_text(encoding="utf-8"))
    assert saved["settings"] == {"theme": "nord", "future": 1, "columns": ["name", "role"]}
    assert saved["profiles"]["lab"]["domain"] == "https://lab.example.org"
    assert load_config(path).settings.columns == ("name", "role")
    with pytest.raises(ConfigError):
        save_setting("columns", "name", path)
