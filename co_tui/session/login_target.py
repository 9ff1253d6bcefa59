"""Which profile a login saves to and which domain it offers, and how a login in the TUI is set up.

:func:`login_target` serves ``co-tui login`` and the login screen alike; :class:`LoginSetup` is
what the app is given for a login made in the TUI (the first-run login, or the one offered after
the server rejected the token).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from co_tui.session.config import DEFAULT_PROFILE_NAME, ConfigError, validate_profile_name
from co_tui.session.credentials import (
    CredentialsError,
    ProfileFiles,
    domain_option,
    env_domain,
)

if TYPE_CHECKING:
    import httpx

__all__ = ["LoginSetup", "LoginTarget", "login_target"]


@dataclass(frozen=True, slots=True)
class LoginTarget:
    """Where a login would be saved (``profile``) and the domain to offer (``None``: ask)."""

    profile: str
    domain: str | None


def login_target(
    *,
    profile: str | None,
    domain: str | None,
    environ: Mapping[str, str] = os.environ,
    config_path: Path | None = None,
    credentials_path: Path | None = None,
) -> LoginTarget:
    """Which profile a login saves to and which domain to offer (``co-tui login``, login screen).

    Profile: ``--profile``, else the saved profile for ``--domain`` (or the env domain), else the
    default profile, else ``default``. Domain: ``--domain``, else the profile's saved domain,
    else the environment's, else ``None`` (ask). Contradictions in the files are not errors
    here: logging in is how the user repairs them.
    """
    explicit = domain_option(domain)
    try:
        env = env_domain(environ)
    except CredentialsError:
        env = None
    try:
        files: ProfileFiles | None = ProfileFiles(config_path, credentials_path)
    except ConfigError:
        files = None
    name = validate_profile_name(profile) if profile is not None else None
    if name is None and files is not None:
        wanted = explicit or (env[1] if env else None)
        try:
            name = files.name_for_domain(wanted) if wanted else files.default_name()
        except CredentialsError:
            name = None
    name = name or DEFAULT_PROFILE_NAME
    saved = files.domain_of(name) if files is not None else None
    return LoginTarget(name, explicit or saved or (env[1] if env else None))


@dataclass(frozen=True, slots=True)
class LoginSetup:
    """Where a login made in the TUI is saved and how it connects.

    ``profile``: the profile to save to (``None``: the one saved for the domain, else the
    default). ``domain``: the domain to offer. ``transport``: the test and ``--demo`` seam, used
    for the check and by the client built afterwards. ``save``: False only checks (``--demo``).
    """

    profile: str | None = None
    domain: str | None = None
    transport: httpx.AsyncBaseTransport | None = None
    save: bool = True
