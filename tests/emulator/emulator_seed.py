"""A small hand-made deployment for focused emulator tests, and helpers shared by them."""

from __future__ import annotations

import base64
from typing import Any

import httpx

from co_tui.emulator.seed_model import (
    Content,
    SeedAsset,
    SeedCapsule,
    SeedComputation,
    SeedData,
    SeedFile,
    SeedFolderGenerator,
    SeedUser,
)

T0 = 1_700_000_000
API = "http://emulator.test"
FILES = "http://files.emulator.test"
TOKENS = {"main": "tok-main", "alan": "tok-alan", "grace": "tok-grace", "admin": "tok-admin"}


def aid(n: int) -> str:
    """A deterministic asset id."""
    return f"00000000-0000-4000-8000-{n:012d}"


MAIN, ALAN, GRACE, ADMIN, GHOST = "u-main", "u-alan", "u-grace", "u-admin", "u-ghost"
C1, C2, C3, P1, P2 = "c-1", "c-2", "c-3", "p-1", "p-2"
COMP1, COMP2, COMP3, COMP4 = "comp-1", "comp-2", "comp-3", "comp-4"


def build_seed() -> SeedData:
    """Users of each kind, assets of each type/state/permission, capsules, runs and a bucket."""
    users = [
        SeedUser(MAIN, "main@example.org", "Main User", TOKENS["main"], groups=("lab",)),
        SeedUser(ALAN, "alan@example.org", "Alan", TOKENS["alan"], groups=("lab", "imaging")),
        SeedUser(GRACE, "grace@example.org", "Grace", TOKENS["grace"]),
        SeedUser(ADMIN, "admin@example.org", "Admin", TOKENS["admin"], admin=True),
        SeedUser(GHOST, "ghost@example.org", "Ghost"),
    ]

    def asset(n: int, name: str, owner: str = MAIN, **kw: Any) -> SeedAsset:
        kw.setdefault("mount", f"m{n}")
        return SeedAsset(id=aid(n), name=name, owner=owner, created=T0 + n * 100, **kw)

    assets = [
        asset(1, "Alpha imaging dataset", tags=["imaging", "mouse"],
              description="two-photon imaging of visual cortex",
              custom_metadata={"species": "mouse", "sessions": 3},
              favorite_of=(MAIN,),
              files=[SeedFile("README.md", Content.of("# Alpha\nhello\n")),
                     SeedFile("data/raw/a.csv", Content("text", 5000, seed=1)),
                     SeedFile("data/raw/b.bin", Content("random", 300_000, seed=2)),
                     SeedFile("data/raw/sub dir/c d+e.txt", Content.of("plus and space")),
                     SeedFile("data/notes.txt", Content.of("notes"))],
              generated_folders=[SeedFolderGenerator("frames", 2500, 100,
                                                     name_template="frame_{i:05d}.tif")]),
        asset(2, "Beta sequencing", tags=["genomics", "RNA-seq"],
              description="bulk rna sequencing run", shared_users=[("alan@example.org", "viewer")],
              custom_metadata={"species": "human", "sessions": 12},
              files=[SeedFile("reads/r1.fastq", Content("text", 2000, seed=3))]),
        asset(3, "Gamma results", type="result",
              provenance={"capsule": C1, "commit": "abc123def456", "run_script": "code/run.sh",
                          "docker_image": "registry/img:1", "data_assets": [aid(1)]},
              files=[SeedFile("out/summary.json", Content.of('{"ok": true}'))]),
        asset(4, "Delta combined", type="combined",
              contained_data_assets=[{"id": aid(1), "mount": "m1", "size": 0},
                                     {"id": aid(2), "mount": "m2", "size": 0}]),
        asset(5, "Epsilon model", type="model", tags=["model"],
              files=[SeedFile("weights.pt", Content("random", 4096, seed=5))]),
        asset(6, "Zeta draft", state="draft"),
        asset(7, "Eta failed", state="failed", failure_reason="bucket 'x' does not exist"),
        asset(8, "Theta archived", archived=True,
              files=[SeedFile("old.txt", Content.of("old"))]),
        asset(9, "Iota external",
              source_bucket={"origin": "aws", "bucket": "ext-bucket", "prefix": "data",
                             "external": True},
              size_override=10**12, files_override=1000),
        asset(10, "Kappa from alan", owner=ALAN, shared_users=[("main@example.org", "editor")],
              files=[SeedFile("k.txt", Content.of("kappa"))]),
        asset(11, "Lambda lab group", owner=ALAN, shared_groups=[("lab", "viewer")],
              files=[SeedFile("l.txt", Content.of("lambda"))]),
        asset(12, "Mu discoverable", owner=GRACE, everyone="discoverable",
              files=[SeedFile("secret.txt", Content.of("no"))]),
        asset(13, "Nu invisible", owner=GRACE),
        asset(14, "Xi everyone viewer", owner=GRACE, everyone="viewer",
              files=[SeedFile("x.txt", Content.of("xi"))]),
        asset(15, "Omicron owner grant", owner=GRACE, shared_users=[("main@example.org", "owner")]),
        asset(16, "Pi group discoverable", owner=GRACE, shared_groups=[("lab", "discoverable")]),
        asset(17, "Rho big files",
              files=[SeedFile("huge.bin", Content("zeros", 5 * 2**30)),
                     SeedFile("big.bin", Content("random", 3 * 2**20 + 17, seed=17))]),
        asset(18, "Sigma analysis pipeline output", tags=["Analysis"],
              files=[SeedFile("a.txt", Content.of("a"))]),
    ]
    capsules = [
        SeedCapsule(C1, "Alpha analysis capsule", MAIN, T0, "1111111", tags=["imaging"],
                    attached=[(aid(1), "alpha")]),
        SeedCapsule(C2, "Shared capsule", GRACE, T0 + 1, "2222222",
                    shared_users=[("main@example.org", "viewer")], attached=[(aid(2), "beta")]),
        SeedCapsule(C3, "Private capsule", GRACE, T0 + 2, "3333333", attached=[(aid(1), "a")]),
        SeedCapsule(P1, "Release pipeline", MAIN, T0 + 3, "4444444", kind="pipeline",
                    status="release", attached=[(aid(5), "model")]),
        SeedCapsule(P2, "Alan pipeline", ALAN, T0 + 4, "5555555", kind="pipeline",
                    everyone="viewer"),
    ]
    computations = [
        SeedComputation(COMP1, "Run 1", MAIN, T0 + 10, capsule_id=C1, run_time=120,
                        commit="c0ffee0042", run_script="code/main.py",
                        docker_image="registry/img:2",
                        data_assets=[(aid(1), "alpha")],
                        parameters=[{"name": "threshold", "param_name": "t", "value": "0.5"}],
                        results=[SeedFile("output/table.csv", Content("text", 3000, seed=9)),
                                 SeedFile("output/plots/p.png", Content("random", 1000, seed=8)),
                                 SeedFile("log.txt", Content.of("done\n"))]),
        SeedComputation(COMP2, "Workstation", MAIN, T0 + 11, capsule_id=C1, state="running",
                        end_status=None, exit_code=None, cloud_workstation=True,
                        results=[SeedFile("scratch/x.txt", Content.of("x"))]),
        SeedComputation(COMP3, "Grace run", GRACE, T0 + 12, capsule_id=C3,
                        results=[SeedFile("r.txt", Content.of("r"))]),
        SeedComputation(COMP4, "Running", MAIN, T0 + 13, capsule_id=C1, state="running",
                        end_status=None, exit_code=None, has_results=False),
    ]
    buckets = {
        "demo-bucket": [SeedFile("raw/one.txt", Content.of("one")),
                        SeedFile("raw/two/three.csv", Content("text", 800, seed=4)),
                        SeedFile("other/four.bin", Content("random", 64, seed=6))],
        "empty-bucket": [],
    }
    schema = {
        "fields": [
            {"name": "species", "type": "string", "allowed_values": ["mouse", "human", "rat"],
             "category": "Subject"},
            {"name": "sessions", "type": "number", "range": {"min": 0, "max": 1000}},
            {"name": "recorded", "type": "date"},
        ],
        "categories": ["Subject"],
    }
    return SeedData(users=users, assets=assets, capsules=capsules, computations=computations,
                    custom_metadata=schema, buckets=buckets)


class Clock:
    """A settable clock."""

    def __init__(self, now: float = T0 + 10_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def basic(token: str) -> dict[str, str]:
    """The Authorization header the SDK sends."""
    return {"Authorization": "Basic " + base64.b64encode(f"{token}:".encode()).decode()}


async def search_all(client: httpx.AsyncClient, **body: Any) -> list[dict[str, Any]]:
    """Every result of a search, following next_token."""
    out: list[dict[str, Any]] = []
    body = dict(body)
    while True:
        response = await client.post("data_assets/search", json=body)
        assert response.status_code == 200, response.text
        page = response.json()
        out.extend(page["results"])
        if not page["has_more"]:
            assert "next_token" not in page
            return out
        body["next_token"] = page["next_token"]
