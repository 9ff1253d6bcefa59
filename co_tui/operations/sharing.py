"""Sharing a data asset: an editable copy of its permissions, the diff to save, and the save.

:class:`PermissionsDraft` holds who has access as the dialog edits it (users by e-mail, groups,
everyone) next to the version loaded from the server. Every edit is validated before any
request: a malformed e-mail, a duplicate entry, a role data assets do not have for that kind of
entry, or removing / demoting the asset's owner raise :class:`SharingError` and change nothing.
Data assets have viewers and owners (groups may also be discoverable): ``editor`` is never
offered. An ``editor`` entry read from a server is kept as it is, and sent back unchanged unless
the user gives it another role. ``share_assets`` ("also share the attached assets with the
people added", as the SDK defines it) is part of the draft and of the diff.

:meth:`PermissionsDraft.diff` is what the dialog shows before saving, and says which changes need
a second confirmation (granting owner to anyone, opening the asset to everyone).
:func:`apply_permissions` POSTs the edited permissions once and reads them back; when the answer
was lost it reads back and reports whether the change landed, and never sends it again
(docs/reliability.md, 'Duplicate writes').
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from co_tui.api.errors import ApiError
from co_tui.api.models import GroupPermissions, Permissions, UserPermissions
from co_tui.operations.permissions_diff import (
    RANK,
    Change,
    Entry,
    Kind,
    PermissionsDiff,
    diff_permissions,
    entries_of,
    key_of,
)

if TYPE_CHECKING:
    from co_tui.api.client import CodeOceanClient

__all__ = [
    "EVERYONE_ROLES",
    "GROUP_ROLES",
    "USER_ROLES",
    "ApplyResult",
    "Change",
    "Entry",
    "PermissionsDiff",
    "PermissionsDraft",
    "SharingError",
    "apply_permissions",
    "diff_permissions",
    "validate_email",
    "validate_group",
]

USER_ROLES: tuple[str, ...] = ("viewer", "owner")
"""Roles a user can be given on a data asset, weakest first (no ``editor``: a capsule role)."""
GROUP_ROLES: tuple[str, ...] = ("discoverable", "viewer", "owner")
"""Roles a group can be given on a data asset, weakest first."""
EVERYONE_ROLES: tuple[str, ...] = ("none", "discoverable", "viewer")
"""What everyone in the deployment may do, weakest first."""


# Deliberately simple: one "@", something on both sides, a dot in the domain, and none of the
# characters that mean the user pasted a list or a display name ("Ada <ada@x.org>", "a, b").
_EMAIL = re.compile(r"^[^@\s<>(),;:\"\[\]\\]+@[^@\s<>(),;:\"\[\]\\]+\.[^@\s<>(),;:\"\[\]\\.]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
EMAIL_MAX = 254
GROUP_MAX = 256

class SharingError(ValueError):
    """An edit that cannot be made (bad e-mail, duplicate, owner removal ...), before any request.

    ``field`` names the input the problem belongs to (``email``, ``group``, ``role``, ``entry``,
    ``everyone``) so the dialog can show it next to that input.
    """

    def __init__(self, message: str, *, field: str = "entry") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def validate_email(text: str) -> str:
    """The e-mail address in ``text`` (trimmed), or :class:`SharingError` if it is malformed."""
    email = text.strip()
    if not email:
        raise SharingError("enter an e-mail address", field="email")
    if len(email) > EMAIL_MAX or _CONTROL.search(email) or not _EMAIL.match(email):
        raise SharingError(f"not an e-mail address: {email!r}", field="email")
    return email


def validate_group(text: str) -> str:
    """The group name in ``text`` (trimmed), or :class:`SharingError` if it cannot be one."""
    group = text.strip()
    if not group:
        raise SharingError("enter a group name", field="group")
    if len(group) > GROUP_MAX or _CONTROL.search(group):
        raise SharingError("a group name is one line of at most 256 characters", field="group")
    return group


@dataclass
class PermissionsDraft:
    """An asset's permissions as the user edits them, next to the version loaded (``baseline``).

    ``owner_email`` is the asset's owner (``DataAsset.owner_email``); when unknown, the first user
    the server lists as owner is taken (the API lists the owner first). That entry cannot be
    removed or demoted: the server keeps the owner whatever is sent.
    """

    baseline: Permissions
    owner_email: str | None = None
    entries: list[Entry] = field(default_factory=list)
    everyone: str = "none"
    share_assets: bool = False
    """Also share the attached assets with the people added (``share_assets`` in the POST)."""

    def __post_init__(self) -> None:
        if self.owner_email is None:
            self.owner_email = next(
                (u.email for u in self.baseline.users or [] if u.role == "owner"), None
            )
        if not self.entries:
            self._load(self.baseline)

    def _load(self, permissions: Permissions) -> None:
        self.entries = [*entries_of(permissions, "user").values(),
                        *entries_of(permissions, "group").values()]
        self.everyone = permissions.everyone or "none"
        self.share_assets = bool(permissions.share_assets)

    # --- reading -----------------------------------------------------------------------------

    def is_owner_entry(self, entry: Entry) -> bool:
        """True for the asset owner's own entry (fixed: cannot be removed or changed)."""
        return (entry.kind == "user" and self.owner_email is not None
                and entry.name.lower() == self.owner_email.lower())

    def find(self, kind: Kind, name: str) -> Entry | None:
        """The entry for this user (any case) or group, if present."""
        key = key_of(kind, name.strip())
        return next((e for e in self.entries if e.key == key), None)

    def to_permissions(self) -> Permissions:
        """The body to POST: every user (owner included) and group, everyone and
        ``share_assets``. Entries keep the role they have, ``editor`` from a server included."""
        return Permissions(
            users=[UserPermissions(email=e.name, role=e.role)
                   for e in self.entries if e.kind == "user"],
            groups=[GroupPermissions(group=e.name, role=e.role)
                    for e in self.entries if e.kind == "group"],
            everyone=self.everyone,
            share_assets=self.share_assets,
        )

    def diff(self) -> PermissionsDiff:
        """The changes from the loaded version to this one."""
        return diff_permissions(self.baseline, self.to_permissions(),
                                owner_email=self.owner_email)

    @property
    def dirty(self) -> bool:
        """True when there are unsaved changes."""
        return not self.diff().empty

    # --- editing -----------------------------------------------------------------------------

    def add(self, kind: Kind, name: str, role: str) -> Entry:
        """Add a user (by e-mail) or a group with ``role``; raises :class:`SharingError`."""
        name = validate_email(name) if kind == "user" else validate_group(name)
        self._check_role(kind, role)
        existing = self.find(kind, name)
        if existing is not None:
            what = "the owner" if self.is_owner_entry(existing) else existing.role
            raise SharingError(
                f"{name} is already in the list ({what}); change its role instead",
                field="email" if kind == "user" else "group",
            )
        entry = Entry(kind, name, role)
        self.entries.append(entry)
        return entry

    def set_role(self, entry: Entry, role: str) -> Entry:
        """Give ``entry`` another role; raises :class:`SharingError` for the owner."""
        self._check_role(entry.kind, role)
        index = self._index(entry)
        if self.is_owner_entry(self.entries[index]):
            raise SharingError("the asset's owner always stays owner")
        updated = Entry(entry.kind, self.entries[index].name, role)
        self.entries[index] = updated
        return updated

    def cycle_role(self, entry: Entry, step: int = 1) -> Entry:
        """Give ``entry`` the next (``1``) or previous (``-1``) role of its kind, wrapping.

        A role the dialog does not offer (``editor`` read from a server) moves to the nearest
        offered one in that direction: ``owner`` up, ``viewer`` down."""
        roles = USER_ROLES if entry.kind == "user" else GROUP_ROLES
        if entry.role in roles:
            index = roles.index(entry.role)
            return self.set_role(entry, roles[(index + step) % len(roles)])
        rank = RANK.get(entry.role, 0)
        if step > 0:
            role = next((r for r in roles if RANK[r] > rank), roles[0])
        else:
            role = next((r for r in reversed(roles) if RANK[r] < rank), roles[-1])
        return self.set_role(entry, role)

    def remove(self, entry: Entry) -> None:
        """Remove a user or group; raises :class:`SharingError` for the owner."""
        index = self._index(entry)
        if self.is_owner_entry(self.entries[index]):
            raise SharingError("the asset's owner cannot be removed")
        del self.entries[index]

    def set_everyone(self, role: str) -> None:
        """What everyone may do: ``none``, ``discoverable`` or ``viewer``."""
        if role not in EVERYONE_ROLES:
            raise SharingError(f"everyone can be {', '.join(EVERYONE_ROLES)}", field="everyone")
        self.everyone = role

    def set_share_assets(self, share: bool) -> None:
        """Also share (or not) the attached assets with the people added."""
        self.share_assets = share

    def rebase(self, server: Permissions, *, keep_edits: bool) -> None:
        """Take ``server`` as the new loaded version; keep the user's edits or drop them."""
        self.baseline = server
        if not keep_edits:
            self._load(server)

    def _index(self, entry: Entry) -> int:
        for index, candidate in enumerate(self.entries):
            if candidate.key == entry.key:
                return index
        raise SharingError(f"{entry.name} is not in the list")

    @staticmethod
    def _check_role(kind: Kind, role: str) -> None:
        roles = USER_ROLES if kind == "user" else GROUP_ROLES
        if role not in roles:
            allowed = f"{', '.join(roles[:-1])} or {roles[-1]}"
            raise SharingError(
                f"on a data asset a {kind} can be {allowed} (not {role!r})", field="role"
            )


@dataclass(frozen=True, slots=True)
class ApplyResult:
    """What saving did, from the permissions read back afterwards.

    ``landed`` is True when the server now has what was asked for. ``outcome_was_unknown`` is
    True when the answer to the POST was lost and only the read-back tells (nothing was re-sent).
    ``remaining`` is what still differs between the request and the server (empty if landed).
    """

    permissions: Permissions
    landed: bool
    outcome_was_unknown: bool = False
    remaining: PermissionsDiff = field(default_factory=PermissionsDiff)
    sent: bool = True

    @property
    def message(self) -> str:
        """One sentence for the user about what happened."""
        if not self.sent:
            return "Nothing to save."
        if self.outcome_was_unknown:
            if self.landed:
                return ("The answer was lost, but reading the permissions back shows the change "
                        "was applied.")
            return ("The answer was lost and reading back shows the change was not applied; "
                    "nothing was re-sent. Save again to retry.")
        if self.landed:
            return "Saved. These are the permissions the server now has."
        return ("Saved, but the server kept some entries differently; the list shows what it "
                "now has.")


async def apply_permissions(
    client: CodeOceanClient, asset_id: str, draft: PermissionsDraft
) -> ApplyResult:
    """Send the draft's permissions once, then read them back.

    Raises the :class:`~co_tui.api.errors.ApiError` of a rejected request (400 unknown user,
    403 not an owner ...), which changed nothing. When the POST's answer was lost
    (``outcome_unknown``), the permissions are read back to learn whether it landed; if that read
    fails too, the original error is raised. The draft itself is never changed here.
    """
    wanted = draft.to_permissions()
    if draft.diff().empty:
        current = await client.data_assets.get_permissions(asset_id)
        return ApplyResult(current, landed=True, sent=False)
    unknown = False
    try:
        await client.data_assets.update_permissions(asset_id, wanted)
    except ApiError as error:
        if not error.outcome_unknown:
            raise
        unknown = True
        try:
            current = await client.data_assets.get_permissions(asset_id)
        except ApiError as read_error:
            raise error from read_error
    else:
        current = await client.data_assets.get_permissions(asset_id)
    remaining = diff_permissions(current, wanted, owner_email=draft.owner_email)
    return ApplyResult(current, landed=remaining.empty, outcome_was_unknown=unknown,
                       remaining=remaining)
