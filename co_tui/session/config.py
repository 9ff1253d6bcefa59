"""Settings and profiles in ``config.toml``, and validation of profile names and domains.

``config.toml`` (in :func:`co_tui.session.paths.config_dir`) holds no secret::

    default_profile = "work"

    [settings]
    theme = "nord"
    page_size = 500

    [profiles.work]
    domain = "https://codeocean.acme.com"

Tokens live in ``credentials.toml`` next to it (:mod:`co_tui.session.credentials`), the way the
AWS CLI splits ``config`` from ``credentials`` and gh splits ``config.yml`` from ``hosts.yml``: the
general file can be read, shown, diffed or copied to a dotfiles repository without carrying a
token, and a settings change (a theme picked in the TUI) never rewrites the token file.

Both files are read and written by :mod:`co_tui.session.toml_files` (atomically, mode 0600,
under a lock; a file that does not parse is never overwritten: reading it raises
:class:`ConfigError` naming the file and line).
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, ClassVar

from co_tui.domain import InsecureDomainError, normalize_domain
from co_tui.session import paths
from co_tui.session.toml_files import ConfigError, read_toml, update_toml_file

__all__ = [
    "DEFAULT_PROFILE_NAME",
    "Config",
    "ConfigError",
    "Profile",
    "SettingValue",
    "Settings",
    "load_config",
    "parse_config",
    "save_setting",
    "save_settings",
    "validate_domain",
    "validate_profile_name",
]

DEFAULT_PROFILE_NAME = "default"
CONFIG_HEADER = (
    "co-tui settings and profiles (rewritten by co-tui: comments are not kept).\n"
    "Tokens belong in credentials.toml in this folder (mode 0600), written by co-tui login."
)
_MAX_NAME = 64
# Bidirectional overrides and isolates: a name containing them displays as something else.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


# --- validation ---------------------------------------------------------------------------------


def _unsafe_char(text: str) -> str | None:
    """The first control, surrogate or bidi-control character in ``text``, if any."""
    for ch in text:
        if unicodedata.category(ch) in ("Cc", "Cs") or ch in _BIDI:
            return ch
    return None


def validate_profile_name(name: str) -> str:
    """``name`` if it can name a profile: 1-64 characters, no control characters or newlines.

    Like the AWS CLI (which refuses ``\\n``/``\\r`` so a value cannot start a new section), any
    control, surrogate or bidi-override character is refused; quotes, backslashes and other
    Unicode are fine, the TOML writer escapes them.
    """
    if not isinstance(name, str) or not name:
        raise ConfigError("a profile name must not be empty")
    if name != name.strip():
        raise ConfigError("a profile name must not start or end with spaces")
    if len(name) > _MAX_NAME:
        raise ConfigError(f"a profile name must be at most {_MAX_NAME} characters")
    bad = _unsafe_char(name)
    if bad is not None:
        raise ConfigError(
            f"a profile name must not contain control characters (found U+{ord(bad):04X})"
        )
    return name


def validate_domain(domain: str) -> str:
    """The normalised origin (``https://host[:port]``) for ``domain``, or :class:`ConfigError`.

    Control characters are refused before parsing: ``urllib`` silently drops tabs and newlines
    from URLs, so ``"https://a\\n.example"`` would otherwise become a different host.
    """
    if not isinstance(domain, str) or not domain.strip():
        raise ConfigError("the domain must not be empty")
    bad = _unsafe_char(domain)
    if bad is not None:
        raise ConfigError(
            f"the domain must not contain control characters (found U+{ord(bad):04X})"
        )
    try:
        normalized = normalize_domain(domain)
    except InsecureDomainError as exc:
        raise ConfigError(str(exc)) from exc
    except ValueError:  # urllib's own checks, e.g. a bracketed host that is no IPv6 address
        raise ConfigError("not a web address") from None
    _check_host(urllib.parse.urlsplit(normalized).hostname or "")
    return normalized


_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")


def _check_host(host: str) -> None:
    """Refuse host names no DNS name or IP literal can have (quotes, ``_``, ``\\`` ...).

    Such a "domain" is usually something else pasted in the wrong place (a token, say), and it
    would be looked up in DNS, so the message does not repeat it.
    """
    if ":" in host:  # an IPv6 literal (brackets already removed by urlsplit)
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise ConfigError("the domain's IPv6 address is not valid") from None
        return
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_host = ""
    labels = ascii_host.rstrip(".").split(".")
    if not ascii_host or len(ascii_host) > 253 or not all(_LABEL.fullmatch(x) for x in labels):
        raise ConfigError("the domain's host name may only hold letters, digits, '-' and '.'")


# --- settings and profiles ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Settings:
    """User preferences from ``[settings]`` in ``config.toml``; every field has a default.

    - ``theme``: a Textual theme name; picking one in the command palette saves it here.
    - ``download_dir``: the download dialog's folder; ``None`` means the current folder (or
      ``/results`` inside a capsule). ``~`` is expanded. A folder the user types in the dialog
      is saved here.
    - ``page_size``: assets per search request in My Data and the archive bin (API: 1-1000).
    - ``preview_max_bytes``: the most a preview reads per request (4 KiB - 256 KiB; smaller
      suits slow links).
    - ``parallel_downloads``: files transferred at once (8: object stores answer each request
      after a round trip, so more requests in flight move small files faster; the AWS CLI
      runs 10).
    - ``clipboard``: ``auto`` (guess whether the terminal passes OSC 52 on), ``osc52`` (trust
      it) or ``dialog`` (always show copied text to select); ``CO_TUI_CLIPBOARD`` overrides
      ``auto`` for one session.
    - ``cache``: keep My Data's first page between sessions so the next launch shows rows at
      once, marked "cached · refreshing" (:mod:`co_tui.session.page_cache`); ``false`` turns
      it off and removes the saved page.
    - ``columns``: My Data's and the archive bin's columns, in display order, as chosen with
      ``C`` (column keys such as ``"owner"``, ``"role"``); ``None`` means the usual set. Keys
      the app does not know are skipped when the list is drawn.
    - ``search_as_you_type``: search 0.25 s after the last keystroke in the search bar;
      ``false`` (the default) searches on ``enter`` only.

    A value of the wrong type or out of range in the file is replaced by the default with a
    warning, never a crash.
    """

    theme: str = "textual-dark"
    download_dir: str | None = None
    page_size: int = 200
    preview_max_bytes: int = 256 * 1024
    parallel_downloads: int = 8
    clipboard: str = "auto"
    cache: bool = True
    columns: tuple[str, ...] | None = None
    search_as_you_type: bool = False

    _BOOLS: ClassVar[frozenset[str]] = frozenset({"cache", "search_as_you_type"})
    _LISTS: ClassVar[frozenset[str]] = frozenset({"columns"})
    _RANGES: ClassVar[dict[str, tuple[int, int]]] = {
        "page_size": (1, 1000),
        "preview_max_bytes": (4 * 1024, 256 * 1024),
        "parallel_downloads": (1, 16),
    }
    _CHOICES: ClassVar[dict[str, tuple[str, ...]]] = {"clipboard": ("auto", "osc52", "dialog")}

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> tuple[Settings, list[str]]:
        """Settings from a ``[settings]`` table, and warnings for values that were ignored."""
        values: dict[str, Any] = {}
        warnings: list[str] = []
        for f in fields(cls):
            if f.name not in data:
                continue
            value = data[f.name]
            problem = cls._check(f.name, value)
            if problem:
                warnings.append(f"config.toml: settings.{f.name} {problem}; using the default")
            else:
                values[f.name] = tuple(value) if f.name in cls._LISTS else value
        return cls(**values), warnings

    @classmethod
    def _check(cls, name: str, value: Any) -> str | None:
        if name in cls._BOOLS:
            return None if isinstance(value, bool) else "must be true or false"
        if name in cls._LISTS:
            if not isinstance(value, (list, tuple)) or not all(
                    isinstance(item, str) and item and not _unsafe_char(item) for item in value):
                return "must be a list of names"
            return None
        if name in cls._RANGES:
            low, high = cls._RANGES[name]
            if isinstance(value, bool) or not isinstance(value, int):
                return "must be a whole number"
            if not low <= value <= high:
                return f"must be between {low} and {high}"
            return None
        if not isinstance(value, str) or not value or _unsafe_char(value):
            return "must be a non-empty line of text"
        if name in cls._CHOICES and value not in cls._CHOICES[name]:
            return "must be one of " + ", ".join(cls._CHOICES[name])
        return None

    def to_mapping(self) -> dict[str, Any]:
        """The ``[settings]`` table (``None`` fields left out)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return {name: list(value) if isinstance(value, tuple) else value
                for name, value in values.items() if value is not None}


@dataclass(frozen=True, slots=True)
class Profile:
    """A named Code Ocean deployment (``[profiles.NAME]``). Its token is kept elsewhere."""

    name: str
    domain: str

    def __post_init__(self) -> None:
        validate_profile_name(self.name)
        object.__setattr__(self, "domain", validate_domain(self.domain))


@dataclass(frozen=True, slots=True)
class Config:
    """What ``config.toml`` says, plus warnings about entries that were skipped."""

    settings: Settings = field(default_factory=Settings)
    profiles: Mapping[str, Profile] = field(default_factory=dict)
    default_profile: str | None = None
    path: Path | None = None
    warnings: tuple[str, ...] = ()


def parse_config(data: Mapping[str, Any], path: Path | None = None) -> Config:
    """A :class:`Config` from parsed ``config.toml`` contents; bad entries become warnings."""
    warnings: list[str] = []
    raw_settings = data.get("settings", {})
    if not isinstance(raw_settings, Mapping):
        warnings.append("config.toml: [settings] must be a table; using the defaults")
        raw_settings = {}
    settings, more = Settings.from_mapping(raw_settings)
    warnings += more
    profiles: dict[str, Profile] = {}
    raw_profiles = data.get("profiles", {})
    if not isinstance(raw_profiles, Mapping):
        warnings.append("config.toml: [profiles] must be a table of profiles; ignored")
        raw_profiles = {}
    for name, entry in raw_profiles.items():
        domain = entry.get("domain") if isinstance(entry, Mapping) else None
        if not isinstance(domain, str):
            warnings.append(f"config.toml: profile {name!r} has no domain; ignored")
            continue
        try:
            profiles[name] = Profile(name, domain)
        except ConfigError as exc:
            warnings.append(f"config.toml: profile {name!r} ignored: {exc}")
    default = data.get("default_profile")
    if default is not None and not isinstance(default, str):
        warnings.append("config.toml: default_profile must be a profile name; ignored")
        default = None
    return Config(settings, profiles, default, path, tuple(warnings))


def load_config(path: Path | None = None) -> Config:
    """Read ``config.toml`` (defaults when it is missing); :class:`ConfigError` if it is broken."""
    path = path or paths.config_file()
    return parse_config(read_toml(path), path)


SettingValue = str | int | bool | tuple[str, ...]
"""What one setting may hold (see :class:`Settings`)."""


def save_setting(name: str, value: SettingValue, path: Path | None = None) -> list[str]:
    """Store one setting in ``config.toml`` (the others, profiles and unknown keys are kept, and
    defaults the user never wrote stay unwritten); warns back. ``ConfigError`` if ``value``
    is not valid for ``name``."""
    if name not in {f.name for f in fields(Settings)}:
        raise ConfigError(f"there is no setting {name!r}")
    problem = Settings._check(name, value)
    if problem:
        raise ConfigError(f"settings.{name} {problem}")

    def change(data: dict[str, Any]) -> None:
        table = data.get("settings")
        table = dict(table) if isinstance(table, Mapping) else {}
        table[name] = list(value) if isinstance(value, tuple) else value
        data["settings"] = table

    return update_toml_file(path or paths.config_file(), change, header=CONFIG_HEADER)


def save_settings(settings: Settings, path: Path | None = None) -> list[str]:
    """Store ``settings`` in ``config.toml``, keeping profiles and unknown keys; warns back."""

    def change(data: dict[str, Any]) -> None:
        table = data.get("settings")
        table = dict(table) if isinstance(table, Mapping) else {}
        for f in fields(settings):
            table.pop(f.name, None)
        table.update(settings.to_mapping())
        data["settings"] = table

    return update_toml_file(path or paths.config_file(), change, header=CONFIG_HEADER)
