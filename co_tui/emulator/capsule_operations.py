"""Capsules, pipelines and computations: reads, capsule/pipeline search, a capsule's runs and a
run's result files, attach and detach.

Capsules and pipelines share the ``capsules`` table (``kind``). Attachments of data assets to a
capsule, a pipeline or a cloud-workstation computation live in ``attachments`` with a target of
``"capsule:<id>"``, ``"pipeline:<id>"`` or ``"computation:<id>"``. Capsule search is evaluated in
Python (a deployment has few capsules); a free-text term equal to a data asset's id matches the
capsules that have that asset attached, which is how the web app and clients find where an asset
is used (docs/api-notes.md, 'Endpoints co-tui uses': "attached to").
"""

from __future__ import annotations

import hashlib
import sqlite3
from typing import Any

from co_tui.emulator import acl, request_body, tree, wire
from co_tui.emulator.http_errors import ApiError, bad_request, forbidden
from co_tui.emulator.search import Page, decode_token, encode_token
from co_tui.emulator.search_request import OWNERSHIPS, clamp_limit, parse_query
from co_tui.emulator.store import Store, User

CAPSULE_FIELDS = ("id", "name", "doi", "tag", "field", "affiliation", "journal", "article",
                  "author")
CAPSULE_SORTS = ("created", "name", "last_accessed")


def capsule_role(store: Store, user: User, row: sqlite3.Row) -> str:
    """The caller's role on a capsule or pipeline (same ranks as data assets)."""
    if user.admin or row["owner"] == user.id:
        return "owner"
    best = row["everyone"] if row["everyone"] in acl.RANK else "none"
    grant = store.query_one("SELECT role FROM capsule_users WHERE capsule = ? AND email_lc = ?",
                            (row["id"], user.email_lc))
    if grant is not None and acl.RANK.get(grant["role"], 0) > acl.RANK[best]:
        best = grant["role"]
    return best


def _capsule(store: Store, user: User, kind: str, capsule_id: str, need: str) -> sqlite3.Row:
    row = store.query_one("SELECT * FROM capsules WHERE id = ? AND kind = ?", (capsule_id, kind))
    missing = ApiError(404, f"{kind} {capsule_id} not found")
    if row is None:
        raise missing
    role = capsule_role(store, user, row)
    if acl.RANK[role] < acl.RANK["viewer"]:
        raise missing
    if acl.RANK[role] < acl.RANK[need]:
        raise forbidden(f"you do not have permission to change this {kind} (your role: {role})")
    return row


def get_capsule(store: Store, user: User, kind: str, capsule_id: str) -> dict[str, Any]:
    """``GET /capsules/{id}`` and ``GET /pipelines/{id}``."""
    row = _capsule(store, user, kind, capsule_id, "viewer")
    return wire.capsule_dict(row, store.email_of(row["owner"]))


def _computation_row(store: Store, user: User, computation_id: str) -> dict[str, Any]:
    row = store.query_one("SELECT * FROM computations WHERE id = ?", (computation_id,))
    missing = ApiError(404, f"computation {computation_id} not found")
    if row is None:
        raise missing
    doc: dict[str, Any] = wire.decode(row["doc"])
    if user.admin or row["owner"] == user.id:
        return doc
    parent = row["capsule_id"] or row["pipeline_id"]
    capsule = store.query_one("SELECT * FROM capsules WHERE id = ?", (parent,)) if parent else None
    if capsule is None or acl.RANK[capsule_role(store, user, capsule)] < acl.RANK["viewer"]:
        raise missing
    return doc


def get_computation(store: Store, user: User, computation_id: str) -> dict[str, Any]:
    """``GET /computations/{id}``: the run, with its attached (input) data assets."""
    doc = _computation_row(store, user, computation_id)
    out = {key: value for key, value in doc.items() if not key.startswith("_")}
    inputs = [{"id": row["asset_id"], "mount": row["mount"]} for row in store.query(
        "SELECT asset_id, mount FROM attachments WHERE target = ? ORDER BY seq",
        (f"computation:{computation_id}",))]
    if inputs:
        out["data_assets"] = inputs
    return out


def list_computations(store: Store, user: User, kind: str, capsule_id: str) -> list[dict[str, Any]]:
    """``GET /capsules/{id}/computations`` and ``GET /pipelines/{id}/computations``: every run of
    the capsule, newest first, each as ``GET /computations/{id}`` answers it.

    404 for an id that is no capsule (or no pipeline, by the route); 403 for one the caller may
    not read (discoverable, or not shared at all): its runs are not theirs to see.
    """
    row = store.query_one("SELECT * FROM capsules WHERE id = ? AND kind = ?", (capsule_id, kind))
    if row is None:
        raise ApiError(404, f"{kind} {capsule_id} not found")
    if acl.RANK[capsule_role(store, user, row)] < acl.RANK["viewer"]:
        raise forbidden(f"you do not have permission to see the computations of {kind} "
                        f"{capsule_id}")
    column = "capsule_id" if kind == "capsule" else "pipeline_id"
    ids = [r["id"] for r in store.query(f"SELECT id FROM computations WHERE {column} = ?",
                                        (capsule_id,))]
    runs = [get_computation(store, user, computation_id) for computation_id in ids]
    runs.sort(key=lambda run: (run.get("created") or 0, run["id"]), reverse=True)
    return runs


def list_results(store: Store, user: User, computation_id: str, data: Any) -> dict[str, Any]:
    """``POST /computations/{id}/results`` with ``{"path": folder}``: one level of the run's
    result files (``""``: the ``/results`` folder), folders first, then files, each by name.

    404 for a computation the caller cannot see, and for a path that is no folder of its
    results; a run without results lists an empty ``/results``.
    """
    _computation_row(store, user, computation_id)
    data = request_body.as_object(data)
    path = tree.normalise_path(request_body.opt_str(data, "path"))
    base = f"{path}/" if path else ""
    folders: set[str] = set()
    files: dict[str, int] = {}
    found = not path
    for row in store.query("SELECT path, size FROM comp_results WHERE computation = ?",
                           (computation_id,)):
        full = row["path"]
        if not full.startswith(base) or full == path:
            continue
        found = True
        name, _, rest = full[len(base):].partition("/")
        if rest:
            folders.add(name)
        else:
            files[name] = row["size"]
    if not found:
        raise ApiError(404, f"folder '{path}' not found in the results of computation "
                            f"{computation_id}")
    items: list[dict[str, Any]] = [
        {"name": name, "path": base + name, "type": "folder"}
        for name in sorted(folders, key=lambda n: (n.lower(), n))]
    items += [{"name": name, "path": base + name, "type": "file", "size": files[name]}
              for name in sorted(files, key=lambda n: (n.lower(), n))]
    return {"items": items}


def _target(store: Store, user: User, kind: str, target_id: str) -> str:
    if kind == "computation":
        doc = _computation_row(store, user, target_id)
        if not (user.admin or doc["owner"] == user.id):
            raise forbidden(f"you do not have permission to change computation {target_id}")
        if not doc.get("cloud_workstation"):
            raise bad_request(f"computation {target_id} is not a cloud workstation")
    else:
        _capsule(store, user, kind, target_id, "editor")
    return f"{kind}:{target_id}"


def attach(store: Store, user: User, kind: str, target_id: str, data: Any) -> list[dict[str, Any]]:
    """``POST /{capsules|pipelines|computations}/{id}/data_assets`` with ``[{id, mount?}]``."""
    if not isinstance(data, list):
        raise bad_request("request body must be a list of {id, mount} objects")
    target = _target(store, user, kind, target_id)
    wanted: list[tuple[sqlite3.Row, str]] = []
    for item in data:
        entry = request_body.as_object(item, "each data asset")
        asset_id = request_body.req_str(entry, "id")
        row, _ = acl.require_asset(store, user, asset_id, "viewer")
        mount = request_body.opt_str(entry, "mount") or row["mount"]
        wanted.append((row, request_body.validate_mount(mount)))
    current = {r["asset_id"]: r["mount"] for r in store.query(
        "SELECT asset_id, mount FROM attachments WHERE target = ?", (target,))}
    ids = {row["id"] for row, _ in wanted}
    mounts = {mount: asset for asset, mount in current.items() if asset not in ids}
    for row, mount in wanted:
        if mounts.get(mount, row["id"]) != row["id"]:
            raise bad_request(f"mount {mount!r} is already used by data asset {mounts[mount]}")
        mounts[mount] = row["id"]
    with store.transaction() as conn:
        seq = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM attachments").fetchone()[0]
        for row, mount in wanted:
            seq += 1
            conn.execute(
                "INSERT INTO attachments (target, asset_id, mount, seq) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(target, asset_id) DO UPDATE SET mount = excluded.mount",
                (target, row["id"], mount, seq),
            )
    return [
        {"id": row["id"], "mount": mount, "mount_state": "mounted" if row["state"] == "ready"
         else "pending", "external": bool(row["external"]), "ready": row["state"] == "ready"}
        for row, mount in wanted
    ]


def detach(store: Store, user: User, kind: str, target_id: str, data: Any) -> bool:
    """``DELETE /{capsules|pipelines|computations}/{id}/data_assets[/]`` with ``["id", ...]``.

    Ids that are not attached are ignored. Returns whether anything was detached.
    """
    if not isinstance(data, list) or not all(isinstance(item, str) for item in data):
        raise bad_request("request body must be a list of data asset ids")
    target = _target(store, user, kind, target_id)
    with store.transaction() as conn:
        removed = 0
        for asset_id in data:
            removed += conn.execute("DELETE FROM attachments WHERE target = ? AND asset_id = ?",
                                    (target, asset_id)).rowcount
    return removed > 0


def _matches(row: sqlite3.Row, tags: list[str], attached: set[str], query: str) -> bool:
    parsed = parse_query(query, CAPSULE_FIELDS)
    name = row["name"].lower()
    lowered = [tag.lower() for tag in tags]
    text = "\n".join([name, row["description"].lower(), row["slug"].lower(), *lowered])
    for fname, values in parsed.fields.items():
        if fname == "id":
            ok = any(value == row["id"].lower() for value in values)
        elif fname == "name":
            ok = any(value in name for value in values)
        elif fname == "tag":
            ok = any(value in lowered for value in values)
        else:
            ok = False  # doi, field, affiliation ...: the emulator's capsules have none
        if not ok:
            return False
    return all(term in text or term in attached or term == row["id"].lower()
               for term in parsed.free)


def search_capsules(store: Store, user: User, kind: str, data: Any) -> Page:
    """``POST /capsules/search`` and ``POST /pipelines/search`` (sorted by name by default)."""
    data = request_body.as_object(data)
    query = request_body.opt_str(data, "query") or ""
    limit = clamp_limit(request_body.opt_int(data, "limit"))
    offset = request_body.opt_int(data, "offset")
    offset = max(offset if offset is not None else request_body.opt_int(data, "from") or 0, 0)
    sort_field = request_body.opt_str(data, "sort_field")
    if sort_field is not None and sort_field not in CAPSULE_SORTS:
        raise bad_request(f"invalid sort_field {sort_field!r}")
    sort_order = request_body.opt_str(data, "sort_order") or "asc"
    if sort_order not in ("asc", "desc"):
        raise bad_request(f"invalid sort_order {sort_order!r}")
    ownership = request_body.opt_str(data, "ownership")
    if ownership is not None and ownership not in OWNERSHIPS:
        raise bad_request(f"invalid ownership {ownership!r}")
    status = request_body.opt_str(data, "status")
    if status is not None and status not in wire.CAPSULE_STATUSES:
        raise bad_request(f"invalid status {status!r}")
    only_none = (bool(request_body.opt_bool(data, "favorite"))
                 or bool(request_body.opt_bool(data, "archived")))
    attached: dict[str, set[str]] = {}
    for row in store.query("SELECT target, asset_id FROM attachments WHERE target LIKE ?",
                           (f"{kind}:%",)):
        attached.setdefault(row["target"].split(":", 1)[1], set()).add(row["asset_id"].lower())
    found = []
    for row in store.query("SELECT * FROM capsules WHERE kind = ?", (kind,)):
        if only_none or acl.RANK[capsule_role(store, user, row)] < acl.RANK["discoverable"]:
            continue
        shared = store.query_one("SELECT 1 FROM capsule_users WHERE capsule = ?",
                                 (row["id"],)) is not None
        if ownership == "created" and row["owner"] != user.id:
            continue
        if ownership == "shared" and row["owner"] == user.id:
            continue
        if ownership == "private" and (row["owner"] != user.id or shared
                                       or row["everyone"] != "none"):
            continue
        if status is not None and row["status"] != status:
            continue
        tags = wire.decode(row["tags"]) or []
        if _matches(row, tags, attached.get(row["id"], set()), query):
            found.append(row)
    key = sort_field if sort_field in ("created", "name") else "name"
    found.sort(key=lambda r: (r["name"].lower() if key == "name" else r["created"], r["id"]),
               reverse=sort_order == "desc")
    mark = hashlib.sha256(
        f"{kind}|{user.id}|{query}|{sort_field}|{sort_order}|{ownership}|{status}|{only_none}"
        .encode()).hexdigest()[:16]
    token = request_body.opt_str(data, "next_token")
    if token:
        _, start = decode_token(token, mark)
        if not start.isdigit():
            raise bad_request("invalid next_token")
        offset = int(start)
    page = found[offset: offset + limit]
    has_more = offset + limit < len(found)
    rows = [wire.encode(wire.capsule_dict(r, store.email_of(r["owner"]))) for r in page]
    return Page(rows, has_more, encode_token(mark, 0, str(offset + limit)) if has_more else None)
