"""``co-tui login`` / ``co-tui logout`` without the TUI: read a token, store or remove it.

- :func:`read_token_from_stdin` (``--token-stdin``) and :func:`prompt_login` (hidden input) are
  the only ways a token comes in: never argv (docs/reliability.md, 'Token secrecy').
- :func:`save_login` writes ``credentials.toml`` (token and its domain) and ``config.toml`` (the
  profile) under one lock; :func:`logout` removes the token but keeps the profile's name and
  domain, so logging in again offers the same domain and nothing secret is left.

Checking a token with the server is not here: :mod:`co_tui.operations.verify_login` (``verify``,
and ``login``: verify then :func:`save_login`) is the one part of logging in that talks to the
API, so this package stays free of the network client. The command line stays a thin wrapper::

    target = login_target(profile=args.profile, domain=args.domain)
    if args.token_stdin:
        domain, token = target.domain, read_token_from_stdin(sys.stdin)   # domain None: error
    else:
        answers = prompt_login(input, getpass.getpass, default_domain=target.domain)
        domain, token = answers.domain, answers.token
    outcome = asyncio.run(login(target.profile, domain, token))
    print(outcome.result.message); for w in outcome.warnings: print(w)

and ``co-tui logout [--profile NAME]`` is ``logout(args.profile)`` plus a note when
:func:`~co_tui.session.credentials.token_env_var` says a token is still set in the environment.
"""

from __future__ import annotations

import getpass
import logging
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from co_tui.redact import Secret, register_secret
from co_tui.session import paths
from co_tui.session.config import (
    CONFIG_HEADER,
    ConfigError,
    validate_domain,
    validate_profile_name,
)
from co_tui.session.credentials import (
    ProfileFiles,
    token_env_var,
    validate_token,
)
from co_tui.session.login_target import login_target
from co_tui.session.toml_files import read_toml, update_toml_file, write_toml_file

__all__ = [
    "LoginAnswers",
    "LoginError",
    "login_target",
    "logout",
    "prompt_login",
    "read_token_from_stdin",
    "save_login",
    "token_env_var",
]

log = logging.getLogger(__name__)

_MAX_STDIN = 64 * 1024


class LoginError(ValueError):
    """Login input was unusable (empty, several lines, cancelled). Never contains the token."""


@dataclass(frozen=True, slots=True)
class LoginAnswers:
    """What :func:`prompt_login` collected."""

    domain: str
    token: Secret


# --- storing and removing a login --------------------------------------------------------------

CREDENTIALS_HEADER = (
    "co-tui credentials: keep this file private (chmod 600).\n"
    "Written by 'co-tui login', removed by 'co-tui logout'. Each token is only sent to its domain."
)


def save_login(
    profile: str | None,
    domain: str,
    token: str | Secret,
    *,
    config_path: Path | None = None,
    credentials_path: Path | None = None,
) -> list[str]:
    """Store a verified login; returns warnings for the user. Writes happen under one lock
    (on the credentials file's folder; both files normally share it).

    ``credentials.toml`` gets ``[profiles.NAME] domain, token``; ``config.toml`` gets the
    profile's domain (a hand-written token there is moved out), and becomes the default profile
    when there is no valid default yet. Both files end up 0600 in a 0700 folder. A credentials
    file that others could read is replaced by a fresh 0600 one, and the warning says so (its
    old contents may have been read: consider revoking those tokens).
    """
    secret = token if isinstance(token, Secret) else Secret(token)
    validate_token(secret.get())
    normalized = validate_domain(domain)
    config_path = config_path or paths.config_file()
    credentials_path = credentials_path or paths.credentials_file()
    if profile is None:
        profile = login_target(
            profile=None, domain=normalized, environ={},
            config_path=config_path, credentials_path=credentials_path,
        ).profile
    name = validate_profile_name(profile)
    warnings = paths.ensure_private_dir(credentials_path.parent)
    warnings += paths.ensure_private_dir(config_path.parent)
    for path in (credentials_path, config_path):
        loose = paths.file_permission_warning(path)
        if loose and (path == credentials_path or _holds_token(read_toml(path))):
            warnings.append(
                f"The file '{path}' was accessible by other users; co-tui rewrote it with mode "
                "0600. Tokens it held may have been read: consider revoking them."
            )

    def change_credentials(data: dict[str, Any]) -> None:
        table = _table(data, "profiles")
        table[name] = {"domain": normalized, "token": secret.get()}

    def change_config(data: dict[str, Any]) -> None:
        table = _table(data, "profiles")
        old = table.get(name)
        entry = dict(old) if isinstance(old, Mapping) else {}
        entry.pop("token", None)
        entry["domain"] = normalized
        table[name] = entry
        default = data.get("default_profile")
        if not isinstance(default, str) or default not in table:
            data["default_profile"] = name

    with paths.config_lock(credentials_path.parent):
        update_toml_file(credentials_path, change_credentials, header=CREDENTIALS_HEADER,
                         locked=True)
        update_toml_file(config_path, change_config, header=CONFIG_HEADER, locked=True)
    log.debug("saved a login for profile %r (%s) in %s", name, normalized, credentials_path)
    return warnings


def logout(
    profile: str | None,
    *,
    config_path: Path | None = None,
    credentials_path: Path | None = None,
) -> bool:
    """Remove the stored token of ``profile`` (default: the default profile). True if removed.

    :class:`CredentialsError` when ``profile`` is None and there is no single default profile.

    The profile itself (its name and domain in ``config.toml``) stays, so ``co-tui login
    --profile NAME`` offers the same domain again; nothing secret remains. The credentials file
    is deleted when its last token goes. Tokens in the environment are not touched: see
    :func:`token_env_var` to tell the user.
    """
    config_path = config_path or paths.config_file()
    credentials_path = credentials_path or paths.credentials_file()
    if not credentials_path.parent.exists() and not config_path.exists():
        return False
    if profile is None:
        name = ProfileFiles(config_path, credentials_path).default_name()
        if name is None:
            return False
    else:
        name = validate_profile_name(profile)
    with paths.config_lock(credentials_path.parent):
        removed = _drop_stored_token(credentials_path, name)
        removed = _drop_config_token(config_path, name) or removed
    log.debug("logout of profile %r: %s", name, "token removed" if removed else "no token stored")
    return removed


def _holds_token(data: Mapping[str, Any]) -> bool:
    table = data.get("profiles")
    return isinstance(table, Mapping) and any(
        isinstance(entry, Mapping) and "token" in entry for entry in table.values()
    )


def _drop_stored_token(path: Path, name: str) -> bool:
    """Remove ``name`` from ``credentials.toml``; delete the file when nothing is left."""
    data = read_toml(path)
    table = data.get("profiles")
    if not isinstance(table, dict) or name not in table:
        return False
    entry = table.pop(name)
    if not table and data.keys() <= {"profiles"}:
        path.unlink(missing_ok=True)
    else:
        write_toml_file(path, data, header=CREDENTIALS_HEADER)
    return isinstance(entry, dict) and "token" in entry


def _drop_config_token(path: Path, name: str) -> bool:
    """Remove a hand-written ``token`` from profile ``name`` in ``config.toml``."""
    data = read_toml(path)
    table = data.get("profiles")
    entry = table.get(name) if isinstance(table, dict) else None
    if not isinstance(entry, dict) or "token" not in entry:
        return False
    del entry["token"]
    write_toml_file(path, data, header=CONFIG_HEADER)
    return True


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        value = {}
        data[key] = value
    return value


# --- checking a login --------------------------------------------------------------------------


def read_token_from_stdin(stream: IO[str] | IO[bytes] | None = None) -> str:
    """The token piped to ``co-tui login --token-stdin``.

    One trailing newline (``\\n`` or ``\\r\\n``) is removed; empty input, several lines, spaces
    or control characters are refused with a :class:`LoginError` that never quotes the input.
    """
    stream = stream if stream is not None else sys.stdin
    data = stream.read(_MAX_STDIN + 1)
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise LoginError("standard input is not UTF-8 text") from None
    if len(data) > _MAX_STDIN:
        raise LoginError("standard input is far too long to be a token")
    if data.endswith("\r\n"):
        data = data[:-2]
    elif data.endswith("\n"):
        data = data[:-1]
    if not data:
        raise LoginError("no token on standard input")
    register_secret(data)
    if "\n" in data or "\r" in data:
        raise LoginError("standard input holds more than one line: pipe only the token")
    try:
        return validate_token(data)
    except ConfigError as exc:
        raise LoginError(f"standard input: {exc}") from None


def prompt_login(
    input_fn: Callable[[str], str] = input,
    getpass_fn: Callable[[str], str] = getpass.getpass,
    *,
    default_domain: str | None = None,
    print_fn: Callable[[str], None] | None = None,
    attempts: int = 3,
) -> LoginAnswers:
    """Ask for the domain (offering ``default_domain``) and the token (hidden, via getpass).

    Each answer is checked locally and asked again up to ``attempts`` times; problems are shown
    with ``print_fn`` (default: stderr). End of input raises :class:`LoginError`.
    """
    say = print_fn or (lambda text: print(text, file=sys.stderr))
    offer = f" [{default_domain}]" if default_domain else ""
    domain: str | None = None
    for _ in range(attempts):
        text = _ask(input_fn, f"Code Ocean domain{offer}: ").strip() or (default_domain or "")
        try:
            domain = validate_domain(text)
            break
        except ConfigError as exc:
            say(f"  {exc}")
    if domain is None:
        raise LoginError("no usable domain was given")
    for _ in range(attempts):
        raw = _ask(getpass_fn, "Access token (input hidden): ").strip()
        if raw:
            register_secret(raw)
        try:
            return LoginAnswers(domain, Secret(validate_token(raw)))
        except ConfigError as exc:
            say(f"  {exc}")
    raise LoginError("no usable token was given")


def _ask(ask: Callable[[str], str], prompt: str) -> str:
    try:
        return ask(prompt)
    except EOFError:
        raise LoginError("login cancelled: no input") from None
