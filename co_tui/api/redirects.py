"""The one rule for following redirects of signed file URLs, shared by every download path.

Storage behind a signed URL may answer a redirect (an S3 bucket in another region, a CDN, a
load balancer). Previews and range reads (httpx) and downloads (httpx, or the raw-socket fast
path) all follow them through :func:`redirect_target`, so they agree on what is allowed:

- at most :data:`MAX_REDIRECTS` redirects per request; one more is an error;
- the next URL is ``https``, or ``http`` only when the first URL already was ``http`` (a local
  test server): a redirect never weakens an ``https`` request;
- a redirect status without a ``Location`` is an error, not a response to read.

Every hop is sent exactly like the first request: no ``Authorization``, no ``Cookie`` (the
signed-URL clients never have either), the same ``Range`` / ``If-Range``.
"""

from __future__ import annotations

import httpx

from co_tui.api.errors import ApiError
from co_tui.redact import safe_url

__all__ = ["MAX_REDIRECTS", "REDIRECT_STATUSES", "RedirectError", "redirect_target"]

MAX_REDIRECTS = 5
"""Redirects followed for one signed-URL request; the next one fails."""

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
"""Statuses that send the client elsewhere (all are followed as a ``GET``)."""


class RedirectError(ApiError):
    """A redirect of a signed URL that co-tui will not follow (too many, insecure, no target)."""

    kind = "redirect"


def redirect_target(
    first_url: str,
    current_url: str,
    status: int,
    location: str | None,
    followed: int,
    *,
    operation: str,
) -> str:
    """The URL to request next after ``current_url`` answered ``status`` with ``location``.

    ``first_url`` is the signed URL the request started with and ``followed`` the number of
    redirects already followed. Raises :class:`RedirectError` (with the status) when the rule
    above forbids following.
    """
    shown = safe_url(current_url)

    def refuse(message: str) -> RedirectError:
        return RedirectError(message, status=status, operation=operation, url=shown)

    if followed >= MAX_REDIRECTS:
        raise refuse(f"the storage host redirected more than {MAX_REDIRECTS} times; "
                     "not following")
    if location is None or not location.strip():
        raise refuse(f"the storage host answered a redirect ({status}) without a Location "
                     "to go to")
    try:
        target = httpx.URL(current_url).join(location.strip())
    except (httpx.InvalidURL, ValueError) as exc:
        raise refuse("the storage host redirected to an address that is not a URL") from exc
    first_scheme = httpx.URL(first_url).scheme
    scheme = target.scheme
    allowed = ("https", "http") if first_scheme == "http" else ("https",)
    if scheme == "http" and scheme not in allowed:
        raise refuse("the storage host redirected from https to an insecure http address; "
                     "refusing to follow")
    if scheme not in allowed:
        raise refuse(f"the storage host redirected to a {scheme!r} address; only https is "
                     "followed")
    if not target.host:
        raise refuse("the storage host redirected to an address without a host")
    return str(target.copy_with(fragment=None))
