"""The TOML writer, hostile names and domains, settings, and the platformdirs locations."""

from __future__ import annotations

import datetime as dt
import math
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from co_tui.session import paths
from co_tui.session.config import (
    Config,
    ConfigError,
    Profile,
    Settings,
    load_config,
    save_settings,
    validate_domain,
    validate_profile_name,
)
from co_tui.session.credentials import (
    resolve_credentials,
)
from co_tui.session.login_store import save_login
from co_tui.session.toml_files import dumps_toml, read_toml

HOSTILE_NAMES = [
    'say "hi"',
    "back\\slash",
    "trailing\\",
    '\\"',
    "ünïcødé ☃ 日本語 🚀",
    "it's",
    "dots.in.name",
    "[brackets]",
    "= equals",
    "# hash",
    "'''",
    '"""',
    "\u00e9\u0301",  # combining accent
    "a" * 64,
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_profile_names_round_trip(name: str) -> None:
    save_login(name, "https://work.example.com", "cop_tok")
    assert list(load_config().profiles) == [name]
    got = resolve_credentials(profile=name, domain=None, environ={})
    assert got is not None and got.profile == name and got.token.get() == "cop_tok"
    assert got.source == f"profile '{name}' in {paths.credentials_file()}"


@pytest.mark.parametrize(
    "domain",
    [
        "https://bücher.example",
        "https://ÜBER.例え.jp",
        "https://xn--bcher-kva.example:8443",
        "http://[::1]:8000",
        "https://10.0.0.1:8443",
        "https://co.example.com.",
    ],
)
def test_odd_domains_round_trip(domain: str) -> None:
    save_login("p", domain, "cop_tok")
    got = resolve_credentials(profile="p", domain=None, environ={})
    assert got is not None and got.domain == validate_domain(domain)


BAD_CHARS = ["\n", "\r", "\t", "\x00", "\x1b", "\x07", "\x7f", "\x85", "\u202e", "\u2066", "\ud800"]


@pytest.mark.parametrize("ch", BAD_CHARS, ids=[f"U+{ord(c):04X}" for c in BAD_CHARS])
def test_control_characters_are_refused_in_names_and_domains(ch: str) -> None:
    with pytest.raises(ConfigError, match="control characters"):
        validate_profile_name(f"work{ch}[evil]")
    with pytest.raises(ConfigError):
        save_login(f"work{ch}x", "https://work.example.com", "cop_tok")
    with pytest.raises(ConfigError):
        validate_domain(f"https://work.example.com{ch}.evil.com")
    with pytest.raises(ConfigError):
        save_login("work", f"https://wo{ch}rk.example.com", "cop_tok")
    with pytest.raises(ConfigError):
        Profile(f"a{ch}", "https://work.example.com")
    assert not paths.credentials_file().exists()


@pytest.mark.parametrize("name", ["", " lead", "trail ", "x" * 65])
def test_other_bad_names(name: str) -> None:
    with pytest.raises(ConfigError):
        validate_profile_name(name)


@pytest.mark.parametrize(
    "domain",
    ["", "   ", "ftp://x.example.com", "https://u:p@x.example.com", "http://x.example.com",
     "https://x.example.com/path", 'https://quo"te.example.com', "https://a\\b.example.com",
     "https://under_score.example.com", "https://-lead.example.com", "https://a..b.com",
     "CO_TEST_0123456789abcdef", "https://[::zz]", "https://" + "a" * 64 + ".com"],
)
def test_bad_domains(domain: str) -> None:
    with pytest.raises(ConfigError):
        validate_domain(domain)


def test_hand_edited_bad_profiles_are_skipped_with_warnings() -> None:
    path = paths.config_file()
    path.parent.mkdir(parents=True)
    path.write_text(
        '[profiles.good]\ndomain = "https://g.example.com"\n'
        '[profiles."bad\\nname"]\ndomain = "https://b.example.com"\n'
        '[profiles.nodomain]\nx = 1\n'
        '[profiles.http]\ndomain = "http://plain.example.com"\n'
    )
    config = load_config()
    assert list(config.profiles) == ["good"]
    assert len(config.warnings) == 3


# --- the writer ------------------------------------------------------------------------------

def test_dumps_toml_shape() -> None:
    text = dumps_toml(
        {"default_profile": "w", "settings": {"page_size": 10},
         "profiles": {"w": {"domain": "https://x"}, "a b": {"domain": "https://y"}}},
        header="first\nsecond",
    )
    assert text == (
        "# first\n# second\n\n"
        'default_profile = "w"\n\n'
        "[settings]\npage_size = 10\n\n"
        '[profiles.w]\ndomain = "https://x"\n\n'
        '[profiles."a b"]\ndomain = "https://y"\n'
    )


def test_dumps_toml_escapes() -> None:
    value = 'q" b\\ n\n t\t e\x1b d\x7f c\x85 ☃'
    text = dumps_toml({"k": value})
    assert "\x1b" not in text and "\n t" not in text and "\x85" not in text
    assert tomllib.loads(text) == {"k": value}


def test_dumps_toml_refuses_what_toml_cannot_hold() -> None:
    with pytest.raises(ConfigError):
        dumps_toml({"k": "\ud800"})
    with pytest.raises(ConfigError):
        dumps_toml({"k": object()})


def test_dumps_toml_other_types() -> None:
    data: dict[str, Any] = {
        "b": True, "i": -3, "f": 1.5e300, "inf": math.inf, "ninf": -math.inf,
        "d": dt.date(2024, 1, 2), "t": dt.time(3, 4, 5),
        "dt": dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        "arr": [1, "two", [3.0], {"inline": {"deep": "x"}}], "empty": {}, "": "empty key",
        "tables": {"only": {"sub": {"x": 1}}},
    }
    assert tomllib.loads(dumps_toml(data)) == data
    assert math.isnan(tomllib.loads(dumps_toml({"n": math.nan}))["n"])


_keys = st.text(max_size=12)
_scalars = (
    st.text(max_size=30) | st.integers(min_value=-(2**63), max_value=2**63 - 1) | st.booleans()
    | st.floats(allow_nan=False)
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=4),
    max_leaves=12,
)


@given(st.dictionaries(_keys, _values, max_size=6))
def test_dumps_toml_round_trips(data: dict[str, Any]) -> None:
    assert tomllib.loads(dumps_toml(data)) == data


# --- settings --------------------------------------------------------------------------------

def test_settings_defaults_when_nothing_is_configured() -> None:
    config = load_config()
    assert config == Config(path=paths.config_file())
    assert config.settings == Settings()


def test_settings_round_trip_keeps_profiles_and_unknown_keys() -> None:
    save_login("work", "https://work.example.com", "cop_tok")
    path = paths.config_file()
    data = read_toml(path)
    data["settings"] = {"future_option": [1, 2], "theme": "old"}
    data["plugins"] = {"x": {"y": "z"}}
    path.write_text(dumps_toml(data))
    wanted = Settings(theme="gruvbox", download_dir="/scratch/my \"data\"", page_size=250,
                      preview_max_bytes=65536, parallel_downloads=8)
    assert save_settings(wanted) == []
    config = load_config()
    assert config.settings == wanted and config.warnings == ()
    assert list(config.profiles) == ["work"] and config.default_profile == "work"
    raw = read_toml(path)
    assert raw["settings"]["future_option"] == [1, 2] and raw["plugins"] == {"x": {"y": "z"}}
    save_settings(Settings())  # back to defaults: download_dir disappears from the file
    assert "download_dir" not in read_toml(path)["settings"]


@pytest.mark.parametrize(
    ("table", "warning"),
    [
        ({"page_size": 0}, "settings.page_size must be between 1 and 1000"),
        ({"page_size": "100"}, "settings.page_size must be a whole number"),
        ({"page_size": True}, "settings.page_size must be a whole number"),
        ({"parallel_downloads": 99}, "settings.parallel_downloads must be between 1 and 16"),
        ({"theme": ""}, "settings.theme must be a non-empty line of text"),
        ({"theme": "a\x1b[31m"}, "settings.theme must be a non-empty line of text"),
        ({"download_dir": 5}, "settings.download_dir must be a non-empty line of text"),
    ],
)
def test_bad_settings_fall_back_to_defaults(table: dict[str, Any], warning: str) -> None:
    settings, warnings = Settings.from_mapping(table)
    assert settings == Settings()
    assert warnings == [f"config.toml: {warning}; using the default"]


def test_broken_config_raises_with_path_and_line_and_is_kept() -> None:
    path = paths.config_file()
    path.parent.mkdir(parents=True)
    path.write_text('theme = "x"\n[settings\n')
    with pytest.raises(ConfigError) as info:
        load_config()
    assert str(path) in str(info.value) and "line 2" in str(info.value)
    with pytest.raises(ConfigError):
        save_settings(Settings())
    assert path.read_text() == 'theme = "x"\n[settings\n'


def test_non_utf8_config_is_a_config_error() -> None:
    path = paths.config_file()
    path.parent.mkdir(parents=True)
    path.write_bytes(b'theme = "\xff"\n')
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config()


# --- locations -------------------------------------------------------------------------------

def test_locations_follow_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "c"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "s"))
    assert paths.config_dir() == tmp_path / "c" / "co-tui"
    assert paths.config_file() == tmp_path / "c" / "co-tui" / "config.toml"
    assert paths.credentials_file() == tmp_path / "c" / "co-tui" / "credentials.toml"
    assert paths.state_dir() == tmp_path / "s" / "co-tui"
    assert paths.log_dir().is_relative_to(tmp_path / "s" / "co-tui")
    assert paths.crash_dir() == tmp_path / "s" / "co-tui" / "crashes"


def test_ensure_private_dir_for_logs_and_crashes() -> None:
    for folder in (paths.log_dir(), paths.crash_dir()):
        assert paths.ensure_private_dir(folder) == []
        assert folder.is_dir() and folder.stat().st_mode & 0o777 == 0o700


def test_ensure_private_dir_refuses_a_file(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("")
    with pytest.raises(NotADirectoryError):
        paths.ensure_private_dir(tmp_path / "f")


def test_modules_import_without_textual() -> None:
    code = (
        "import sys, co_tui.session.paths, co_tui.session.config, co_tui.session.credentials, co_tui.session.login_store\n"
        "print(','.join(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
