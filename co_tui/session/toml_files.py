"""TOML in and out: the small writer :func:`dumps_toml`, and reading and rewriting the files.

``config.toml`` and ``credentials.toml`` are written by :func:`write_toml_file` /
:func:`update_toml_file` through :func:`co_tui.session.paths.atomic_write_text` (mode 0600 from
the first byte, fsync, ``os.replace``, folder fsync: rclone's scheme) in a 0700 folder, under
:func:`co_tui.session.paths.config_lock` so two co-tui processes do not interleave their
read-modify-write. TOML is read with :mod:`tomllib` and written by :func:`dumps_toml` (the
standard library has no writer); keys co-tui does not know are kept on rewrite, comments are
not. A file that does not parse is never overwritten: reading it raises :class:`ConfigError`
naming the file and line.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import logging
import math
import re
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from co_tui.session import paths

__all__ = ["ConfigError", "dumps_toml", "read_toml", "update_toml_file", "write_toml_file"]

log = logging.getLogger(__name__)


class ConfigError(ValueError):
    """A configuration or credentials file, or a value for one, is unusable. Never holds a token."""


# --- TOML writing -------------------------------------------------------------------------------

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f",
                  "\r": "\\r"}


def _toml_string(text: str) -> str:
    """A TOML basic string: quotes and backslashes escaped, control characters as ``\\uXXXX``."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[ch])
        elif code < 0x20 or 0x7F <= code <= 0x9F:
            out.append(f"\\u{code:04X}")
        elif 0xD800 <= code <= 0xDFFF:
            raise ConfigError("text with a lone surrogate cannot be written to TOML")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _toml_key(key: str) -> str:
    if not isinstance(key, str):
        raise ConfigError(f"TOML keys are strings, not {type(key).__name__}")
    return key if _BARE_KEY.fullmatch(key) else _toml_string(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, Mapping):
        items = ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + items + " }" if items else "{}"
    raise ConfigError(f"cannot write a {type(value).__name__} to TOML")


def _emit_table(path: list[str], table: Mapping[str, Any], out: list[str]) -> None:
    plain = [(k, v) for k, v in table.items() if not isinstance(v, Mapping)]
    nested = [(k, v) for k, v in table.items() if isinstance(v, Mapping)]
    header = bool(path) and (bool(plain) or not nested)  # a table of tables needs no header
    if header:
        out.append("[" + ".".join(_toml_key(p) for p in path) + "]")
    for key, value in plain:
        out.append(f"{_toml_key(key)} = {_toml_value(value)}")
    if header or plain:
        out.append("")
    for key, value in nested:
        _emit_table([*path, key], value, out)


def dumps_toml(data: Mapping[str, Any], *, header: str = "") -> str:
    """TOML text for ``data``: nested mappings become ``[tables]``, everything else ``key = value``.

    Handles what :func:`tomllib.loads` produces (strings, numbers, booleans, dates and times,
    arrays, tables; tables inside arrays are written inline), so ``tomllib.loads(dumps_toml(d))
    == d``. ``header`` lines are written first as ``#`` comments.
    """
    out = [f"# {line}".rstrip() for line in header.splitlines()]
    if out:
        out.append("")
    _emit_table([], data, out)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


# --- files --------------------------------------------------------------------------------------


def read_toml(path: Path) -> dict[str, Any]:
    """The parsed contents of ``path``, ``{}`` if it does not exist; :class:`ConfigError` if bad.

    ``tomllib``'s messages give the line and column, never the offending text, so they are safe
    to show even for the credentials file.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path} is not UTF-8 text (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None


def write_toml_file(path: Path, data: Mapping[str, Any], *, header: str = "") -> list[str]:
    """Write ``data`` to ``path`` atomically (0600, in a 0700 folder); returns warnings."""
    warnings = paths.ensure_private_dir(path.parent)
    paths.atomic_write_text(path, dumps_toml(data, header=header))
    log.debug("wrote %s", path)
    return warnings


def update_toml_file(
    path: Path,
    change: Callable[[dict[str, Any]], None],
    *,
    header: str = "",
    locked: bool = False,
) -> list[str]:
    """Read ``path``, let ``change`` edit the parsed dict in place, write it back atomically.

    Runs under :func:`co_tui.session.paths.config_lock` unless the caller already holds it
    (``locked=True``; ``flock`` is per open file, so taking it twice in one process would wait
    for ever). A file that does
    not parse raises :class:`ConfigError` and is left as it is.
    """
    warnings = paths.ensure_private_dir(path.parent)
    with contextlib.nullcontext() if locked else paths.config_lock(path.parent):
        data = read_toml(path)
        change(data)
        paths.atomic_write_text(path, dumps_toml(data, header=header))
    log.debug("updated %s", path)
    return warnings
