"""Signed file URLs in the shape of S3 presigned URLs (``X-Amz-*`` query parameters).

The signature is an HMAC-SHA256, with the deployment's secret, over the asset id, the file path,
the signing time, the lifetime and the ``response-content-disposition``; it is checked by the
file origin (``files_app``), which needs no other credentials - exactly like S3.
"""

from __future__ import annotations

import calendar
import functools
import hashlib
import hmac
import math
import time
import urllib.parse
from collections.abc import Callable, Mapping

BUCKET = "co-emulator-assets"
"""First path segment of every signed URL (where S3 would have the bucket)."""
ALGORITHM = "AWS4-HMAC-SHA256"
_DATE = "%Y%m%dT%H%M%SZ"


def _disposition(kind: str, name: str) -> str:
    """The Content-Disposition of a signed URL: a plain ``filename`` when it can be one, else
    the RFC 6266 encoded form (control characters cannot go into a header as they are)."""
    if kind == "inline":
        return "inline"
    if name.isascii() and name.isprintable() and '"' not in name and "\\" not in name:
        return f'attachment; filename="{name}"'
    return "attachment; filename*=UTF-8''" + urllib.parse.quote(name, safe="")


@functools.lru_cache(maxsize=64)
def _signed_at(date: str) -> int:
    """The time an ``X-Amz-Date`` names (``ValueError`` if it names none). Cached: the URLs of a
    download were signed within a few seconds, and ``strptime`` is slow."""
    return calendar.timegm(time.strptime(date, _DATE))


@functools.lru_cache(maxsize=4)
def _date_of(second: int) -> str:
    """The ``X-Amz-Date`` of a whole second since the epoch (cached: every URL signed within
    the same second carries the same date)."""
    return time.strftime(_DATE, time.gmtime(second))


class Signer:
    """Makes and checks signed URLs for one deployment."""

    def __init__(self, secret: bytes, clock: Callable[[], float], ttl: float) -> None:
        self.secret = secret
        self.clock = clock
        self.ttl = ttl

    def _signature(self, asset_id: str, path: str, date: str, expires: str,
                   disposition: str) -> str:
        message = "\n".join((ALGORITHM, asset_id, path, date, expires, disposition)).encode()
        return hmac.digest(self.secret, message, hashlib.sha256).hex()  # one call into C

    def url(self, origin: str, asset_id: str, path: str, *, kind: str) -> str:
        """A signed URL for ``path`` of ``asset_id``; ``kind`` is ``attachment`` or ``inline``.

        The query is what ``urllib.parse.urlencode(..., quote_via=quote)`` makes of the
        parameters in S3's order, written out directly: only the credential, the disposition
        and the path need quoting (the other values are letters, digits and hex).
        """
        date = _date_of(math.floor(self.clock()))
        expires = str(max(1, int(self.ttl)))
        disposition = _disposition(kind, path.rpartition("/")[2])
        signature = self._signature(asset_id, path, date, expires, disposition)
        quoted = urllib.parse.quote(path, safe="/")
        return (f"{origin.rstrip('/')}/{BUCKET}/{asset_id}/{quoted}?X-Amz-Algorithm={ALGORITHM}"
                f"&X-Amz-Credential=EMULATOR%2F{date[:8]}%2Fus-east-1%2Fs3%2Faws4_request"
                f"&X-Amz-Date={date}&X-Amz-Expires={expires}&X-Amz-SignedHeaders=host"
                f"&response-content-disposition={urllib.parse.quote(disposition, safe='')}"
                f"&X-Amz-Signature={signature}")

    def check(self, asset_id: str, path: str, query: Mapping[str, str]) -> tuple[str, str] | None:
        """``None`` if the URL is valid now, else an S3 (error code, message)."""
        signature = query.get("X-Amz-Signature")
        date = query.get("X-Amz-Date", "")
        expires = query.get("X-Amz-Expires", "")
        if not signature or query.get("X-Amz-Algorithm") != ALGORITHM:
            return ("AccessDenied", "Query-string authentication requires the X-Amz-Algorithm, "
                    "X-Amz-Date, X-Amz-Expires and X-Amz-Signature parameters")
        disposition = query.get("response-content-disposition", "")
        expected = self._signature(asset_id, path, date, expires, disposition)
        if not hmac.compare_digest(expected, signature):
            return ("SignatureDoesNotMatch", "The request signature we calculated does not match "
                    "the signature you provided")
        try:
            signed_at = _signed_at(date)
            lifetime = int(expires)
        except ValueError:
            return ("AuthorizationQueryParametersError", "X-Amz-Date or X-Amz-Expires is invalid")
        if self.clock() > signed_at + lifetime:
            return ("AccessDenied", "Request has expired")
        return None
