"""``POST /data_assets``: validate the request, insert a draft, and finish it later.

The response is always the new asset in ``draft``. What happens next is decided at once and
stored as a *plan* (the ``pending`` column) with a due time (``ready_at`` = now + ready delay).
``Store.settle`` applies due plans lazily at the start of the next request: the files are copied
in (from a bucket prefix or a computation's results; an external or combined asset only gets its
totals) and the asset becomes ``ready``, or it becomes ``failed`` with a ``failure_reason``
(unknown bucket, empty prefix ...). No background task is needed, and a fake clock drives it
deterministically.

As the API documents, a combined asset is made of two or more external assets (an internal part
is a 400 naming it), and the schema's ``required`` custom-metadata fields must have a value
(400 naming the missing ones).
"""

from __future__ import annotations

import hashlib
import sqlite3
import uuid
from typing import Any

from co_tui.emulator import acl, assets, request_body, tree, wire
from co_tui.emulator.http_errors import bad_request, forbidden
from co_tui.emulator.seed_model import Content
from co_tui.emulator.store import ASSET_SELECT, Store, User

SOURCE_KINDS = ("aws", "gcp", "computation", "cloud_workstation")


def _objects(store: Store, bucket: str, prefix: str) -> list[tree.FileSpec]:
    """Objects of ``bucket`` under folder ``prefix`` as (path relative to it, content, salt)."""
    rows = store.query(
        "SELECT key, size, kind, seed, data FROM bucket_objects WHERE bucket = ? "
        "AND (? = '' OR key = ? OR substr(key, 1, length(?) + 1) = ? || '/')",
        (bucket, prefix, prefix, prefix, prefix),
    )
    out = []
    for row in rows:
        key = row["key"]
        rel = key.rpartition("/")[2] if key == prefix else key[len(prefix):].lstrip("/")
        if rel and not key.endswith("/"):
            content = Content(row["kind"], row["size"], row["seed"], row["data"])
            out.append((rel, content, f"{bucket}/{key}"))
    return out


def _results(store: Store, computation: str, path: str) -> list[tree.FileSpec]:
    """A computation's result files under folder ``path``, relative to it."""
    out = []
    for row in store.query(
        "SELECT path, size, kind, seed, data FROM comp_results WHERE computation = ?",
        (computation,),
    ):
        full = row["path"]
        if path and full != path and not full.startswith(path + "/"):
            continue
        rel = full.rpartition("/")[2] if full == path else full[len(path):].lstrip("/")
        content = Content(row["kind"], row["size"], row["seed"], row["data"])
        out.append((rel, content, f"{computation}/{full}"))
    return out


def computation_doc(store: Store, computation_id: str) -> dict[str, Any] | None:
    """The computation record (wire keys, its inputs, private ``_`` keys), or ``None``."""
    row = store.query_one("SELECT doc FROM computations WHERE id = ?", (computation_id,))
    if row is None:
        return None
    doc = dict(wire.decode(row["doc"]))
    doc["data_assets"] = [{"id": r["asset_id"], "mount": r["mount"]} for r in store.query(
        "SELECT asset_id, mount FROM attachments WHERE target = ? ORDER BY seq",
        (f"computation:{computation_id}",))]
    return doc


def _can_capture(store: Store, user: User, doc: dict[str, Any]) -> bool:
    if user.admin or doc["owner"] == user.id:
        return True
    parent = doc.get("_capsule_id") or doc.get("_pipeline_id")
    row = store.query_one("SELECT owner FROM capsules WHERE id = ?", (parent,)) if parent else None
    return row is not None and row["owner"] == user.id


def _computation(store: Store, user: User, computation_id: str) -> dict[str, Any]:
    doc = computation_doc(store, computation_id)
    if doc is None:
        raise bad_request(f"computation {computation_id} not found")
    if not _can_capture(store, user, doc):
        raise forbidden(f"you do not have permission to capture computation {computation_id}")
    return doc


def _provenance(doc: dict[str, Any], run_script: str | None = None) -> dict[str, Any]:
    extra = doc.get("_provenance") or {}
    commit = extra.get("commit") or hashlib.sha1(doc["id"].encode()).hexdigest()
    return {
        "commit": commit,
        "run_script": run_script or extra.get("run_script") or "code/run",
        "docker_image": extra.get("docker_image") or "",
        "data_assets": [item["id"] for item in doc.get("data_assets") or []],
        "computation": doc["id"],
    }


def _bucket_plan(store: Store, kind: str, src: dict[str, Any], user: User,
                 values: dict[str, Any]) -> dict[str, Any]:
    bucket = request_body.req_str(src, "bucket")
    prefix = (request_body.opt_str(src, "prefix") or "").strip("/")
    keep = bool(request_body.opt_bool(src, "keep_on_external_storage")) if kind == "aws" else False
    if kind == "aws":
        request_body.opt_bool(src, "public")
        request_body.opt_str(src, "endpoint_name")
        if request_body.opt_bool(src, "use_input_bucket") and not user.admin:
            raise forbidden("only administrators may create data assets from the input bucket")
    values["source_bucket"] = {"origin": kind, "bucket": bucket, "prefix": prefix,
                               "external": keep}
    if store.query_one("SELECT 1 FROM buckets WHERE name = ?", (bucket,)) is None:
        return {"state": "failed",
                "failure_reason": f"bucket '{bucket}' does not exist or is not accessible"}
    objects = _objects(store, bucket, prefix)
    if not objects:
        where = f"{bucket}/{prefix}" if prefix else bucket
        return {"state": "failed", "failure_reason": f"no files found at s3://{where}"}
    if keep:
        return {"state": "ready", "files": len(objects),
                "size": sum(content.size for _, content, _ in objects)}
    return {"state": "ready", "copy": ["bucket", bucket, prefix]}


def _computation_plan(store: Store, src: dict[str, Any], user: User, target: dict[str, Any] | None,
                      values: dict[str, Any]) -> dict[str, Any]:
    doc = _computation(store, user, request_body.req_str(src, "id"))
    if doc.get("state") != "completed" or not doc.get("has_results", True):
        raise bad_request(f"computation {doc['id']} has no results to capture")
    path = tree.normalise_path(request_body.opt_str(src, "path"))
    values["type"] = "result"
    values["provenance"] = _provenance(doc)
    values["nextflow_profile"] = doc.get("nextflow_profile")
    values["app_parameters"] = [
        {"name": p.get("name") or p.get("param_name"), "value": p.get("value")}
        for p in doc.get("parameters") or []
    ] or None
    aws = request_body.opt_object(target or {}, "aws")
    files = _results(store, doc["id"], path)
    if not files:
        return {"state": "failed",
                "failure_reason": f"path '{path}' not found in the results of computation "
                                  f"{doc['id']}"}
    if aws is not None:
        bucket = request_body.req_str(aws, "bucket")
        prefix = (request_body.opt_str(aws, "prefix") or "").strip("/")
        values["source_bucket"] = {"origin": "aws", "bucket": bucket, "prefix": prefix,
                                   "external": True}
        if store.query_one("SELECT 1 FROM buckets WHERE name = ?", (bucket,)) is None:
            return {"state": "failed",
                    "failure_reason": f"bucket '{bucket}' does not exist or is not accessible"}
        return {"state": "ready", "files": len(files), "size": sum(c.size for _, c, _ in files)}
    return {"state": "ready", "copy": ["computation", doc["id"], path]}


def _workstation_plan(store: Store, src: dict[str, Any], user: User,
                      values: dict[str, Any]) -> dict[str, Any]:
    doc = _computation(store, user, request_body.req_str(src, "id"))
    if not doc.get("cloud_workstation"):
        raise bad_request(f"computation {doc['id']} is not a cloud workstation")
    path = tree.normalise_path(request_body.req_str(src, "path"))
    if path == "results" or path.startswith("results/"):
        path = path[len("results"):].lstrip("/")
    run_script = request_body.opt_str(src, "run_script")
    if run_script:
        values["type"] = "result"
        values["provenance"] = _provenance(doc, run_script)
    if not _results(store, doc["id"], path):
        return {"state": "failed",
                "failure_reason": f"path '{path}' not found in cloud workstation {doc['id']}"}
    return {"state": "ready", "copy": ["computation", doc["id"], path]}


def _combined_plan(store: Store, ids: list[str], user: User,
                   values: dict[str, Any]) -> dict[str, Any]:
    """A combined asset of ``ids``: two or more external assets (whose files stay in their
    buckets), on different mounts. An internal part is refused, as the API documents."""
    if len(ids) < 2:
        raise bad_request("a combined data asset needs at least two data_asset_ids")
    contained = []
    mounts: set[str] = set()
    internal: list[str] = []
    files = 0
    not_ready = None
    for asset_id in ids:
        row, _ = acl.require_asset(store, user, asset_id, "viewer")
        if row["state"] != "ready" and not_ready is None:
            not_ready = f"contained data asset {asset_id} is {row['state']}, not ready"
        if row["mount"] in mounts:
            raise bad_request(f"two data assets share the mount {row['mount']!r}")
        mounts.add(row["mount"])
        if not row["external"]:
            internal.append(f"{wire.decode(row['wire']).get('name', '')!r} ({asset_id})")
        files += int(row["files"])
        contained.append({"id": asset_id, "mount": row["mount"], "size": row["size"]})
    if internal:
        raise bad_request("a combined data asset is made of external data assets; not external: "
                          + ", ".join(internal))
    values["type"] = "combined"
    values["contained_data_assets"] = contained
    values["source_bucket"] = {"origin": "aws", "bucket": "", "prefix": "", "external": True}
    if not_ready is not None:  # accepted, but the build fails (like a real server's would)
        return {"state": "failed", "failure_reason": not_ready}
    return {"state": "ready", "files": files, "size": sum(c["size"] for c in contained)}


def _missing_required(store: Store, custom: dict[str, Any] | None) -> list[str]:
    """The schema's required custom-metadata fields that ``custom`` gives no value."""
    schema = wire.loads_or_none(store.meta_get("custom_metadata")) or {}
    given = custom or {}
    return [
        str(spec["name"]) for spec in schema.get("fields") or []
        if isinstance(spec, dict) and spec.get("required") and spec.get("name")
        and given.get(spec["name"]) in (None, "", [])
    ]


def create_asset(store: Store, user: User, data: Any, ready_delay: float) -> tuple[bytes, str]:
    """Create a draft asset; returns (its JSON, its id)."""
    data = request_body.as_object(data)
    name = request_body.req_str(data, "name")
    mount = request_body.opt_str(data, "mount")
    if mount is None:
        raise bad_request("mount is required")
    request_body.validate_mount(mount)
    tags = request_body.validate_tags(request_body.opt_str_list(data, "tags") or [])
    custom = request_body.opt_object(data, "custom_metadata")
    missing = _missing_required(store, custom)
    if missing:
        raise bad_request("required custom metadata missing: "
                          + ", ".join(repr(name) for name in missing))
    if custom:
        assets.validate_custom_metadata(store, custom)
    source = request_body.opt_object(data, "source") or {}
    target = request_body.opt_object(data, "target")
    ids = request_body.opt_str_list(data, "data_asset_ids")
    results_info = request_body.opt_object(data, "results_info")
    kinds = [kind for kind in SOURCE_KINDS if request_body.opt_object(source, kind) is not None]
    now = store.clock()
    values: dict[str, Any] = {
        "id": str(uuid.uuid4()), "name": name, "owner": user.id, "created": int(now),
        "type": "dataset", "state": "draft", "mount": mount,
        "description": request_body.opt_str(data, "description") or "", "tags": tags,
        "custom_metadata": custom or None, "size": 0, "files": 0,
    }
    if ids:
        if kinds:
            raise bad_request("give either a source or data_asset_ids, not both")
        plan = _combined_plan(store, ids, user, values)
    elif len(kinds) != 1:
        raise bad_request(
            "source must have exactly one of aws, gcp, computation, cloud_workstation")
    elif kinds[0] in ("aws", "gcp"):
        plan = _bucket_plan(store, kinds[0], source[kinds[0]], user, values)
    elif kinds[0] == "computation":
        plan = _computation_plan(store, source["computation"], user, target, values)
    else:
        plan = _workstation_plan(store, source["cloud_workstation"], user, values)
    if results_info and values["type"] == "dataset":
        capsule = (request_body.opt_str(results_info, "capsule_id")
                   or request_body.opt_str(results_info, "pipeline_id"))
        if not capsule:
            raise bad_request("results_info needs capsule_id or pipeline_id")
        values["type"] = "result"
        values["provenance"] = {
            "capsule": capsule,
            "commit": request_body.opt_str(results_info, "commit") or "",
            "run_script": request_body.opt_str(results_info, "run_script") or "",
            "data_assets": request_body.opt_str_list(results_info, "data_assets") or [],
        }
        values["nextflow_profile"] = request_body.opt_str(results_info, "nextflow_profile")
    values["ready_at"] = now + ready_delay
    values["pending"] = wire.encode(plan).decode()
    with store.transaction() as conn:
        _, encoded = assets.insert_asset(conn, values, user.email)
    return encoded, values["id"]


def finish_pending(store: Store, conn: sqlite3.Connection, pk: int) -> str:
    """Apply a due plan to asset ``pk`` inside the caller's transaction; returns the asset id."""
    row = conn.execute(f"{ASSET_SELECT} WHERE a.pk = ?", (pk,)).fetchone()
    plan = wire.decode(row["pending"] or "{}")
    done: dict[str, Any] = {"ready_at": None, "pending": None}
    if plan.get("state") != "ready":
        assets.rewrite(store, conn, row, state="failed",
                       failure_reason=plan.get("failure_reason") or "data asset creation failed",
                       **done)
        return str(row["id"])
    copy = plan.get("copy")
    if copy:
        if copy[0] == "bucket":
            specs = _objects(store, copy[1], copy[2])
        else:
            specs = _results(store, copy[1], copy[2])
        rows, gens, _, _ = tree.tree_rows(pk, specs, [])
        tree.insert_tree(conn, rows, gens)
        files, size = tree.totals(conn, pk)
    else:
        files, size = int(plan.get("files", 0)), int(plan.get("size", 0))
        done.update(files_override=files, size_override=size)
    assets.rewrite(store, conn, row, state="ready", files=files, size=size, **done)
    return str(row["id"])
