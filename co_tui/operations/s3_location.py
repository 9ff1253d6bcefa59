"""An S3 location as typed in a form: bucket name, prefix, custom endpoint.

Used by the create dialog for a bucket to import from and for the bucket an external result is
written to.
"""

from __future__ import annotations

import re

__all__ = ["BUCKET_MAX", "ENDPOINT_MAX", "bucket_error", "parse_endpoint", "parse_s3_location"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_BUCKET_CHARS = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")
_IP_ADDRESS = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
BUCKET_MAX = 255
"""S3 bucket names are at most 63 characters today, but buckets made in us-east-1 before March
2018 (and some S3-compatible stores) have names of up to 255, with upper case and ``_``."""
ENDPOINT_MAX = 255


def bucket_error(bucket: str) -> str | None:
    """Why ``bucket`` cannot be an S3 bucket name, or None.

    Accepted: 3 to 255 letters (either case), digits, ``.``, ``-`` and ``_``, starting with a
    letter or digit, not an IP address. Today's rules are stricter (at most 63 characters, lower
    case, no ``_``), but older buckets and S3-compatible stores behind a custom endpoint use the
    legacy ones, and refusing a bucket that exists helps no one: the server has the last word.
    """
    if not bucket:
        return "enter a bucket name"
    if (len(bucket) < 3 or len(bucket) > BUCKET_MAX or not _BUCKET_CHARS.match(bucket)
            or _IP_ADDRESS.match(bucket)):
        return (f"not an S3 bucket name (3-{BUCKET_MAX} letters, digits, '.', '-', '_'; "
                "starting with a letter or digit)")
    return None


def parse_s3_location(bucket: str, prefix: str) -> tuple[str, str]:
    """(bucket, prefix) from the two fields; ``s3://bucket/prefix`` pasted in the bucket field
    is split. The prefix loses its outer ``/`` and is ``""`` for the whole bucket. Raises
    ``ValueError`` naming the problem."""
    bucket = bucket.strip()
    prefix = prefix.strip()
    if bucket.lower().startswith("s3://"):
        rest = bucket[5:]
        bucket, _, pasted = rest.partition("/")
        if pasted and prefix:
            raise ValueError("the prefix is given twice (in s3://... and in Prefix)")
        prefix = prefix or pasted
    problem = bucket_error(bucket)
    if problem:
        raise ValueError(problem)
    if _CONTROL.search(prefix):
        raise ValueError("the prefix contains control characters")
    return bucket, prefix.strip("/")


def parse_endpoint(text: str) -> str | None:
    """The custom S3 endpoint's name (``None`` when empty: AWS); ``ValueError`` when it cannot
    be one."""
    name = text.strip()
    if not name:
        return None
    if _CONTROL.search(name) or any(ch.isspace() for ch in name) or len(name) > ENDPOINT_MAX:
        raise ValueError(f"an endpoint name is one word of at most {ENDPOINT_MAX} characters")
    return name
