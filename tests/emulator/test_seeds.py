"""Seeds: the demo, empty and scale seeds are complete, consistent and valid on the wire."""

from __future__ import annotations

import gzip
import io
import json
import re
import struct
import uuid
import zipfile
import zlib
from collections import Counter
from typing import Any

import pytest

from co_tui.emulator.content import read_content
from co_tui.emulator.seed_model import SeedAsset, SeedData
from co_tui.emulator.seeds import (
    ADMIN_TOKEN,
    ALAN_TOKEN,
    DEMO_TOKEN,
    GRACE_TOKEN,
    load_seed,
)

# Enums as the API sends them (docs/api-notes.md, 'Wire values').
ASSET_STATES = {"draft", "ready", "failed"}
ASSET_TYPES = {"dataset", "result", "combined", "model"}
ORIGINS = {"aws", "local", "gcp"}
USER_ROLES = {"owner", "editor", "viewer"}
GROUP_ROLES = {"owner", "editor", "viewer", "discoverable"}
EVERYONE_ROLES = {"viewer", "discoverable", "none"}
FIELD_TYPES = {"string", "number", "date"}
CAPSULE_STATUS = {"release", "non_release"}
COMPUTATION_STATES = {"initializing", "running", "finalizing", "completed", "failed"}
END_STATUSES = {"succeeded", "failed", "stopped", None}

TAG_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
HEX40 = re.compile(r"[0-9a-f]{40}")


@pytest.fixture(scope="module")
def demo() -> SeedData:
    return load_seed("demo")


def _ada(seed: SeedData) -> Any:
    return seed.users[0]


def _visible_to(asset: SeedAsset, user: Any, *, discoverable: bool = False) -> bool:
    roles = USER_ROLES if not discoverable else USER_ROLES | {"discoverable"}
    if asset.owner == user.id or user.admin:
        return True
    if any(email == user.email and role in roles for email, role in asset.shared_users):
        return True
    if any(g in user.groups and role in roles for g, role in asset.shared_groups):
        return True
    return asset.everyone == "viewer" or (discoverable and asset.everyone == "discoverable")


def check_consistent(seed: SeedData) -> None:
    """Every enum, id, reference and schema rule that holds for any seed."""
    users = {u.id: u for u in seed.users}
    emails = {u.email for u in seed.users}
    groups = {g for u in seed.users for g in u.groups}
    assets = {a.id: a for a in seed.assets}
    capsules = {c.id: c for c in seed.capsules}
    computations = {c.id: c for c in seed.computations}
    all_ids = [*users, *(a.id for a in seed.assets), *capsules, *computations]
    assert len(all_ids) == len(set(all_ids)), "ids must be unique"
    for i in all_ids:
        uuid.UUID(i)
    schema = {f["name"]: f for f in seed.custom_metadata["fields"]}
    for field in schema.values():
        assert field["type"] in FIELD_TYPES
        if "category" in field:
            assert field["category"] in seed.custom_metadata["categories"]
    for a in seed.assets:
        assert a.state in ASSET_STATES and a.type in ASSET_TYPES, a.name
        assert a.owner in users
        assert a.mount and "/" not in a.mount and a.mount not in (".", ".."), a.mount
        assert a.name.strip() == a.name and a.name
        assert a.everyone in EVERYONE_ROLES
        for email, role in a.shared_users:
            assert email in emails and role in USER_ROLES
        for group, role in a.shared_groups:
            assert group in groups and role in GROUP_ROLES
        assert all(u in users for u in a.favorite_of)
        assert 1 <= len(a.tags) <= 6 and len(set(a.tags)) == len(a.tags), a.tags
        assert all(TAG_RE.fullmatch(t) for t in a.tags), a.tags
        assert a.source_bucket is not None and a.source_bucket["origin"] in ORIGINS
        assert set(a.source_bucket) == {"origin", "bucket", "prefix", "external"}
        assert isinstance(a.created, int) and 1_500_000_000 < a.created < 1_900_000_000
        assert a.last_used == 0 or a.last_used >= a.created
        assert (a.state == "failed") == bool(a.failure_reason), a.name
        if a.provenance is not None:
            p = a.provenance
            assert ("capsule" in p) != ("computation" in p)
            if "capsule" in p:
                assert p["capsule"] in capsules
            if "computation" in p:
                assert p["computation"] in computations
            assert HEX40.fullmatch(p["commit"]) and p["run_script"] and p["docker_image"]
            assert p["data_assets"] and all(i in assets and i != a.id for i in p["data_assets"])
        if a.type == "combined":
            assert a.contained_data_assets
            for part in a.contained_data_assets:
                assert set(part) == {"id", "mount", "size"}
                assert part["id"] in assets and part["mount"] == assets[part["id"]].mount
        else:
            assert a.contained_data_assets is None
        if a.source_bucket["external"]:
            assert a.source_bucket["origin"] == "aws" and a.source_bucket["bucket"]
            assert not a.files and not a.generated_folders
            assert a.size_override is not None and a.files_override is not None
        if a.custom_metadata is not None:
            for name, value in a.custom_metadata.items():
                field = schema[name]
                if field["type"] == "string":
                    assert isinstance(value, str)
                    if "allowed_values" in field:
                        assert value in field["allowed_values"], (name, value)
                else:
                    assert isinstance(value, int | float) and not isinstance(value, bool)
                    if "range" in field:
                        assert field["range"]["min"] <= value <= field["range"]["max"]
            for name, field in schema.items():
                if field.get("required"):
                    assert name in a.custom_metadata, (a.name, name)
        paths = [f.path for f in a.files] + [g.path for g in a.generated_folders]
        assert len(paths) == len(set(paths)), a.name
        for f in a.files:
            assert f.path and not f.path.startswith("/") and "//" not in f.path
            assert ".." not in f.path.split("/")
            if f.content.kind == "inline":
                assert f.content.size == len(f.content.data)
        for g in a.generated_folders:
            g.name_template.format(i=0)
            assert g.kind in {"random", "text", "zeros"}
    for c in seed.capsules:
        assert c.owner in users and c.status in CAPSULE_STATUS and c.kind in {"capsule", "pipeline"}
        assert c.slug
        for aid, mount in c.attached:
            assert aid in assets and mount
        for email, role in c.shared_users:
            assert email in emails and role in USER_ROLES
    for comp in seed.computations:
        assert comp.owner in users
        assert comp.state in COMPUTATION_STATES and comp.end_status in END_STATUSES
        assert (comp.capsule_id is None) != (comp.pipeline_id is None)
        ref = comp.capsule_id or comp.pipeline_id
        assert ref in capsules
        expected_kind = "capsule" if comp.capsule_id else "pipeline"
        assert capsules[ref].kind == expected_kind
        for aid, mount in comp.data_assets:
            assert aid in assets and mount
        for p in comp.parameters:
            assert set(p) == {"name", "param_name", "value"}


# --------------------------------------------------------------------------------------------
# demo


def test_demo_is_consistent(demo: SeedData) -> None:
    check_consistent(demo)


def test_demo_size_and_users(demo: SeedData) -> None:
    assert 55 <= len(demo.assets) <= 70
    assert all(2 <= len(a.tags) <= 6 for a in demo.assets)
    ada = _ada(demo)
    assert (ada.name, ada.email, ada.token) == ("Ada Lovelace", "ada@example.org", DEMO_TOKEN)
    tokens = {u.email: u.token for u in demo.users}
    assert tokens["grace@example.org"] == GRACE_TOKEN
    assert tokens["alan@example.org"] == ALAN_TOKEN
    assert tokens["admin@example.org"] == ADMIN_TOKEN
    assert any(u.token is None for u in demo.users)
    assert [u.admin for u in demo.users if u.token == ADMIN_TOKEN] == [True]
    assert len({u.token for u in demo.users if u.token}) == 4


def test_demo_is_deterministic(demo: SeedData) -> None:
    assert load_seed("demo") == demo


def test_demo_covers_every_case(demo: SeedData) -> None:
    ada = _ada(demo)
    a = demo.assets
    assert Counter(x.state for x in a)["draft"] >= 2
    failed = [x for x in a if x.state == "failed"]
    assert len(failed) >= 2 and all(x.failure_reason for x in failed)
    assert 5 <= sum(x.archived for x in a) <= 8
    assert any(x.type == "combined" for x in a)
    assert any(x.type == "model" for x in a)
    assert sum(bool(x.source_bucket and x.source_bucket["external"]) for x in a) == 2
    results = [x for x in a if x.type == "result"]
    assert results and all(x.provenance for x in results)
    assert any(x.provenance and "computation" in x.provenance for x in results)
    assert any(x.provenance and "capsule" in x.provenance for x in results)
    assert any(x.app_parameters for x in results)
    assert any(x.nextflow_profile for x in results)
    assert sum(ada.id in x.favorite_of for x in a) >= 4
    assert sum(x.custom_metadata is not None for x in a) >= 15
    assert any(x.description.count("\n\n") >= 1 for x in a)
    assert any(x.description == "" for x in a)
    others = [x for x in a if x.owner != ada.id]
    shared = [x for x in others if _visible_to(x, ada)]
    assert 10 <= len(shared) <= 18
    assert any((ada.email, "owner") in x.shared_users for x in shared)
    assert any((ada.email, "viewer") in x.shared_users for x in shared)
    assert any(x.everyone == "viewer" for x in shared)
    assert any(g in ada.groups for x in shared for g, _ in x.shared_groups)
    discoverable = [
        x for x in others if not _visible_to(x, ada) and _visible_to(x, ada, discoverable=True)
    ]
    invisible = [x for x in others if not _visible_to(x, ada, discoverable=True)]
    assert len(discoverable) >= 2 and len(invisible) >= 2


def test_demo_lineage_chain(demo: SeedData) -> None:
    by_id = {a.id: a for a in demo.assets}

    def depth(asset: SeedAsset) -> int:
        if not asset.provenance:
            return 0
        return 1 + max(depth(by_id[i]) for i in asset.provenance["data_assets"])

    assert max(depth(a) for a in demo.assets) >= 3


def test_demo_big_files(demo: SeedData) -> None:
    gens = [g for a in demo.assets for g in a.generated_folders]
    assert any(g.count == 20_000 and g.path == "tiles" for g in gens)
    files = {f.path: f.content for a in demo.assets for f in a.files}
    assert files["raw/acquisition_4GiB.log"].kind == "text"
    assert files["raw/acquisition_4GiB.log"].size == 4 * 1024**3
    assert files["raw/recording_1GiB.bin"].kind == "random"
    assert files["raw/recording_1GiB.bin"].size == 1024**3


def test_demo_runs(demo: SeedData) -> None:
    caps = [c for c in demo.capsules if c.kind == "capsule"]
    pipes = [c for c in demo.capsules if c.kind == "pipeline"]
    assert 4 <= len(caps) <= 6 and len(pipes) == 2
    assert all(c.attached for c in demo.capsules)
    comps = demo.computations
    assert len(comps) >= 4
    assert any(c.state == "failed" or c.end_status == "failed" for c in comps)
    assert any(c.cloud_workstation for c in comps)
    done = [c for c in comps if c.state == "completed" and c.has_results]
    assert done and all(c.results for c in done)
    assert any(c.nextflow_profile for c in comps)
    # A result made from a computation names that computation's inputs.
    by_id = {c.id: c for c in comps}
    for a in demo.assets:
        if a.provenance and "computation" in a.provenance:
            comp = by_id[a.provenance["computation"]]
            assert a.provenance["data_assets"] == [aid for aid, _ in comp.data_assets]


def test_demo_inline_budget(demo: SeedData) -> None:
    seen: dict[int, int] = {}
    for a in demo.assets:
        for f in a.files:
            if f.content.kind == "inline":
                seen[id(f.content.data)] = f.content.size
    for c in demo.computations:
        for f in c.results:
            if f.content.kind == "inline":
                seen[id(f.content.data)] = f.content.size
    assert sum(seen.values()) < 5_000_000


def _files(demo: SeedData) -> list[tuple[str, str, bytes]]:
    return [
        (a.id, f.path, f.content.data)
        for a in demo.assets
        for f in a.files
        if f.content.kind == "inline"
    ]


def test_demo_inline_files_are_valid(demo: SeedData) -> None:
    kinds: Counter[str] = Counter()
    for _aid, path, data in _files(demo):
        name = path.rsplit("/", 1)[-1]
        ext = name.rsplit(".", 1)[-1] if "." in name else ""
        kinds[ext] += 1
        if ext in ("json", "ipynb"):
            doc = json.loads(data)
            if ext == "ipynb":
                assert doc["nbformat"] == 4
                types = {c["cell_type"] for c in doc["cells"]}
                assert types == {"markdown", "code"}
                assert any(c.get("outputs") for c in doc["cells"] if c["cell_type"] == "code")
        elif ext == "png":
            assert _png_pixels_ok(data), path
        elif ext == "gz":
            gzip.decompress(data)
        elif ext == "zip":
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                assert zf.testzip() is None
        elif ext == "npy":
            assert data[:6] == b"\x93NUMPY"
            hlen = struct.unpack("<H", data[8:10])[0]
            assert (10 + hlen) % 64 == 0
        elif ext in ("nwb", "h5", "h5ad"):
            assert data[:8] == b"\x89HDF\r\n\x1a\n"
        elif ext == "parquet":
            assert data[:4] == b"PAR1" and data[-4:] == b"PAR1"
    for ext in (
        "py",
        "R",
        "json",
        "ipynb",
        "csv",
        "tsv",
        "yaml",
        "md",
        "log",
        "png",
        "gz",
        "zip",
        "npy",
        "nwb",
        "parquet",
        "txt",
    ):
        assert kinds[ext] >= 1, ext


def _png_pixels_ok(data: bytes) -> bool:
    """Walk the PNG chunks (checking CRCs) and inflate the image data to its expected size."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    idat = b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        tag, payload = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(tag + payload) & 0xFFFFFFFF
        chunks[tag] = payload
        if tag == b"IDAT":
            idat += payload
        pos += 12 + length
    width, height, depth, ctype = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert depth == 8 and b"IEND" in chunks
    channels = {0: 1, 2: 3, 3: 1, 6: 4}[ctype]
    if ctype == 3:
        assert len(chunks[b"PLTE"]) % 3 == 0
    return bool(len(zlib.decompress(idat)) == height * (1 + channels * width))


def test_demo_awkward_files(demo: SeedData) -> None:
    files = _files(demo)
    names = {p.rsplit("/", 1)[-1] for _, p, _ in files}
    assert "notes (draft) – v2.md" in names and "données.csv" in names
    assert "run" in names and "requirements.txt" in names and "README.md" in names
    assert any(len(d) == 0 for _, _, d in files)
    assert any(len(d) > 250_000 and b"\n" not in d for _, _, d in files)
    non_utf8 = [p for _, p, d in files if p.endswith(".txt") and _not_utf8(d)]
    assert non_utf8
    assert max(p.count("/") for _, p, _ in files) >= 4


def _not_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def test_demo_generated_text_files_read(demo: SeedData) -> None:
    for a in demo.assets:
        for f in a.files:
            if f.content.kind == "text":
                salt, size = f"{a.id}/{f.path}", f.content.size
                read_content(f.content, 0, 65_536, salt=salt).rsplit(b"\n", 1)[0].decode()
                tail = read_content(f.content, size - 65_536, size, salt=salt)
                assert tail.endswith(b"\n")
                tail.split(b"\n", 1)[1].decode()


def test_demo_buckets(demo: SeedData) -> None:
    assert {"aind-open-data", "demo-public-bucket"} <= set(demo.buckets)
    for a in demo.assets:
        sb = a.source_bucket
        if sb and sb["external"]:
            keys = [f.path for f in demo.buckets[sb["bucket"]]]
            assert any(k.startswith(sb["prefix"] + "/") for k in keys)


def test_demo_schema(demo: SeedData) -> None:
    fields = {f["name"]: f for f in demo.custom_metadata["fields"]}
    assert fields["project"].get("required") is True
    assert "ecephys" in fields["modality"]["allowed_values"]
    assert fields["temperature_c"]["range"] == {"min": -80, "max": 40}
    assert fields["session_date"]["type"] == "date"


# --------------------------------------------------------------------------------------------
# empty and scale


def test_empty_seed() -> None:
    seed = load_seed("empty")
    assert seed.assets == [] and seed.capsules == [] and seed.computations == []
    assert seed.users[0].token == DEMO_TOKEN
    assert seed.custom_metadata["fields"] and seed.buckets


def test_scale_seed() -> None:
    seed = load_seed("scale:1000:3")
    assert len(seed.assets) == 1000
    check_consistent(seed)
    listable = [a for a in seed.assets if a.generated_folders]
    assert len(listable) > 900
    assert all(
        len(a.generated_folders) == 1
        and a.generated_folders[0].count == 3
        and a.generated_folders[0].path == ""
        and not a.files
        for a in listable
    )
    assert len({a.type for a in seed.assets}) == 4
    assert len({a.owner for a in seed.assets}) >= 4
    assert len({a.name for a in seed.assets}) > 990
    assert len({a.created for a in seed.assets}) > 990
    assert any(a.archived for a in seed.assets) and any(a.favorite_of for a in seed.assets)
    assert load_seed("scale:1000:3") == seed


def test_scale_zero() -> None:
    assert load_seed("scale:0:0").assets == []
    seed = load_seed("scale:20:0")
    assert len(seed.assets) == 20 and not any(a.generated_folders for a in seed.assets)


@pytest.mark.parametrize(
    "name",
    [
        "",
        "demo2",
        "Demo",
        " demo",
        "scale",
        "scale:",
        "scale:10",
        "scale:a:3",
        "scale:-1:3",
        "scale:1:2:3",
        "scale:1.5:2",
        "scale:99999999:1",
        "scale:1:99999999",
        "scale:١:٢",
    ],
)
def test_bad_seed_names(name: str) -> None:
    with pytest.raises(ValueError, match="seed"):
        load_seed(name)
