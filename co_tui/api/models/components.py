"""Models shared by several resources: roles, permissions, search filters, sort order
(``codeocean.models.components``). Enums name the wire strings: docs/api-notes.md, 'Wire values'."""

from __future__ import annotations

from enum import StrEnum

from co_tui.api.models._base import _Model

__all__ = [
    "EveryoneRole",
    "GroupPermissions",
    "GroupRole",
    "Ownership",
    "Permissions",
    "SearchFilter",
    "SearchFilterRange",
    "SortOrder",
    "UserPermissions",
    "UserRole",
]


class SortOrder(StrEnum):
    """Sort directions."""

    Ascending = "asc"
    Descending = "desc"


class Ownership(StrEnum):
    """The search ``ownership`` filter."""

    Private = "private"
    Shared = "shared"
    Created = "created"


class UserRole(StrEnum):
    """Roles a user can hold on a data asset."""

    Owner = "owner"
    Editor = "editor"
    Viewer = "viewer"


class GroupRole(StrEnum):
    """Roles a group can hold on a data asset."""

    Owner = "owner"
    Editor = "editor"
    Viewer = "viewer"
    Discoverable = "discoverable"


class EveryoneRole(StrEnum):
    """What everyone in the deployment may do with a data asset."""

    Viewer = "viewer"
    Discoverable = "discoverable"
    None_ = "none"


class SearchFilterRange(_Model):
    """A numeric range for a search filter; at least one bound is set."""

    min: float | None = None
    max: float | None = None


class SearchFilter(_Model):
    """A field filter in a search (``key`` is name, description, tags or a custom field)."""

    key: str
    value: str | float | None = None
    values: list[str | float] | None = None
    range: SearchFilterRange | None = None
    exclude: bool | None = None


class UserPermissions(_Model):
    """A user's role on an asset."""

    email: str
    role: str


class GroupPermissions(_Model):
    """A group's role on an asset."""

    group: str
    role: str


class Permissions(_Model):
    """Who may see and change an asset."""

    users: list[UserPermissions] | None = None
    groups: list[GroupPermissions] | None = None
    everyone: str | None = None
    share_assets: bool | None = None
