"""The difference between two versions of a data asset's permissions, as the share dialog shows
it before saving: entries added, removed or given another role, the everyone setting, and
``share_assets``; and which of those changes need a second confirmation (granting owner,
opening the asset wider to everyone).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from co_tui.api.models import Permissions

__all__ = ["RANK", "Change", "Entry", "Kind", "PermissionsDiff", "diff_permissions", "entries_of",
           "key_of"]

RANK = {"none": 0, "discoverable": 1, "viewer": 2, "editor": 3, "owner": 4}
"""Every role a server may send, weakest first (``editor`` included: it may be read back)."""

Kind = Literal["user", "group"]


def key_of(kind: Kind, name: str) -> tuple[Kind, str]:
    """The identity of a user or group entry (what makes two entries the same one)."""
    # E-mail addresses are compared without case (the server does); group names are identifiers.
    return (kind, name.lower() if kind == "user" else name)


@dataclass(frozen=True, slots=True)
class Entry:
    """One user or group and its role."""

    kind: Kind
    name: str
    role: str

    @property
    def key(self) -> tuple[Kind, str]:
        """Identity of the entry: users by lower-cased e-mail, groups by name."""
        return key_of(self.kind, self.name)


@dataclass(frozen=True, slots=True)
class Change:
    """One line of a diff. ``before`` is None for an added entry, ``after`` None for a removed one.

    ``kind`` ``"everyone"`` is the everyone setting (``name`` is ``"everyone"``);
    ``"share_assets"`` is the "also share the attached assets" switch (``"on"`` / ``"off"``).
    """

    kind: Literal["user", "group", "everyone", "share_assets"]
    name: str
    before: str | None
    after: str | None
    needs_confirmation: bool = False

    @property
    def action(self) -> Literal["added", "removed", "changed"]:
        """``added``, ``removed`` or ``changed`` (a role change, or everyone changed)."""
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        return "changed"

    def describe(self) -> str:
        """The change in words, e.g. ``"alan@x.org: viewer → owner"``."""
        if self.kind == "share_assets":
            return f"also share the attached assets: {self.before} → {self.after}"
        who = "everyone" if self.kind == "everyone" else (
            f"group {self.name}" if self.kind == "group" else self.name
        )
        if self.action == "added":
            return f"add {who} as {self.after}"
        if self.action == "removed":
            return f"remove {who} (was {self.before})"
        return f"{who}: {self.before} → {self.after}"


@dataclass(frozen=True, slots=True)
class PermissionsDiff:
    """The changes between two versions of an asset's permissions, users first, then groups,
    then everyone, then ``share_assets``."""

    changes: tuple[Change, ...] = ()

    @property
    def empty(self) -> bool:
        """True when there is nothing to save."""
        return not self.changes

    @property
    def confirmations(self) -> tuple[Change, ...]:
        """The changes that need a second confirmation before saving."""
        return tuple(change for change in self.changes if change.needs_confirmation)

    def confirmation_reasons(self) -> list[str]:
        """One sentence per change that needs confirming (for the confirmation dialog)."""
        reasons = []
        for change in self.confirmations:
            if change.kind == "everyone":
                reasons.append(
                    f"Everyone in the deployment will be able to "
                    f"{'open and download' if change.after == 'viewer' else 'find'} this asset"
                    f" ({change.after})."
                )
            else:
                who = change.name if change.kind == "user" else f"group {change.name}"
                reasons.append(
                    f"{who} becomes an owner: they can share, archive and delete this asset."
                )
        return reasons


def _owner_grant(before: str | None, after: str | None) -> bool:
    return after == "owner" and before != "owner"


def diff_permissions(
    before: Permissions, after: Permissions, *, owner_email: str | None = None
) -> PermissionsDiff:
    """What changes from ``before`` to ``after`` (and which changes need confirming).

    ``owner_email`` is left out of the user changes: the server keeps the owner whatever is sent.
    """
    changes: list[Change] = []
    owner = owner_email.lower() if owner_email else None
    for kind in ("user", "group"):
        old = entries_of(before, kind)
        new = entries_of(after, kind)
        for key, entry in new.items():
            if kind == "user" and key[1] == owner:
                continue
            was = old.get(key)
            if was is None or was.role != entry.role:
                before_role = None if was is None else was.role
                changes.append(Change(kind, entry.name, before_role, entry.role,
                                      _owner_grant(before_role, entry.role)))
        for key, entry in old.items():
            if key not in new and not (kind == "user" and key[1] == owner):
                changes.append(Change(kind, entry.name, entry.role, None))
    old_everyone = before.everyone or "none"
    new_everyone = after.everyone or "none"
    if old_everyone != new_everyone:
        # Opening up needs confirming; narrowing (viewer -> discoverable -> none) does not.
        wider = RANK.get(new_everyone, 0) > RANK.get(old_everyone, 0)
        changes.append(Change("everyone", "everyone", old_everyone, new_everyone, wider))
    old_share, new_share = bool(before.share_assets), bool(after.share_assets)
    if old_share != new_share:
        changes.append(Change("share_assets", "share_assets", _on_off(old_share),
                              _on_off(new_share)))
    return PermissionsDiff(tuple(changes))


def _on_off(value: bool) -> str:
    return "on" if value else "off"


def entries_of(permissions: Permissions, kind: Kind) -> dict[tuple[Kind, str], Entry]:
    """The users or the groups of ``permissions`` by identity (the first of duplicates wins)."""
    out: dict[tuple[Kind, str], Entry] = {}
    if kind == "user":
        for user in permissions.users or []:
            entry = Entry("user", user.email, user.role)
            out.setdefault(entry.key, entry)
    else:
        for group in permissions.groups or []:
            entry = Entry("group", group.group, group.role)
            out.setdefault(entry.key, entry)
    return out
