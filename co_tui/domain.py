"""The deployment's address as users type it, checked before any token goes near it.

A leaf module (it imports nothing from co-tui) under both :mod:`co_tui.api` and
:mod:`co_tui.session`: the settings validate a domain without the network client, and the command
line without importing httpx, which would slow the first frame (docs/product.md, 'Measurements
behind the design').
"""

from __future__ import annotations

import urllib.parse

__all__ = ["InsecureDomainError", "normalize_domain"]

_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}


class InsecureDomainError(ValueError):
    """The domain is not a usable https origin."""


def normalize_domain(domain: str, *, allow_http: bool = False) -> str:
    """``https://host[:port]`` from what a user typed; refuses paths, queries and credentials.

    Plain ``http`` is accepted for loopback hosts, ``*.test`` hosts (the in-process emulator) or
    when ``allow_http`` is set, because the token would otherwise cross the network in clear.
    """
    text = domain.strip()
    if "://" not in text:
        text = "https://" + text
    text = text.rstrip("/")
    parts = urllib.parse.urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InsecureDomainError(f"not a web address: {domain!r}")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise InsecureDomainError("the domain must not contain credentials, a query or a fragment")
    if parts.path not in ("", "/"):
        raise InsecureDomainError("the domain is the deployment's address, without a path")
    host = parts.hostname
    if parts.scheme == "http" and not (
        allow_http or host in _LOCAL_HOSTS or host.endswith(".test") or host == "test"
    ):
        raise InsecureDomainError(
            f"refusing plain http for {host}: the token would be sent unencrypted"
        )
    return f"{parts.scheme}://{parts.netloc}"
