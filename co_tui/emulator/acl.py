"""Who may see and do what with a data asset.

Roles, from weakest: ``none`` < ``discoverable`` (listed by search, nothing else) < ``viewer``
(read the asset, its files, URLs and permissions) < ``editor`` (also update metadata) <
``owner`` (everything: permissions, archive, delete). A user's role on an asset is the strongest
of: being its owner, a per-user grant, a grant to one of their groups, and the ``everyone``
setting. Admins are owners of everything. An asset the caller cannot even discover answers 404,
never 403, so its existence does not leak.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from co_tui.emulator.http_errors import ApiError
from co_tui.emulator.store import Store, User

RANK = {"none": 0, "discoverable": 1, "viewer": 2, "editor": 3, "owner": 4}

ACTIONS = {
    "viewer": "read",
    "editor": "edit the metadata of",
    "owner": "manage",
}


def asset_role(store: Store, user: User, row: sqlite3.Row) -> str:
    """The strongest role ``user`` holds on the asset ``row``."""
    if user.admin or row["owner"] == user.id:
        return "owner"
    best = row["everyone"] if row["everyone"] in RANK else "none"
    grant = store.query_one(
        "SELECT role FROM asset_users WHERE asset = ? AND email_lc = ?", (row["pk"], user.email_lc)
    )
    if grant is not None and RANK.get(grant["role"], 0) > RANK[best]:
        best = grant["role"]
    if user.groups:
        marks = ",".join("?" * len(user.groups))
        for grant in store.query(
            f"SELECT role FROM asset_groups WHERE asset = ? AND grp IN ({marks})",
            (row["pk"], *user.groups),
        ):
            if RANK.get(grant["role"], 0) > RANK[best]:
                best = grant["role"]
    return best


def visible_clause(user: User, alias: str = "a", schema: str = "") -> tuple[str, list[Any]]:
    """SQL condition (and its arguments) for assets ``user`` may at least discover.

    ``schema`` prefixes the grant tables (``"idx."`` for a lagging search index's copy).
    """
    if user.admin:
        return "1", []
    # Correlated EXISTS on the grant tables' primary keys: a point lookup for each row that is
    # neither the caller's nor open to everyone. An uncorrelated IN (...) would build the list
    # of every asset shared with the caller (tens of thousands of rows) on every statement,
    # which costs more than a page walk itself (docs/product.md, 'Measurements behind the
    # design').
    parts = [
        f"{alias}.owner = ?",
        f"{alias}.everyone != 'none'",
        f"EXISTS (SELECT 1 FROM {schema}asset_users g "
        f"WHERE g.asset = {alias}.pk AND g.email_lc = ?)",
    ]
    args: list[Any] = [user.id, user.email_lc]
    if user.groups:
        marks = ",".join("?" * len(user.groups))
        parts.append(f"EXISTS (SELECT 1 FROM {schema}asset_groups h "
                     f"WHERE h.asset = {alias}.pk AND h.grp IN ({marks}))")
        args.extend(user.groups)
    return "(" + " OR ".join(parts) + ")", args


def _access(store: Store, user: User, asset_id: str) -> tuple[sqlite3.Row | None, str]:
    """The asset row of ``asset_id`` (``None`` if there is none) and ``user``'s role on it."""
    row = store.asset_row(asset_id)
    return row, "none" if row is None else asset_role(store, user, row)


def require_asset(store: Store, user: User, asset_id: str, need: str) -> tuple[sqlite3.Row, str]:
    """The asset row and the caller's role, or the API error the caller deserves.

    ``need`` is the weakest role that may go on (``viewer``, ``editor`` or ``owner``). Row and
    role are read once per (caller, asset) until the next write (:meth:`Store.cached`).
    """
    row, role = store.cached(("access", user, asset_id), lambda: _access(store, user, asset_id))
    if row is None or role == "none":
        raise ApiError(404, f"data asset {asset_id} not found")
    if RANK[role] < RANK[need]:
        if role == "discoverable":
            raise ApiError(
                403,
                "this data asset is only discoverable to you: it shows in search results, but "
                "you do not have permission to open, read or attach it",
            )
        raise ApiError(
            403,
            f"you do not have permission to {ACTIONS[need]} this data asset "
            f"(your role: {role}; {need} required)",
        )
    return row, role
