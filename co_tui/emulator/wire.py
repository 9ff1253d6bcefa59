"""JSON shapes the emulator sends: data assets (the SDK's ``DataAsset``), capsules, computations.

A data asset's JSON is encoded once, when the asset is written, and stored next to it (the
``wire`` column), so a 1000-row search page is a join of stored bytes rather than 1000 dict
builds and encodes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

ASSET_TYPES = ("dataset", "result", "combined", "model")
ASSET_STATES = ("draft", "ready", "failed")
ORIGINS = ("aws", "local", "gcp")
USER_ROLES = ("owner", "editor", "viewer")
GROUP_ROLES = ("owner", "editor", "viewer", "discoverable")
EVERYONE_ROLES = ("none", "viewer", "discoverable")
CAPSULE_STATUSES = ("release", "non_release")
COMPUTATION_STATES = ("initializing", "running", "finalizing", "completed", "failed")
END_STATUSES = ("succeeded", "failed", "stopped")

LOCAL_BUCKET: dict[str, Any] = {"origin": "local", "bucket": "", "prefix": "", "external": False}

_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder()


def encode(value: Any) -> bytes:
    """Compact JSON bytes."""
    return _encoder.encode(value)


def decode(data: bytes | str) -> Any:
    """Parse JSON (raises ``msgspec.DecodeError`` on bad input)."""
    return _decoder.decode(data)


def dumps_or_none(value: Any) -> str | None:
    """JSON text for a DB column, or ``None`` for ``None``."""
    return None if value is None else _encoder.encode(value).decode()


def loads_or_none(text: str | None) -> Any:
    """Inverse of :func:`dumps_or_none`."""
    return None if text is None else _decoder.decode(text)


def normalise_source_bucket(bucket: Mapping[str, Any] | None) -> dict[str, Any]:
    """A complete SourceBucket dict with a valid ``origin``; local/internal when ``None``."""
    if not bucket:
        return dict(LOCAL_BUCKET)
    origin = bucket.get("origin") or "local"
    if origin not in ORIGINS:
        raise ValueError(f"source_bucket origin {origin!r} is not one of {ORIGINS}")
    return {
        "origin": origin,
        "bucket": bucket.get("bucket") or "",
        "prefix": bucket.get("prefix") or "",
        "external": bool(bucket.get("external", False)),
    }


def asset_dict(values: Mapping[str, Any], owner_email: str | None) -> dict[str, Any]:
    """The DataAsset JSON object for decoded asset values (wire key names).

    Always: the 8 required keys, ``files``, ``size``, ``description``, ``owner_email`` (when the
    owner is known), ``tags`` and ``source_bucket``. Other optional keys only when non-empty.
    """
    get = values.get
    out: dict[str, Any] = {
        "id": values["id"],
        "created": values["created"],
        "name": values["name"],
        "mount": values["mount"],
        "last_used": values["last_used"],
        "owner": values["owner"],
        "state": values["state"],
        "type": values["type"],
        "files": values["files"],
        "size": values["size"],
        "description": get("description") or "",
    }
    if owner_email:
        out["owner_email"] = owner_email
    out["tags"] = get("tags") or []
    if get("provenance"):
        out["provenance"] = values["provenance"]
    out["source_bucket"] = get("source_bucket") or dict(LOCAL_BUCKET)
    for key in OPTIONAL_KEYS:
        if get(key):
            out[key] = values[key]
    return out


OPTIONAL_KEYS = ("custom_metadata", "app_parameters", "nextflow_profile", "contained_data_assets",
                 "last_transferred", "transfer_error", "failure_reason")
"""DataAsset keys emitted only when non-empty (after ``source_bucket``, in SDK order)."""


def capsule_dict(row: Any, owner_email: str | None) -> dict[str, Any]:
    """The Capsule JSON object (SDK ``codeocean.models.capsule.Capsule``) for a capsule row."""
    out: dict[str, Any] = {
        "id": row["id"],
        "created": row["created"],
        "name": row["name"],
        "status": row["status"],
        "owner": row["owner"],
        "slug": row["slug"],
    }
    if owner_email:
        out["owner_email"] = owner_email
    if row["description"]:
        out["description"] = row["description"]
    tags = loads_or_none(row["tags"])
    if tags:
        out["tags"] = tags
    return out
