"""Checking a token with the deployment, and logging in: check, then store.

:func:`verify` makes one request, ``POST /data_assets/search`` with ``limit: 1``: the cheapest
call that exercises the scope this app cannot work without (Data Assets read). ``GET
/custom_metadata`` would be lighter on the server, but which scope it needs is not documented, so
it could succeed for a Capsule-only token that then fails on every screen; with the search, a
403 tells the user exactly that the token is valid but lacks data-asset access. Old deployments
(before platform 3.1) answer the POST with 404/405, and the client then makes the legacy ``GET
/data_assets`` instead, so such a deployment costs two requests. Retries are off (one attempt, a
30 s deadline): at login a person is waiting, and a wrong domain should fail fast.

:func:`login` is :func:`verify` then :func:`~co_tui.session.login_store.save_login`. The command
line (``co-tui login``) and the TUI's login screen (from a worker) both call it.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from dataclasses import dataclass, field
from typing import Literal

import httpx

from co_tui.api import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    AuthenticationError,
    CodeOceanClient,
    PermissionDeniedError,
    RetryPolicy,
    Timeouts,
    UnexpectedResponseError,
)
from co_tui.api.models import DataAssetSearchParams
from co_tui.redact import Secret, redact
from co_tui.session.config import ConfigError, validate_domain
from co_tui.session.credentials import validate_token
from co_tui.session.login_store import save_login
from co_tui.session.login_target import login_target

__all__ = ["LoginOutcome", "VerifyResult", "VerifyStatus", "login", "verify"]

log = logging.getLogger(__name__)

VerifyStatus = Literal["ok", "limited", "rejected", "unreachable", "invalid", "error"]


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """What the deployment said about a domain and token; ``message`` is for the user.

    ``status``: ``ok``; ``limited`` (the token is valid but may not read data assets: 403);
    ``rejected`` (401); ``unreachable`` (connection failure or timeout); ``invalid`` (the domain
    or token is malformed, nothing was sent); ``error`` (anything else: not a Code Ocean API,
    server error). ``domain`` is the normalised domain when it was valid.
    """

    status: VerifyStatus
    domain: str
    message: str
    http_status: int | None = None

    @property
    def accepted(self) -> bool:
        """True when the server recognised the token (``ok`` or ``limited``)."""
        return self.status in ("ok", "limited")


@dataclass(frozen=True, slots=True)
class LoginOutcome:
    """The result of :func:`login`: the check, and whether (and where) it was saved."""

    result: VerifyResult
    profile: str | None  # None: not saved and no profile was named
    saved: bool
    warnings: tuple[str, ...] = field(default=())


def _result(
    status: VerifyStatus, domain: str, message: str, code: int | None = None
) -> VerifyResult:
    return VerifyResult(status, domain, redact(message), code)


async def verify(
    domain: str,
    token: str | Secret,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    deadline: float = 30.0,
) -> VerifyResult:
    """Check ``token`` against ``domain`` with one API call (see the module docstring).

    ``transport`` is the test and ``--demo`` seam (the emulator's in-process transport). Never
    raises for a bad domain, token or network: everything ends up in the result's message,
    which never contains the token.
    """
    secret = token if isinstance(token, Secret) else Secret(token)
    try:
        normalized = validate_domain(domain)
    except ConfigError as exc:
        return _result("invalid", domain, f"not a usable domain: {exc}")
    try:
        validate_token(secret.get())
    except ConfigError as exc:
        return _result("invalid", normalized, f"not a usable token: {exc}")
    log.debug("verifying a token against %s", normalized)
    client = CodeOceanClient(
        normalized,
        secret,
        transport=transport,
        files_transport=transport,
        retry=RetryPolicy(max_attempts=1),
        timeouts=Timeouts(connect=10.0, read=min(20.0, deadline), deadline=deadline),
    )
    try:
        await client.data_assets.search_data_assets(DataAssetSearchParams(limit=1))
    except AuthenticationError as err:
        return _result(
            "rejected", normalized,
            f"token rejected by {normalized} (401): check that it was copied whole and has not "
            "expired or been revoked",
            err.status,
        )
    except PermissionDeniedError as err:
        return _result(
            "limited", normalized,
            f"token accepted by {normalized}, but it may not list data assets (403: "
            f"{err.message}); give it the Data Assets scope for co-tui to work",
            err.status,
        )
    except (ApiConnectionError, ApiTimeoutError) as err:
        return _result("unreachable", normalized, f"could not reach {normalized}: {err.message}")
    except ApiError as err:
        if isinstance(err, UnexpectedResponseError) or (
            err.status is not None and err.status < 500 and err.status != 429
        ):
            return _result(
                "error", normalized,
                f"{normalized} did not answer like a Code Ocean API "
                f"({err.status or 'reply'}: {err.message}); check the domain",
                err.status,
            )
        return _result("error", normalized, f"{normalized} failed: {err}", err.status)
    finally:
        await client.aclose()
    return _result("ok", normalized, f"token accepted by {normalized}", 200)


async def login(
    profile: str | None,
    domain: str,
    token: str | Secret,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    save_limited: bool = True,
) -> LoginOutcome:
    """:func:`verify`, then :func:`save_login` if the token was accepted.

    A ``limited`` token (403) is saved unless ``save_limited`` is False: it is a valid token and
    its scope may be widened on the server without logging in again. The file writes run in a
    thread, so this is safe to await on the TUI's event loop.
    """
    secret = token if isinstance(token, Secret) else Secret(token)
    result = await verify(domain, secret, transport=transport)
    if not (result.status == "ok" or (result.status == "limited" and save_limited)):
        return LoginOutcome(result, profile, False)
    if profile is None:
        target = await asyncio.to_thread(
            functools.partial(login_target, profile=None, domain=result.domain)
        )
        profile = target.profile
    warnings = await asyncio.to_thread(save_login, profile, result.domain, secret)
    return LoginOutcome(result, profile, True, tuple(warnings))
