"""Plain data that a seed produces and the emulator's store loads.

A seed (``demo``, ``empty``, ``scale:ASSETS:FILES``) is a function returning a :class:`SeedData`.
Nothing here touches SQLite or HTTP: the store (``store.py``) turns these records into rows, and
the file server (``content.py``) turns :class:`Content` specs into bytes on demand, so a 4 GiB
file or a folder of 100,000 files costs no disk.

Field names follow the API's wire names (as the SDK's models spell them) wherever a
field ends up on the wire.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ContentKind = Literal["inline", "random", "text", "zeros"]
"""How a file's bytes are produced.

- ``inline``: exactly ``data``.
- ``random``: deterministic pseudo-random bytes from ``seed`` (binary files, images' bodies...).
- ``text``: deterministic, realistic log/CSV-like UTF-8 text lines from ``seed`` (large text files).
- ``zeros``: NUL bytes (sparse files).
"""


@dataclass(frozen=True)
class Content:
    """The bytes of one file, stored or generated deterministically.

    ``size`` is authoritative for every kind; for ``inline`` it must equal ``len(data)``
    (use :meth:`of` to build one from bytes or text).
    """

    kind: ContentKind
    size: int
    seed: int = 0
    data: bytes = b""

    @classmethod
    def of(cls, data: bytes | str) -> Content:
        """Inline content from bytes or UTF-8 text."""
        raw = data.encode("utf-8") if isinstance(data, str) else data
        return cls(kind="inline", size=len(raw), data=raw)


@dataclass(frozen=True)
class SeedFile:
    """One file in an asset, a bucket or a computation's results.

    ``path`` is relative to the asset root, ``/``-separated, no leading slash
    (``"code/run.py"``); parent folders are implied.
    """

    path: str
    content: Content


@dataclass(frozen=True)
class SeedFolderGenerator:
    """A folder whose ``count`` files are generated, not stored (a 20,000-file folder, scale seeds).

    Children are named ``name_template.format(i=i)`` for ``i`` in ``range(count)``, each
    ``size`` bytes of ``kind`` content seeded from the asset id and the child path.
    ``path`` is the folder's own path (``""`` means the asset root).
    """

    path: str
    count: int
    size: int
    name_template: str = "file_{i:06d}.dat"
    kind: ContentKind = "random"


@dataclass(frozen=True)
class SeedUser:
    """A user of the emulated deployment. ``token`` is ``None`` for users nobody logs in as."""

    id: str
    email: str
    name: str
    token: str | None = None
    groups: tuple[str, ...] = ()
    admin: bool = False


@dataclass
class SeedAsset:
    """A data asset as the seed wants it to exist.

    ``owner`` is a user id. ``files`` and ``generated_folders`` make up the file tree; ``size`` and
    ``files`` counts on the wire are derived from them (``size_override`` / ``files_override``
    replace the derived numbers, e.g. for external assets whose files are not listable).
    ``source_bucket``, ``provenance``, ``custom_metadata``, ``app_parameters`` and
    ``contained_data_assets`` use the wire shapes of a ``DataAsset``.
    """

    id: str
    name: str
    owner: str
    created: int
    type: str = "dataset"
    state: str = "ready"
    mount: str = ""
    description: str = ""
    tags: list[str] = field(default_factory=list)
    last_used: int = 0
    files: list[SeedFile] = field(default_factory=list)
    generated_folders: list[SeedFolderGenerator] = field(default_factory=list)
    size_override: int | None = None
    files_override: int | None = None
    source_bucket: dict[str, Any] | None = None
    provenance: dict[str, Any] | None = None
    custom_metadata: dict[str, Any] | None = None
    app_parameters: list[dict[str, Any]] | None = None
    nextflow_profile: str | None = None
    contained_data_assets: list[dict[str, Any]] | None = None
    failure_reason: str | None = None
    archived: bool = False
    favorite_of: tuple[str, ...] = ()
    """User ids that marked this asset as a favourite."""
    shared_users: list[tuple[str, str]] = field(default_factory=list)
    """(email, role) grants besides the owner, role in owner/editor/viewer."""
    shared_groups: list[tuple[str, str]] = field(default_factory=list)
    """(group, role) grants, role in owner/editor/viewer/discoverable."""
    everyone: str = "none"
    """none / viewer / discoverable."""


@dataclass
class SeedCapsule:
    """A capsule or a pipeline (``kind``), with the assets attached to it as (asset id, mount)."""

    id: str
    name: str
    owner: str
    created: int
    slug: str
    kind: Literal["capsule", "pipeline"] = "capsule"
    status: str = "non_release"
    description: str = ""
    tags: list[str] = field(default_factory=list)
    attached: list[tuple[str, str]] = field(default_factory=list)
    shared_users: list[tuple[str, str]] = field(default_factory=list)
    everyone: str = "none"


@dataclass
class SeedComputation:
    """A run of a capsule or pipeline; ``results`` is what a computation-sourced asset copies."""

    id: str
    name: str
    owner: str
    created: int
    capsule_id: str | None = None
    pipeline_id: str | None = None
    run_time: int = 0
    state: str = "completed"
    end_status: str | None = "succeeded"
    exit_code: int | None = 0
    has_results: bool = True
    data_assets: list[tuple[str, str]] = field(default_factory=list)
    """Input (asset id, mount) pairs."""
    parameters: list[dict[str, Any]] = field(default_factory=list)
    nextflow_profile: str | None = None
    cloud_workstation: bool = False
    results: list[SeedFile] = field(default_factory=list)
    commit: str | None = None
    """Provenance of assets captured from this run (``None``: the emulator derives a stable
    commit hash, ``code/run`` and an empty docker image)."""
    run_script: str | None = None
    docker_image: str | None = None


@dataclass
class SeedData:
    """Everything a seed creates. The first user in ``users`` is the main demo user."""

    users: list[SeedUser]
    assets: list[SeedAsset] = field(default_factory=list)
    capsules: list[SeedCapsule] = field(default_factory=list)
    computations: list[SeedComputation] = field(default_factory=list)
    custom_metadata: dict[str, Any] = field(
        default_factory=lambda: {"fields": [], "categories": []}
    )
    """The ``GET /custom_metadata`` document."""
    buckets: dict[str, list[SeedFile]] = field(default_factory=dict)
    """Built-in S3 "buckets" for create-from-S3, by bucket name; paths are object keys."""
