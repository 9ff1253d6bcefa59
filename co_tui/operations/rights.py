"""Who may do what with an asset, so the UI can grey out what would only fail.

The API has no "who am I" call and data assets carry no "my role" field, so co-tui learns:

- **who the user is**, once per session, from one search for assets they created
  (``ownership=created``, one result): its ``owner`` is the user's id and ``owner_email`` their
  address (:func:`learn_identity`). A user who never created an asset stays unknown;
- **their role on an asset** from what is at hand: being its owner, or a grant to their own
  e-mail in the asset's permissions (which viewers may read too). Access through a group, the
  ``everyone`` setting or being an admin cannot be told apart (group membership and admin
  status are not in the API): the role stays unknown and the server decides;
- **refusals**: a 403 on an action greys that action out for that asset from then on
  (docs/product.md, 'Errors'), whatever was believed before;
- **discoverable only**: an asset that search lists but whose permissions (or the asset itself)
  answer 403 is only discoverable to the user: they see what search shows, and reading its files
  (download, preview, a file's link) needs access. An asset read in full this session is never
  taken for one.

The permissions of the highlighted asset are read ahead of any key, once per asset and session
(:mod:`co_tui.operations.role_lookup`); :attr:`Rights.looked_up` is that cache.

An unknown role never disables anything: offering an action the server then refuses is better
than hiding one the user may do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from co_tui.api import CodeOceanClient
    from co_tui.api.models import DataAsset, Permissions

__all__ = [
    "NEEDS",
    "Identity",
    "Rights",
    "learn_identity",
    "role_on",
]

Role = Literal["owner", "editor", "viewer", "discoverable", "none"]
RANK: dict[str, int] = {"none": 0, "discoverable": 1, "viewer": 2, "editor": 3, "owner": 4}

NEEDS: dict[str, Role] = {
    "edit": "editor",
    "tags": "editor",
    "share": "owner",
    "archive": "owner",
    "restore": "owner",
    "delete": "owner",
    "download_assets": "viewer",
    "download": "viewer",
    "copy_link": "viewer",
    "open_pager": "viewer",
    "preview": "viewer",
}
"""The weakest role each guarded action needs (the emulator enforces the same table). The
``viewer`` ones read the asset's files (``D``; in the Files tab ``d``, ``l``, ``o`` and the
preview): only users to whom the asset is merely discoverable are refused them."""

_WHAT: dict[str, str] = {
    "edit": "editing the metadata",
    "tags": "changing tags",
    "share": "sharing",
    "archive": "archiving",
    "restore": "restoring",
    "delete": "deleting",
    "download_assets": "downloading",
    "download": "downloading its files",
    "copy_link": "copying a file's link",
    "open_pager": "reading its files",
    "preview": "listing and previewing its files",
}


@dataclass(frozen=True, slots=True)
class Identity:
    """The signed-in user as far as co-tui could learn it (either part may be unknown)."""

    user_id: str | None = None
    email: str | None = None


async def learn_identity(client: CodeOceanClient) -> Identity:
    """The user's id and e-mail from one asset they created; empty when they created none.

    Raises the client's :class:`~co_tui.api.ApiError` on failure (callers treat it as unknown).
    """
    from co_tui.api.models import DataAssetSearchParams

    params = DataAssetSearchParams(ownership="created", limit=1, archived=False)
    page = await client.data_assets.search_data_assets(params)
    if not page.results:
        params = DataAssetSearchParams(ownership="created", limit=1, archived=True)
        page = await client.data_assets.search_data_assets(params)
    if not page.results:
        return Identity()
    mine = page.results[0]
    return Identity(user_id=mine.owner or None, email=mine.owner_email or None)


def role_on(
    asset: DataAsset, identity: Identity | None, permissions: Permissions | None = None
) -> Role | None:
    """The user's role on ``asset``, or None when it cannot be told from what is known."""
    if identity is not None and identity.user_id and asset.owner == identity.user_id:
        return "owner"
    if identity is not None and identity.email and asset.owner_email:
        if asset.owner_email.casefold() == identity.email.casefold():
            return "owner"
    if permissions is None or identity is None or not identity.email:
        return None
    wanted = identity.email.casefold()
    granted = [u.role for u in permissions.users or () if u.email.casefold() == wanted]
    if not granted:
        # reaching the asset without a grant of one's own means a group, "everyone" or being an
        # admin (owner of everything): none of which can be told apart here
        return None
    best = max(granted, key=lambda role: RANK.get(role, 0))
    return best if best in RANK else None  # type: ignore[return-value]


@dataclass(slots=True, eq=False, weakref_slot=True)
class Rights:
    """What this session knows about the user's rights: roles per asset and refusals seen.

    Compared by identity: each session (each login) has its own, which
    :func:`co_tui.operations.role_lookup.lookup_for` keys its reads on."""

    identity: Identity | None = None
    roles: dict[str, Role] = field(default_factory=dict)
    refused: dict[tuple[str, str], str] = field(default_factory=dict)
    looked_up: set[str] = field(default_factory=set)
    """Assets whose permissions were read this session (an answer, or a 403): not read again."""
    readable: set[str] = field(default_factory=set)
    """Assets read in full this session: the user is at least a viewer of them."""

    def learn(self, asset: DataAsset, permissions: Permissions | None = None) -> Role | None:
        """Work out (and remember) the role on ``asset``; returns it, or None when unknown."""
        if permissions is not None:
            self.looked_up.add(asset.id)
            self.readable.add(asset.id)  # reading the permissions needs a viewer too
            if self.roles.get(asset.id) == "discoverable":
                del self.roles[asset.id]
        role = role_on(asset, self.identity, permissions)
        if role is not None:
            self.roles[asset.id] = role
        return role

    def learned(self, identity: Identity) -> None:
        """Take what :func:`learn_identity` found, without forgetting what is known already.

        Search lags writes: a user whose first asset was created in this session may be found
        to have created nothing, after :meth:`created` learnt who they are.
        """
        old = self.identity or Identity()
        self.identity = Identity(user_id=identity.user_id or old.user_id,
                                 email=identity.email or old.email)

    def created(self, asset: DataAsset) -> None:
        """This session created ``asset``: its owner is the user (known at once, whereas search
        shows a new asset only seconds later)."""
        self.learned(Identity(user_id=asset.owner or None, email=asset.owner_email or None))

    def discoverable_only(self, asset_id: str) -> None:
        """Reading the asset (or its permissions) got a 403: the user may only discover it,
        unless the asset was read in full this session (a server that keeps permissions from
        viewers)."""
        self.looked_up.add(asset_id)
        if asset_id not in self.readable:
            self.roles[asset_id] = "discoverable"

    def read_in_full(self, asset_id: str) -> None:
        """The asset itself was read: the user is at least a viewer (never discoverable only)."""
        self.readable.add(asset_id)
        if self.roles.get(asset_id) == "discoverable":
            del self.roles[asset_id]

    def is_discoverable_only(self, asset: DataAsset) -> bool:
        """Whether the user may only discover ``asset`` (see the module docstring)."""
        return self.roles.get(asset.id) == "discoverable"

    def refuse(self, asset_id: str, action: str) -> None:
        """The server said 403 to ``action`` on the asset: grey it out from now on."""
        need = NEEDS.get(action)
        self.refused[(asset_id, action)] = "the server refused it"
        if need == "viewer":  # refused what any viewer may do: only discoverable
            self.discoverable_only(asset_id)
        # a refusal also tells us the role is below what the action needs
        if need == "owner":
            for other, other_need in NEEDS.items():
                if other_need == "owner":
                    self.refused.setdefault((asset_id, other), "the server refused it")

    def role(self, asset: DataAsset) -> Role | None:
        """The user's role on ``asset`` as far as this session knows it (None when unknown)."""
        return self.roles.get(asset.id) or role_on(asset, self.identity)

    def reason(self, asset: DataAsset, action: str) -> str | None:
        """Why ``action`` is not possible on ``asset``, or None when it is (or may be)."""
        need = NEEDS.get(action)
        if need is None:
            return None
        what = _WHAT.get(action, action)
        refused = self.refused.get((asset.id, action))
        if refused:
            return f"You do not have permission: {what} was refused by the server."
        role = self.role(asset)
        if role is None or RANK[role] >= RANK[need]:
            return None
        needed = {"owner": "the owner", "editor": "an editor or the owner"}.get(
            need, "access to it (ask its owner to share it)")
        if role == "discoverable":
            return f"This asset is only discoverable to you: {what} needs {needed}."
        article = "an" if role[0] in "aeiou" else "a"
        return f"You are {article} {role} of this asset: {what} needs {needed}."

    def reasons(self, assets: list[DataAsset], action: str) -> str | None:
        """Why ``action`` is impossible on all of ``assets`` (None if any may do it)."""
        found = [self.reason(asset, action) for asset in assets]
        if found and all(found):
            return found[0] if len(found) == 1 else f"None of the {len(found)} selected: {found[0]}"
        return None
