"""Sharing a data asset: an editable copy of its permissions, the diff to save, and the save.

:class:`PermissionsDraft` holds who has access as the dialog edits it (users by e-mail, groups,
everyone) next to the version loaded from the server. Every edit is validated before any
request: a malformed e-mail, a duplicate entry, a role the API does not know for that kind of
entry, or removing / demoting the asset's owner raise :class:`SharingError` and change nothing.

:meth:`PermissionsDraft.diff` is what the dialog shows before saving, and says which changes need
a second confirmation (granting owner to anyone, opening the asset to everyone).
:func:`apply_permissions` POSTs the edited permissions once and reads them back; when the answer
was lost it reads back and reports whether the change landed, and never sends it again
(product section 5).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from co_tui.api.errors import ApiError
from co_tui.api.models import GroupPermissions, Permissions, UserPermissions

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

USER_ROLES: tuple[str, ...] = ("viewer", "editor", "owner")
"""Roles a user can be given, weakest first (reference section 2)."""
GROUP_ROLES: tuple[str, ...] = ("discoverable", "viewer", "editor", "owner")
"""Roles a group can be given, weakest first."""
EVERYONE_ROLES: tuple[str, ...] = ("none", "discoverable", "viewer")
"""What everyone in the deployment may do, weakest first."""

_RANK = {"none": 0, "discoverable": 1, "viewer": 2, "editor": 3, "owner": 4}

# Deliberately simple: one "@", something on both sides, a dot in the domain, and none of the
# characters that mean the user pasted a list or a display name ("Ada <ada@x.org>", "a, b").
_EMAIL = re.compile(r"^[^@\s<>(),;:\"\[\]\\]+@[^@\s<>(),;:\"\[\]\\]+\.[^@\s<>(),;:\"\[\]\\.]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
EMAIL_MAX = 254
GROUP_MAX = 256

Kind = Literal["user", "group"]


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


def _key(kind: Kind, name: str) -> tuple[Kind, str]:
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
        return _key(self.kind, self.name)


@dataclass(frozen=True, slots=True)
class Change:
    """One line of a diff. ``before`` is None for an added entry, ``after`` None for a removed one.

    ``kind`` ``"everyone"`` is the everyone setting (``name`` is ``"everyone"``).
    """

    kind: Literal["user", "group", "everyone"]
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
    then everyone."""

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
        old = _entries(before, kind)
        new = _entries(after, kind)
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
        wider = _RANK.get(new_everyone, 0) > _RANK.get(old_everyone, 0)
        changes.append(Change("everyone", "everyone", old_everyone, new_everyone, wider))
    return PermissionsDiff(tuple(changes))


def _entries(permissions: Permissions, kind: Kind) -> dict[tuple[Kind, str], Entry]:
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

    def __post_init__(self) -> None:
        if self.owner_email is None:
            self.owner_email = next(
                (u.email for u in self.baseline.users or [] if u.role == "owner"), None
            )
        if not self.entries:
            self._load(self.baseline)

    def _load(self, permissions: Permissions) -> None:
        self.entries = [*_entries(permissions, "user").values(),
                        *_entries(permissions, "group").values()]
        self.everyone = permissions.everyone or "none"

    # --- reading -----------------------------------------------------------------------------

    def is_owner_entry(self, entry: Entry) -> bool:
        """True for the asset owner's own entry (fixed: cannot be removed or changed)."""
        return (entry.kind == "user" and self.owner_email is not None
                and entry.name.lower() == self.owner_email.lower())

    def find(self, kind: Kind, name: str) -> Entry | None:
        """The entry for this user (any case) or group, if present."""
        key = _key(kind, name.strip())
        return next((e for e in self.entries if e.key == key), None)

    def to_permissions(self) -> Permissions:
        """The body to POST: every user (owner included) and group, and everyone."""
        return Permissions(
            users=[UserPermissions(email=e.name, role=e.role)
                   for e in self.entries if e.kind == "user"],
            groups=[GroupPermissions(group=e.name, role=e.role)
                    for e in self.entries if e.kind == "group"],
            everyone=self.everyone,
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
        """Give ``entry`` the next (``1``) or previous (``-1``) role of its kind, wrapping."""
        roles = USER_ROLES if entry.kind == "user" else GROUP_ROLES
        index = roles.index(entry.role) if entry.role in roles else -1
        return self.set_role(entry, roles[(index + step) % len(roles)])

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
            raise SharingError(
                f"a {kind} can be {', '.join(roles)} (not {role!r})", field="role"
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
    remaining: PermissionsDiff = PermissionsDiff()
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
