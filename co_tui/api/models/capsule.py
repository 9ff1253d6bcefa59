"""Capsules and their search (``codeocean.models.capsule``)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import msgspec

from co_tui.api.models._base import _Model
from co_tui.api.models.components import SearchFilter

__all__ = [
    "Capsule",
    "CapsuleSearchParams",
    "CapsuleSearchResults",
    "CapsuleSortBy",
    "CapsuleStatus",
    "OriginalCapsuleInfo",
    "Version",
]


class CapsuleStatus(StrEnum):
    """Release state of a capsule or pipeline."""

    NonRelease = "non_release"
    Release = "release"


class CapsuleSortBy(StrEnum):
    """Capsule search sort fields."""

    Created = "created"
    LastAccessed = "last_accessed"
    Name = "name"


class Version(_Model):
    """A released version of a capsule."""

    major_version: int = 0
    minor_version: int = 0
    release_time: int = 0


class OriginalCapsuleInfo(_Model):
    """The capsule a capsule was copied from."""

    id: str | None = None
    major_version: int | None = None
    minor_version: int | None = None
    name: str | None = None
    created: int | None = None
    public: bool | None = None


class Capsule(_Model):
    """A capsule or pipeline (the API shares the shape)."""

    id: str
    created: int = 0
    name: str = ""
    status: str = ""
    owner: str = ""
    slug: str = ""
    owner_email: str | None = None
    last_accessed: int | None = None
    article: dict[str, Any] | None = None
    cloned_from_url: str | None = None
    description: str | None = None
    field: str | None = None
    tags: list[str] | None = None
    original_capsule: OriginalCapsuleInfo | None = None
    release_capsule: str | None = None
    submission: dict[str, Any] | None = None
    versions: list[Version] | None = None


class CapsuleSearchParams(_Model):
    """Body of ``POST /capsules/search`` and ``POST /pipelines/search``."""

    query: str | None = None
    next_token: str | None = None
    offset: int | None = None
    limit: int | None = None
    sort_field: str | None = None
    sort_order: str | None = None
    ownership: str | None = None
    status: str | None = None
    favorite: bool | None = None
    archived: bool | None = None
    filters: list[SearchFilter] | None = None


class CapsuleSearchResults(_Model):
    """One page of a capsule or pipeline search."""

    has_more: bool = False
    results: list[Capsule] = msgspec.field(default_factory=list)
    next_token: str | None = None
    unreadable: int = 0
    """Records of this page that could not be read and were left out (counted by this client,
    never read from the server or sent; see :mod:`co_tui.api.lenient`)."""
