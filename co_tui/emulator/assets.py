"""Data-asset rows: building them from logical values, and every write except create.

Each write returns whether it changed state, so the API can keep ``Emulator.write_log`` to the
writes that were really applied (an archive of an archived asset is not one).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

from co_tui.emulator import acl, request_body, wire
from co_tui.emulator.http_errors import ApiError, bad_request, forbidden
from co_tui.emulator.store import RowLike, Store, User

ASSET_COLUMNS = (
    "id", "name_lc", "owner", "created", "type", "state", "mount", "description_lc",
    "tags_key", "search_text", "size", "files", "size_override", "files_override", "external",
    "run_script_lc", "commit_lc", "custom_metadata", "contained_key", "archived", "everyone",
    "ready_at", "pending",
)
"""Columns of the ``assets`` table besides ``pk`` (the JSON itself lives in ``asset_json``)."""
PRIVATE_KEYS = ("size_override", "files_override", "archived", "everyone", "ready_at", "pending")
"""Asset values that are not on the wire."""
KEY_SEP = "\x1f"
_INSERT = (f"INSERT INTO assets (pk, {', '.join(ASSET_COLUMNS)}) "
           f"VALUES ({', '.join('?' * (len(ASSET_COLUMNS) + 1))})")
_UPDATE = f"UPDATE assets SET {', '.join(f'{name} = ?' for name in ASSET_COLUMNS)} WHERE pk = ?"


def _flatten(value: Any) -> list[str]:
    if isinstance(value, list):
        return [text for item in value for text in _flatten(item)]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _flatten(item)]
    return [] if value is None else [str(value)]


def asset_row(values: Mapping[str, Any], owner_email: str | None) -> tuple[tuple[Any, ...], bytes]:
    """(``assets`` columns in :data:`ASSET_COLUMNS` order, encoded JSON) for decoded values.

    ``values`` uses the wire key names (``tags``, ``provenance``, ``contained_data_assets`` ...)
    plus the :data:`PRIVATE_KEYS`. This runs once per asset when 100,000 are seeded, so it builds
    everything in one pass.
    """
    get = values.get
    name = values["name"]
    tags = get("tags") or []
    description = get("description") or ""
    custom = get("custom_metadata") or None
    provenance = get("provenance") or None
    contained = get("contained_data_assets") or None
    bucket = wire.normalise_source_bucket(get("source_bucket"))
    wire_values = {
        "id": values["id"], "created": int(values["created"]), "name": name,
        "mount": values["mount"], "last_used": int(get("last_used") or 0),
        "owner": values["owner"], "state": values["state"], "type": values["type"],
        "files": int(values["files"]), "size": int(values["size"]), "description": description,
        "tags": tags, "provenance": provenance, "source_bucket": bucket,
        "custom_metadata": custom, "app_parameters": get("app_parameters") or None,
        "nextflow_profile": get("nextflow_profile") or None, "contained_data_assets": contained,
        "last_transferred": get("last_transferred") or None,
        "transfer_error": get("transfer_error") or None,
        "failure_reason": get("failure_reason") or None,
    }
    text = [name, *tags, description, *_flatten(custom)] if custom else [name, *tags, description]
    run_script = commit = ""
    if provenance:
        run_script = str(provenance.get("run_script") or "").lower()
        commit = str(provenance.get("commit") or "").lower()
    columns = (
        values["id"], name.lower(), values["owner"], wire_values["created"], values["type"],
        values["state"], values["mount"], description.lower(),
        KEY_SEP + KEY_SEP.join(tags).lower() + KEY_SEP, "\n".join(text).lower(),
        wire_values["size"], wire_values["files"], get("size_override"), get("files_override"),
        1 if bucket["external"] else 0, run_script, commit, wire.dumps_or_none(custom),
        " " + " ".join(str(c.get("id", "")) for c in contained) + " " if contained else "  ",
        1 if get("archived") else 0, get("everyone") or "none", get("ready_at"), get("pending"),
    )
    return columns, wire.encode(wire.asset_dict(wire_values, owner_email))


def insert_asset(conn: sqlite3.Connection, values: Mapping[str, Any], owner_email: str | None,
                 pk: int | None = None) -> tuple[int, bytes]:
    """Insert one asset (inside the caller's transaction); returns (pk, its JSON)."""
    columns, encoded = asset_row(values, owner_email)
    cursor = conn.execute(_INSERT, (pk, *columns))
    new_pk = int(cursor.lastrowid if pk is None else pk)  # type: ignore[arg-type]
    conn.execute("INSERT INTO asset_json (pk, wire) VALUES (?, ?)", (new_pk, encoded))
    return new_pk, encoded


def insert_many(conn: sqlite3.Connection, rows: list[tuple[int, tuple[Any, ...], bytes]]) -> None:
    """Bulk insert of (pk, columns, JSON) built with :func:`asset_row`."""
    conn.executemany(_INSERT, [(pk, *columns) for pk, columns, _ in rows])
    conn.executemany("INSERT INTO asset_json (pk, wire) VALUES (?, ?)",
                     [(pk, encoded) for pk, _, encoded in rows])


def values_of(row: RowLike) -> dict[str, Any]:
    """Decoded values of an asset row read with ``store.ASSET_SELECT`` (wire + private keys)."""
    values: dict[str, Any] = wire.decode(row["wire"])
    values.pop("owner_email", None)
    for key in PRIVATE_KEYS:
        values[key] = row[key]
    return values


def rewrite(store: Store, conn: sqlite3.Connection, row: RowLike,
            **changes: Any) -> bytes:
    """Apply decoded ``changes`` to an asset (a row read with ``ASSET_SELECT``), recompute every
    derived column and its JSON; returns the new JSON."""
    values = values_of(row)
    values.update(changes)
    columns, encoded = asset_row(values, store.email_of(values["owner"]))
    conn.execute(_UPDATE, (*columns, row["pk"]))
    conn.execute("UPDATE asset_json SET wire = ? WHERE pk = ?", (encoded, row["pk"]))
    return encoded


def validate_custom_metadata(store: Store, custom: dict[str, Any]) -> dict[str, Any]:
    """Check values against the deployment's schema (types, allowed values, ranges).

    Keys the schema does not define are kept as they are (seed data may carry them).
    """
    schema = wire.loads_or_none(store.meta_get("custom_metadata")) or {}
    fields = {f.get("name"): f for f in schema.get("fields") or [] if isinstance(f, dict)}
    for key, value in custom.items():
        field = fields.get(key)
        values = value if isinstance(value, list) else [value]
        if isinstance(value, list) and field is not None and not field.get("multiple"):
            raise bad_request(f"custom metadata field {key!r} takes a single value")
        for item in values:
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                raise bad_request(f"custom metadata field {key!r} must be a string or a number")
            if field is None:
                continue
            kind = field.get("type")
            if kind in ("number", "date") and not isinstance(item, (int, float)):
                raise bad_request(f"custom metadata field {key!r} must be a number")
            if kind == "string" and not isinstance(item, str):
                raise bad_request(f"custom metadata field {key!r} must be a string")
            allowed = field.get("allowed_values")
            if allowed and item not in allowed:
                raise bad_request(
                    f"{item!r} is not an allowed value of custom metadata field {key!r}")
            bounds = field.get("range") or {}
            if isinstance(item, (int, float)):
                if bounds.get("min") is not None and item < bounds["min"]:
                    raise bad_request(f"custom metadata field {key!r} must be >= {bounds['min']}")
                if bounds.get("max") is not None and item > bounds["max"]:
                    raise bad_request(f"custom metadata field {key!r} must be <= {bounds['max']}")
    return custom


def update_metadata(store: Store, user: User, asset_id: str, data: Any) -> tuple[bytes, bool]:
    """``PUT /data_assets/{id}``: null/absent fields stay as they are; ``custom_metadata``, when
    given, replaces the whole map. Returns (asset JSON, changed)."""
    data = request_body.as_object(data)
    name = request_body.opt_str(data, "name")
    if name is not None and not name.strip():
        raise bad_request("name must not be empty")
    description = request_body.opt_str(data, "description")
    tags = request_body.opt_str_list(data, "tags")
    mount = request_body.opt_str(data, "mount")
    custom = request_body.opt_object(data, "custom_metadata")
    row, _ = acl.require_asset(store, user, asset_id, "editor")
    changes: dict[str, Any] = {}
    current = values_of(row)
    if name is not None and name != current["name"]:
        changes["name"] = name
    if description is not None and description != current["description"]:
        changes["description"] = description
    if tags is not None:
        tags = request_body.validate_tags(tags)
        if tags != (current["tags"] or []):
            changes["tags"] = tags
    if mount is not None and request_body.validate_mount(mount) != current["mount"]:
        changes["mount"] = mount
    if custom is not None:
        custom = validate_custom_metadata(store, custom)
        if custom != (current.get("custom_metadata") or {}):
            changes["custom_metadata"] = custom or None
    if not changes:
        return bytes(row["wire"]), False
    with store.transaction() as conn:
        encoded = rewrite(store, conn, row, **changes)
    return encoded, True


def set_archived(store: Store, user: User, asset_id: str, archive: bool) -> bool:
    """``PATCH /data_assets/{id}/archive``; owner only. Returns whether the flag changed."""
    row, _ = acl.require_asset(store, user, asset_id, "owner")
    if bool(row["archived"]) == archive:
        return False
    with store.transaction() as conn:
        conn.execute("UPDATE assets SET archived = ? WHERE pk = ?", (int(archive), row["pk"]))
    return True


def delete_asset(store: Store, user: User, asset_id: str) -> None:
    """``DELETE /data_assets/{id}``; owner only, and only once archived (400 otherwise)."""
    row, _ = acl.require_asset(store, user, asset_id, "owner")
    if not row["archived"]:
        raise bad_request("data asset must be archived before it can be deleted")
    pk = row["pk"]
    with store.transaction() as conn:
        for table in ("asset_users", "asset_groups", "asset_share", "favorites", "files",
                      "gen_folders"):
            conn.execute(f"DELETE FROM {table} WHERE asset = ?", (pk,))
        conn.execute("DELETE FROM asset_json WHERE pk = ?", (pk,))
        conn.execute("DELETE FROM attachments WHERE asset_id = ?", (asset_id,))
        conn.execute("DELETE FROM assets WHERE pk = ?", (pk,))
    store.notify_asset_changed(asset_id)


def _role_order(item: tuple[str, str]) -> tuple[int, str]:
    return -acl.RANK.get(item[1], 0), item[0]


def get_permissions(store: Store, user: User, asset_id: str) -> dict[str, Any]:
    """``GET /data_assets/{id}/permissions``: the owner first, then grants by role and name."""
    row, _ = acl.require_asset(store, user, asset_id, "viewer")
    users = [{"email": store.email_of(row["owner"]) or row["owner"], "role": "owner"}]
    grants = [(r["email_lc"], r["role"]) for r in store.query(
        "SELECT email_lc, role FROM asset_users WHERE asset = ?", (row["pk"],))]
    for email_lc, role in sorted(grants, key=_role_order):
        known = store.user_by_email(email_lc)
        users.append({"email": known.email if known else email_lc, "role": role})
    groups = [{"group": r["grp"], "role": r["role"]} for r in store.query(
        "SELECT grp, role FROM asset_groups WHERE asset = ?", (row["pk"],))]
    groups.sort(key=lambda g: _role_order((g["group"], g["role"])))
    share = store.query_one("SELECT share_assets FROM asset_share WHERE asset = ?", (row["pk"],))
    return {"users": users, "groups": groups, "everyone": row["everyone"],
            "share_assets": bool(share and share["share_assets"])}


def _no_new_editor(role: str, held: str | None, who: str) -> None:
    """400 for ``editor`` on a data asset, unless ``who`` already holds it (kept as it was).

    Data assets have viewers and owners (and discoverable groups); ``editor`` is a capsule
    role. A grant made before that rule may still be on the server, and sending the whole list
    back unchanged must not fail because of it.
    """
    if role == "editor" and held != "editor":
        raise bad_request(f"the editor role does not exist for data assets ({who}): use "
                          "viewer or owner")


def update_permissions(store: Store, user: User, asset_id: str, data: Any) -> bool:
    """``POST /data_assets/{id}/permissions``; owner only.

    Each of ``users``, ``groups``, ``everyone`` and ``share_assets`` that is given replaces that
    part of the ACL (null/absent leaves it unchanged). The asset's owner always stays its owner.
    ``editor`` is refused unless the entry already held it. Returns whether the ACL changed.
    """
    data = request_body.as_object(data)
    users = request_body.opt_list(data, "users")
    groups = request_body.opt_list(data, "groups")
    everyone = request_body.opt_str(data, "everyone")
    share_assets = request_body.opt_bool(data, "share_assets")
    row, _ = acl.require_asset(store, user, asset_id, "owner")
    owner_email = (store.email_of(row["owner"]) or "").lower()
    pk = row["pk"]
    old_users = {r["email_lc"]: r["role"] for r in store.query(
        "SELECT email_lc, role FROM asset_users WHERE asset = ?", (pk,))}
    old_groups = {r["grp"]: r["role"] for r in store.query(
        "SELECT grp, role FROM asset_groups WHERE asset = ?", (pk,))}
    new_users: dict[str, str] | None = None
    if users is not None:
        new_users = {}
        for item in users:
            entry = request_body.as_object(item, "each users entry")
            email = request_body.req_str(entry, "email")
            role = request_body.req_str(entry, "role")
            if role not in wire.USER_ROLES:
                raise bad_request(f"invalid user role {role!r} (owner or viewer)")
            _no_new_editor(role, old_users.get(email.lower()), f"user {email}")
            if store.user_by_email(email) is None:
                raise bad_request(f"user {email!r} not found")
            if email.lower() != owner_email:
                new_users[email.lower()] = role
    new_groups: dict[str, str] | None = None
    if groups is not None:
        known = store.known_groups()
        new_groups = {}
        for item in groups:
            entry = request_body.as_object(item, "each groups entry")
            group = request_body.req_str(entry, "group")
            role = request_body.req_str(entry, "role")
            if role not in wire.GROUP_ROLES:
                raise bad_request(f"invalid group role {role!r} (owner, viewer or discoverable)")
            _no_new_editor(role, old_groups.get(group), f"group {group}")
            if group not in known:
                raise bad_request(f"group {group!r} not found")
            new_groups[group] = role
    if everyone is not None and everyone not in wire.EVERYONE_ROLES:
        raise bad_request(f"invalid everyone role {everyone!r} (none, viewer or discoverable)")
    shared = store.query_one("SELECT share_assets FROM asset_share WHERE asset = ?", (pk,))
    old_share = bool(shared and shared["share_assets"])
    changed = (
        (new_users is not None and new_users != old_users)
        or (new_groups is not None and new_groups != old_groups)
        or (everyone is not None and everyone != row["everyone"])
        or (share_assets is not None and share_assets != old_share)
    )
    if not changed:
        return False
    with store.transaction() as conn:
        if new_users is not None:
            conn.execute("DELETE FROM asset_users WHERE asset = ?", (pk,))
            conn.executemany("INSERT INTO asset_users (asset, email_lc, role) VALUES (?, ?, ?)",
                             [(pk, email, role) for email, role in new_users.items()])
        if new_groups is not None:
            conn.execute("DELETE FROM asset_groups WHERE asset = ?", (pk,))
            conn.executemany("INSERT INTO asset_groups (asset, grp, role) VALUES (?, ?, ?)",
                             [(pk, group, role) for group, role in new_groups.items()])
        if everyone is not None:
            conn.execute("UPDATE assets SET everyone = ? WHERE pk = ?", (everyone, pk))
        if share_assets is not None:
            conn.execute("INSERT OR REPLACE INTO asset_share (asset, share_assets) VALUES (?, ?)",
                         (pk, int(share_assets)))
    return True


def transfer(store: Store, user: User, asset_id: str, data: Any) -> bool:
    """``POST /data_assets/{id}/transfer`` (admins only): move the files to an S3 location.

    A known bucket makes the asset external there (``last_transferred`` set); an unknown one
    records ``transfer_error``. Returns whether the asset changed.
    """
    if not user.admin:
        raise forbidden("only administrators may transfer data assets")
    data = request_body.as_object(data)
    target = request_body.opt_object(data, "target") or {}
    aws = request_body.opt_object(target, "aws")
    if aws is None:
        raise bad_request("target.aws is required")
    bucket = request_body.req_str(aws, "bucket")
    prefix = (request_body.opt_str(aws, "prefix") or "").strip("/")
    request_body.opt_str(aws, "endpoint_name")
    force = bool(request_body.opt_bool(data, "force"))
    row, _ = acl.require_asset(store, user, asset_id, "owner")
    if not force and store.query_one(
        "SELECT 1 FROM attachments t JOIN capsules c ON t.target = 'pipeline:' || c.id "
        "WHERE t.asset_id = ? AND c.status = 'release'",
        (asset_id,),
    ):
        raise bad_request("data asset is used by a release pipeline; set force to transfer it")
    if row["state"] != "ready":
        raise ApiError(400, "only ready data assets can be transferred")
    with store.transaction() as conn:
        if store.query_one("SELECT 1 FROM buckets WHERE name = ?", (bucket,)) is None:
            rewrite(store, conn, row,
                    transfer_error=f"bucket '{bucket}' does not exist or is not accessible")
        else:
            rewrite(
                store, conn, row,
                source_bucket={"origin": "aws", "bucket": bucket, "prefix": prefix,
                               "external": True},
                size_override=row["size"], files_override=row["files"],
                last_transferred=int(store.clock()), transfer_error=None,
            )
    store.notify_asset_changed(asset_id)
    return True
