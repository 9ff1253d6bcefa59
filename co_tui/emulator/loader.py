"""Loading a :class:`~co_tui.emulator.seed_model.SeedData` into an empty store, in bulk.

One transaction, ``executemany`` per table, secondary indexes built afterwards: 100,000 assets
load in a few seconds. Seed values are validated here, so the API can only ever emit the enum
strings of docs/api-notes.md, 'Wire values'.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from typing import Any

from co_tui.emulator import assets, tree, wire
from co_tui.emulator.seed_model import SeedAsset, SeedComputation, SeedData, SeedFile
from co_tui.emulator.store import ASSET_SELECT, SCHEMA_VERSION, Store


def _check(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise ValueError(f"seed: {what} {value!r} is not one of {', '.join(allowed)}")
    return value


def _files(asset_id: str, files: Iterable[SeedFile]) -> list[tree.FileSpec]:
    return [(f.path, f.content, f"{asset_id}/{tree.normalise_path(f.path)}") for f in files]


def _gens(asset: SeedAsset) -> list[tree.GenSpec]:
    out: list[tree.GenSpec] = []
    for gen in asset.generated_folders:
        path = tree.normalise_path(gen.path)
        salt = f"{asset.id}/{path}" if path else asset.id
        out.append((path, gen.count, gen.size, gen.name_template, gen.kind, salt))
    return out


def _asset_values(asset: SeedAsset, files: int, size: int) -> dict[str, Any]:
    _check(asset.type, wire.ASSET_TYPES, f"asset {asset.id} type")
    _check(asset.state, wire.ASSET_STATES, f"asset {asset.id} state")
    _check(asset.everyone, wire.EVERYONE_ROLES, f"asset {asset.id} everyone role")
    return {
        "id": asset.id, "name": asset.name, "owner": asset.owner, "created": asset.created,
        "type": asset.type, "state": asset.state,
        "mount": asset.mount or asset.name.replace("/", "_"),
        "description": asset.description, "tags": list(asset.tags), "last_used": asset.last_used,
        "files": asset.files_override if asset.files_override is not None else files,
        "size": asset.size_override if asset.size_override is not None else size,
        "files_override": asset.files_override, "size_override": asset.size_override,
        "source_bucket": wire.normalise_source_bucket(asset.source_bucket),
        "provenance": asset.provenance, "custom_metadata": asset.custom_metadata,
        "app_parameters": asset.app_parameters, "nextflow_profile": asset.nextflow_profile,
        "contained_data_assets": asset.contained_data_assets,
        "failure_reason": asset.failure_reason or (
            "data asset creation failed" if asset.state == "failed" else None),
        "archived": asset.archived, "everyone": asset.everyone,
    }


def _computation_doc(comp: SeedComputation, emails: dict[str, str]) -> dict[str, Any]:
    _check(comp.state, wire.COMPUTATION_STATES, f"computation {comp.id} state")
    doc: dict[str, Any] = {
        "id": comp.id, "created": comp.created, "name": comp.name, "owner": comp.owner,
        "run_time": comp.run_time, "state": comp.state,
    }
    if comp.owner in emails:
        doc["owner_email"] = emails[comp.owner]
    if comp.cloud_workstation:
        doc["cloud_workstation"] = True
    if comp.parameters:
        doc["parameters"] = comp.parameters
    if comp.nextflow_profile:
        doc["nextflow_profile"] = comp.nextflow_profile
    if comp.state == "completed":
        if comp.end_status:
            doc["end_status"] = _check(comp.end_status, wire.END_STATUSES, "end_status")
        if comp.exit_code is not None:
            doc["exit_code"] = comp.exit_code
    doc["has_results"] = bool(comp.has_results and comp.results)
    doc["_capsule_id"] = comp.capsule_id
    doc["_pipeline_id"] = comp.pipeline_id
    doc["_provenance"] = {"commit": comp.commit, "run_script": comp.run_script,
                          "docker_image": comp.docker_image}
    return doc


def load(store: Store, seed: SeedData, main_token: str | None = None) -> None:
    """Fill an empty store with ``seed`` (and mark it seeded so restarts keep their state)."""
    # Hundreds of thousands of row tuples would trigger the cyclic collector over and over
    # (they hold no cycles); pausing it makes a 100,000-asset load about a third faster.
    enabled = gc.isenabled()
    gc.disable()
    try:
        _load(store, seed, main_token)
    finally:
        if enabled:
            gc.enable()


def _load(store: Store, seed: SeedData, main_token: str | None) -> None:
    if not seed.users:
        raise ValueError("seed: at least one user is needed")
    emails = {user.id: user.email for user in seed.users}
    groups = {group for user in seed.users for group in user.groups}
    groups |= {group for asset in seed.assets for group, _ in asset.shared_groups}
    seq = 0
    with store.transaction() as conn:
        for index, user in enumerate(seed.users):
            token = main_token if index == 0 and main_token else user.token
            conn.execute("INSERT INTO users (id, email, email_lc, name, token, admin, seq) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (user.id, user.email, user.email.lower(), user.name, token,
                          int(user.admin), index))
            conn.executemany("INSERT OR IGNORE INTO user_groups (user_id, grp) VALUES (?, ?)",
                             [(user.id, group) for group in user.groups])
        conn.executemany("INSERT INTO groups (name) VALUES (?)", [(g,) for g in sorted(groups)])
        store.reload_users()  # owner e-mails for the assets' JSON
        asset_rows: list[tuple[int, tuple[Any, ...], bytes]] = []
        file_rows: list[tuple[Any, ...]] = []
        gen_rows: list[tuple[Any, ...]] = []
        grants: list[tuple[int, str, str]] = []
        group_grants: list[tuple[int, str, str]] = []
        favourites: list[tuple[str, int]] = []
        pending_combined: list[tuple[int, SeedAsset]] = []
        for pk, asset in enumerate(seed.assets, start=1):
            rows, gens, files, size = tree.tree_rows(pk, _files(asset.id, asset.files),
                                                     _gens(asset))
            file_rows.extend(rows)
            gen_rows.extend(gens)
            values = _asset_values(asset, files, size)
            asset_rows.append((pk, *assets.asset_row(values, emails.get(asset.owner))))
            for email, role in asset.shared_users:
                _check(role, wire.USER_ROLES, f"asset {asset.id} user role")
                grants.append((pk, email.lower(), role))
            for group, role in asset.shared_groups:
                _check(role, wire.GROUP_ROLES, f"asset {asset.id} group role")
                group_grants.append((pk, group, role))
            favourites.extend((user_id, pk) for user_id in asset.favorite_of)
            if asset.contained_data_assets and not asset.files and not asset.generated_folders:
                pending_combined.append((pk, asset))
        assets.insert_many(conn, asset_rows)
        tree.insert_tree(conn, file_rows, gen_rows)
        conn.executemany("INSERT OR REPLACE INTO asset_users VALUES (?, ?, ?)", grants)
        conn.executemany("INSERT OR REPLACE INTO asset_groups VALUES (?, ?, ?)", group_grants)
        conn.executemany("INSERT OR IGNORE INTO favorites VALUES (?, ?)", favourites)
        ids = {asset.id: pk for pk, asset in enumerate(seed.assets, start=1)}
        for pk, asset in pending_combined:
            # A combined asset shows its parts' files, each under the part's mount folder.
            for part in asset.contained_data_assets or []:
                if part.get("id") in ids:
                    tree.copy_tree(conn, ids[part["id"]], pk,
                                   tree.normalise_path(part.get("mount") or ""))
            files, size = tree.totals(conn, pk)
            row = conn.execute(f"{ASSET_SELECT} WHERE a.pk = ?", (pk,)).fetchone()
            if asset.files_override is not None:
                files = asset.files_override
            if asset.size_override is not None:
                size = asset.size_override
            assets.rewrite(store, conn, row, files=files, size=size)
        for capsule in seed.capsules:
            _check(capsule.status, wire.CAPSULE_STATUSES, f"capsule {capsule.id} status")
            conn.execute("INSERT INTO capsules VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (capsule.id, capsule.kind, capsule.name, capsule.owner, capsule.created,
                          capsule.slug, capsule.status, capsule.description,
                          wire.dumps_or_none(list(capsule.tags)), capsule.everyone))
            conn.executemany("INSERT OR REPLACE INTO capsule_users VALUES (?, ?, ?)",
                             [(capsule.id, email.lower(), role)
                              for email, role in capsule.shared_users])
            for asset_id, mount in capsule.attached:
                seq += 1
                conn.execute("INSERT OR REPLACE INTO attachments VALUES (?, ?, ?, ?)",
                             (f"{capsule.kind}:{capsule.id}", asset_id, mount, seq))
        for comp in seed.computations:
            doc = _computation_doc(comp, emails)
            conn.execute("INSERT INTO computations VALUES (?, ?, ?, ?, ?, ?)",
                         (comp.id, comp.owner, comp.capsule_id, comp.pipeline_id,
                          int(comp.cloud_workstation), wire.encode(doc).decode()))
            for asset_id, mount in comp.data_assets:
                seq += 1
                conn.execute("INSERT OR REPLACE INTO attachments VALUES (?, ?, ?, ?)",
                             (f"computation:{comp.id}", asset_id, mount, seq))
            conn.executemany(
                "INSERT OR REPLACE INTO comp_results VALUES (?, ?, ?, ?, ?, ?)",
                [(comp.id, tree.normalise_path(f.path), f.content.size, f.content.kind,
                  f.content.seed, f.content.data) for f in comp.results])
        for bucket, objects in seed.buckets.items():
            conn.execute("INSERT INTO buckets (name) VALUES (?)", (bucket,))
            conn.executemany(
                "INSERT OR REPLACE INTO bucket_objects VALUES (?, ?, ?, ?, ?, ?)",
                [(bucket, f.path.lstrip("/"), f.content.size, f.content.kind, f.content.seed,
                  f.content.data) for f in objects])
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('custom_metadata', ?)",
                     (wire.encode(seed.custom_metadata).decode(),))
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('main_user', ?)", (seed.users[0].id,))
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                     (SCHEMA_VERSION,))
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('seeded', '1')")
    store.create_indexes()
    store.reload_users()
