"""Where the domain and token come from: ``--profile``/``--domain``, environment, profiles.

Resolution (:func:`resolve_credentials`), first match wins (docs/product.md, 'Connecting'):

1. ``--profile NAME``: that profile's domain and token; the environment is ignored, as the AWS
   CLI drops its env provider when a profile is named. ``--domain`` must then agree with it.
2. A token in the environment: ``CODEOCEAN_TOKEN``, else ``CODEOCEAN_API_TOKEN``, else
   ``API_TOKEN``; its domain from ``--domain``, else ``CODEOCEAN_DOMAIN``, else ``CODEOCEAN_URL``.
   A Code Ocean token variable without any domain is an error. ``API_TOKEN`` is a generic name
   that other tools use too, so it only counts next to a Code Ocean domain (``--domain`` or a
   ``CODEOCEAN_*`` domain variable) and is otherwise ignored: co-tui must not send some other
   service's key to a Code Ocean host. ``API_SECRET`` and ``CUSTOM_KEY`` (capsule secrets) are
   not read at all for the same reason (a Custom Key secret is named ``CUSTOM_KEY`` whatever
   service it is for); inside a capsule, ``export CODEOCEAN_TOKEN="$CUSTOM_KEY"``.
3. A domain without a token (``--domain`` or a domain variable) selects the saved profile for
   that deployment.
4. Otherwise ``default_profile`` from ``config.toml``, else the only profile, else the profile
   named ``default``.

``None`` means nothing is configured (or the chosen profile is logged out): show the login
screen. :class:`CredentialsError` means the configuration contradicts itself or names something
missing; its message says what to do and never contains a token.

Storage (written by :func:`co_tui.session.login_store.save_login`): ``credentials.toml`` keeps, per
profile, the token **and the domain it was saved for**. A token is only used for that domain:
editing the domain in the less guarded ``config.toml`` cannot redirect a saved token to another
host (gh scopes tokens to hosts the same way).

No system keyring: the ``keyring`` package is not a dependency, and the places co-tui runs (SSH
sessions, capsule and workstation containers) mostly have no Secret Service, where gh's experience
is a silent fallback to a file anyway (cli/cli#8954).
"""

from __future__ import annotations

import logging
import os
import shlex
import stat
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from co_tui.redact import Secret, redact
from co_tui.session import paths
from co_tui.session.config import (
    DEFAULT_PROFILE_NAME,
    Config,
    ConfigError,
    parse_config,
    validate_domain,
    validate_profile_name,
)
from co_tui.session.toml_files import read_toml

__all__ = [
    "DOMAIN_ENV_VARS",
    "TOKEN_ENV_VARS",
    "CredentialsError",
    "ProfileFiles",
    "ResolvedCredentials",
    "StoredLogin",
    "domain_option",
    "env_domain",
    "load_stored_logins",
    "make_credentials_private",
    "resolve_credentials",
    "token_env_var",
    "validate_token",
]

log = logging.getLogger(__name__)

TOKEN_ENV_VARS = ("CODEOCEAN_TOKEN", "CODEOCEAN_API_TOKEN", "API_TOKEN")
DOMAIN_ENV_VARS = ("CODEOCEAN_DOMAIN", "CODEOCEAN_URL")
_GENERIC_TOKEN_VARS = frozenset({"API_TOKEN"})
_MAX_TOKEN = 4096


class CredentialsError(ConfigError):
    """Credentials are configured but unusable; the message says how to fix it (no token in it)."""

    def __init__(self, message: str) -> None:
        super().__init__(redact(message))


def validate_token(token: str) -> str:
    """``token`` if it can be sent as the Basic-auth user name; the error never echoes it."""
    if not token:
        raise ConfigError("the token is empty")
    if len(token) > _MAX_TOKEN:
        raise ConfigError(f"the token is longer than {_MAX_TOKEN} characters")
    for ch in token:
        if ch.isspace() or unicodedata.category(ch) in ("Cc", "Cs", "Cf"):
            raise ConfigError("the token must not contain spaces, line breaks or control codes")
        if ch == ":":
            raise ConfigError("the token must not contain ':' (it is a Basic-auth user name)")
    return token


@dataclass(frozen=True, slots=True)
class ResolvedCredentials:
    """A domain, its token and where they came from (``source`` never includes the token).

    ``warnings`` are for the user (e.g. a credentials file others can read); show them once.
    """

    domain: str
    token: Secret
    source: str
    profile: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StoredLogin:
    """One profile's entry in ``credentials.toml`` (or a hand-written ``token`` in config.toml)."""

    profile: str
    domain: str | None
    token: Secret
    path: Path


def _env(environ: Mapping[str, str], names: tuple[str, ...]) -> tuple[str, str] | None:
    """The first of ``names`` set to a non-blank value, with that value (stripped)."""
    for name in names:
        value = environ.get(name, "").strip()
        if value:
            return name, value
    return None


def token_env_var(environ: Mapping[str, str] = os.environ) -> str | None:
    """The name of the environment variable a token would be read from (for 'logout' notes)."""
    found = _env(environ, TOKEN_ENV_VARS)
    return found[0] if found else None


def env_domain(environ: Mapping[str, str]) -> tuple[str, str] | None:
    """(variable, normalised domain) from the domain variables; errors never echo the value."""
    found = _env(environ, DOMAIN_ENV_VARS)
    if found is None:
        return None
    name, value = found
    try:
        return name, validate_domain(value)
    except ConfigError as exc:
        reason = str(exc) if value not in str(exc) else "not a web address"
        raise CredentialsError(f"{name} is not a usable Code Ocean domain: {reason}") from None


def domain_option(domain: str | None) -> str | None:
    """The ``--domain`` option, normalised; :class:`CredentialsError` naming it if unusable."""
    if domain is None:
        return None
    try:
        return validate_domain(domain)
    except ConfigError as exc:
        raise CredentialsError(f"--domain: {exc}") from None


def load_stored_logins(
    path: Path | None = None,
) -> tuple[dict[str, StoredLogin], list[str]]:
    """The tokens in ``credentials.toml`` by profile, and warnings (loose permissions, bad rows)."""
    path = path or paths.credentials_file()
    data = read_toml(path)
    warnings: list[str] = []
    loose = paths.file_permission_warning(path) if data else None
    if loose:
        warnings.append(loose)
    logins: dict[str, StoredLogin] = {}
    table = data.get("profiles", {})
    if not isinstance(table, Mapping):
        return logins, [*warnings, f"{path}: [profiles] must be a table; ignored"]
    for name, entry in table.items():
        if not isinstance(entry, Mapping):
            continue
        stored = _stored_entry(name, entry, path, warnings)
        if stored is not None:
            logins[name] = stored
    return logins, warnings


def make_credentials_private(path: Path | None = None) -> str | None:
    """Narrow a ``credentials.toml`` that other users can read or change to 0600; the notice.

    Called when the app starts, before anything reads the file: ssh and gh refuse or warn about a
    shared key up front, and a notice printed before the full-screen app only shows once the user
    quits. The file is co-tui's own (written 0600 by ``co-tui login``), so it is fixed rather than
    reported. Returns the notice to show on screen, or None when the file is absent or private.
    Reading credentials (:func:`resolve_credentials`) never changes a mode; only launch does.
    """
    if os.name != "posix":  # Windows has no such bits (ACLs instead)
        return None
    path = path or paths.credentials_file()
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if not stat.S_ISREG(mode) or not paths.is_shared_mode(mode):
        return None
    bits = stat.S_IMODE(mode)
    how = "readable by others" if bits & 0o044 else "accessible by other users"
    try:
        os.chmod(path, 0o600)
    except OSError as exc:
        return (f"{path.name} is {how} (mode {bits:04o}) and co-tui could not make it private: "
                f"{exc.strerror}. Run 'chmod 600 {shlex.quote(str(path))}'.")
    return (f"{path.name} was {how} (mode {bits:04o}); co-tui made it private (0600). "
            "Tokens in it may have been read: consider revoking them.")


def _stored_entry(
    name: str, entry: Mapping[str, Any], path: Path, warnings: list[str]
) -> StoredLogin | None:
    token = entry.get("token")
    if token is None:
        return None
    where = f"{path}: profile {name!r}"
    try:
        validate_profile_name(name)
        if not isinstance(token, str):
            raise ConfigError("the token must be a string")
        secret = Secret(validate_token(token))
        domain = entry.get("domain")
        if domain is not None:
            if not isinstance(domain, str):
                raise ConfigError("the domain must be a string")
            domain = validate_domain(domain)
    except ConfigError as exc:
        warnings.append(f"{where} ignored: {exc}")
        return None
    return StoredLogin(name, domain, secret, path)


def _config_tokens(
    config: Config, raw: Mapping[str, Any], warnings: list[str]
) -> dict[str, StoredLogin]:
    """Tokens written by hand into ``config.toml`` profiles (honoured, as the AWS CLI does)."""
    found: dict[str, StoredLogin] = {}
    table = raw.get("profiles", {})
    if config.path is None or not isinstance(table, Mapping):
        return found
    for name in config.profiles:
        entry = table.get(name)
        if isinstance(entry, Mapping) and "token" in entry:
            stored = _stored_entry(name, entry, config.path, warnings)
            if stored is not None:
                found[name] = stored
    if found:
        loose = paths.file_permission_warning(config.path)
        if loose:
            warnings.append(loose)
    return found


class ProfileFiles:
    """``config.toml`` and ``credentials.toml``, read once for one resolution."""

    def __init__(self, config_path: Path | None, credentials_path: Path | None) -> None:
        self.config_path = config_path or paths.config_file()
        self.credentials_path = credentials_path or paths.credentials_file()
        raw = read_toml(self.config_path)
        self.config = parse_config(raw, self.config_path)
        self.warnings: list[str] = list(self.config.warnings)
        self.stored, more = load_stored_logins(self.credentials_path)
        self.warnings += more
        self.hand_written = _config_tokens(self.config, raw, self.warnings)

    def names(self) -> list[str]:
        return sorted(set(self.config.profiles) | set(self.stored))

    def domain_of(self, name: str) -> str | None:
        profile = self.config.profiles.get(name)
        if profile is not None:
            return profile.domain
        stored = self.stored.get(name)
        return stored.domain if stored else None

    def default_name(self) -> str | None:
        """``default_profile``, else the only profile, else ``default``; None if there are none."""
        names = self.names()
        default = self.config.default_profile
        if default is not None:
            if default in names:
                return default
            raise CredentialsError(
                f"default_profile {default!r} in {self.config_path} is not a saved profile; "
                f"run 'co-tui login --profile {shlex.quote(default)}' or change default_profile"
            )
        if len(names) == 1:
            return names[0]
        if DEFAULT_PROFILE_NAME in names:
            return DEFAULT_PROFILE_NAME
        if not names:
            return None
        raise CredentialsError(
            f"there are several profiles ({', '.join(map(repr, names))}) and no default_profile "
            f"in {self.config_path}; pass --profile NAME"
        )

    def name_for_domain(self, domain: str) -> str | None:
        matches = [n for n in self.names() if _same_origin(self.domain_of(n), domain)]
        if len(matches) <= 1:
            return matches[0] if matches else None
        for preferred in (self.config.default_profile, DEFAULT_PROFILE_NAME):
            if preferred in matches:
                return preferred
        raise CredentialsError(
            f"several profiles are saved for {domain} ({', '.join(map(repr, matches))}); "
            "pass --profile NAME"
        )

    def resolve(self, name: str, explicit_domain: str | None) -> ResolvedCredentials | None:
        domain = self.domain_of(name)
        if domain is None:
            if name not in self.names():
                raise CredentialsError(
                    f"there is no profile {name!r} in {self.config_path}; "
                    f"run 'co-tui login --profile {shlex.quote(name)}'"
                )
            raise CredentialsError(f"profile {name!r} has no domain; run 'co-tui login --profile "
                                   f"{shlex.quote(name)}'")
        if explicit_domain is not None and not _same_origin(domain, explicit_domain):
            raise CredentialsError(
                f"--domain {explicit_domain} does not match profile {name!r} ({domain}); "
                "a saved token is only sent to the deployment it was saved for"
            )
        stored = self.stored.get(name) or self.hand_written.get(name)
        if stored is None:
            log.debug("profile %r has no stored token", name)
            return None
        if stored.domain is not None and not _same_origin(stored.domain, domain):
            raise CredentialsError(
                f"the token of profile {name!r} in {stored.path} was saved for {stored.domain}, "
                f"but {self.config_path} now gives {domain}; run 'co-tui login --profile "
                f"{shlex.quote(name)}' to log in to {domain}"
            )
        return ResolvedCredentials(
            domain=domain,
            token=stored.token,
            source=f"profile '{name}' in {stored.path}",
            profile=name,
            warnings=tuple(self.warnings),
        )


def _same_origin(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a.lower() == b.lower()


def resolve_credentials(
    *,
    profile: str | None,
    domain: str | None,
    environ: Mapping[str, str] = os.environ,
    config_path: Path | None = None,
    credentials_path: Path | None = None,
) -> ResolvedCredentials | None:
    """The credentials to use, by the precedence in this module's docstring.

    ``profile``/``domain`` are the ``--profile``/``--domain`` options. Returns ``None`` when the
    user has to log in; raises :class:`CredentialsError` (or :class:`ConfigError` for a file
    that does not parse) when the configuration is contradictory.
    """
    explicit_domain = domain_option(domain)
    if profile is not None:
        try:
            name = validate_profile_name(profile)
        except ConfigError as exc:
            raise CredentialsError(f"--profile: {exc}") from None
        return ProfileFiles(config_path, credentials_path).resolve(name, explicit_domain)

    token_var = _env(environ, TOKEN_ENV_VARS)
    domain_var, wanted = (
        ("--domain", explicit_domain) if explicit_domain else env_domain(environ) or (None, None)
    )
    if token_var is not None:
        var, value = token_var
        if wanted is None and var in _GENERIC_TOKEN_VARS:
            log.debug("%s is set but no Code Ocean domain is; not using it", var)
        elif wanted is None:
            raise CredentialsError(
                f"{var} is set but no domain is: set CODEOCEAN_DOMAIN or pass --domain URL"
            )
        else:
            try:
                token = Secret(validate_token(value))
            except ConfigError as exc:
                raise CredentialsError(f"{var}: {exc}") from None
            log.debug("credentials from the environment (%s, domain from %s)", var, domain_var)
            return ResolvedCredentials(wanted, token, f"environment {var} and {domain_var}")

    files = ProfileFiles(config_path, credentials_path)
    chosen = files.name_for_domain(wanted) if wanted else files.default_name()
    if chosen is None:
        log.debug("no saved profile%s", f" for {wanted}" if wanted else "")
        return None
    return files.resolve(chosen, wanted)
