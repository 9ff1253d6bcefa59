"""Odd-but-valid response shapes, as a real deployment may send them (``--quirks [SPEC]``).

The emulator's own JSON is tidy: integers for timestamps, optional keys left out when empty,
string cursors. A real server is not bound to that, and clients written against the tidy form
break on the first odd page. ``quirks_asgi.QuirkMiddleware`` rewrites API responses (and translates
the cursors it handed out back on the way in) so that they carry such shapes. Whether a quirk
applies to a record is decided by a keyed hash of (seed, quirk, record id): random-looking,
reproducible, and the same asset has the same shape in a search page and in its own ``GET``.

The quirks (each applies to a record with probability ``rate``):

``float-times``
    ``created``, ``last_used``, ``last_transferred`` (assets), ``created`` (computations,
    capsules) as a float with a fraction (``1700000000.37``); the whole seconds are unchanged.
``explicit-nulls``
    ``null`` instead of an empty or absent optional value: ``description`` and ``tags`` when
    empty, ``last_used`` when 0, ``source_bucket.bucket``/``prefix`` when empty, and the
    optional keys the emulator leaves out (``provenance``, ``custom_metadata``,
    ``app_parameters``, ``nextflow_profile``, ``contained_data_assets``, ``last_transferred``,
    ``transfer_error``, ``failure_reason``; a computation's ``end_status``, ``exit_code``,
    ``parameters``, ``nextflow_profile``).
``extra-keys``
    keys no client knows, on assets, ``source_bucket``, ``provenance``, search pages, folder
    listings and their items, computations, capsules, permissions and file URLs.
``numeric-token``
    ``next_token`` as a JSON number; the emulator accepts it back as a number or as a string.
``numeric-params``
    app and computation parameter values that read as numbers sent as numbers (only when the
    number prints back as the same text, so nothing shown changes).
``missing-optional``
    keys the SDK marks optional left out: ``owner_email``, and ``source_bucket`` of internal
    assets (what an absent one means).
``null-scalars``
    ``null`` for scalars that carry a value: ``source_bucket.origin`` of internal assets, a
    computation's ``run_time`` while it has not completed.
``null-owner``
    an asset's or computation's ``owner`` as ``null``.
``unknown-enums``
    values of a future server: an asset ``state`` (``archiving``), a computation ``state``
    (``queued``), a ``source_bucket.origin`` (``azure``).
``null-lists``
    ``results: null`` for an empty search page and ``items: null`` for an empty folder.

Named sets (``SPEC`` is a comma-separated list of sets, quirk names, ``-name`` to leave one out,
``seed=N`` and ``rate=F``; a bare ``--quirks`` is ``sdk``):

``benign``
    what changes nothing a user sees: ``float-times``, ``explicit-nulls``, ``extra-keys``,
    ``numeric-token``, ``numeric-params`` (the demo runs with these).
``sdk``
    ``benign`` plus ``missing-optional`` and ``null-scalars``: every shape the official SDK
    0.17 reads (its life cycle passes against it).
``all``
    ``sdk`` plus what only a lenient client survives: the SDK raises ``ValueError`` on unknown
    enum values, its page iterator fails on ``results: null``, and ``owner: null`` loses what
    its users rely on.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

BENIGN = ("float-times", "explicit-nulls", "extra-keys", "numeric-token", "numeric-params")
SDK = (*BENIGN, "missing-optional", "null-scalars")
ALL = (*SDK, "null-owner", "unknown-enums", "null-lists")
SETS: dict[str, tuple[str, ...]] = {"benign": BENIGN, "sdk": SDK, "all": ALL, "none": ()}
QUIRKS = ALL
DEFAULT_SET = "sdk"
ASSET_OPTIONAL = ("provenance", "custom_metadata", "app_parameters", "nextflow_profile",
                  "contained_data_assets", "last_transferred", "transfer_error", "failure_reason")
COMPUTATION_OPTIONAL = ("end_status", "exit_code", "parameters", "nextflow_profile")
EXTRA = {"x_index_version": 7, "x_future": {"nested": [1, "two", None], "flag": True}}
_NUMBER = re.compile(r"-?(?:0|[1-9]\d{0,14})(?:\.\d{1,6})?")


@dataclass(frozen=True)
class QuirkSpec:
    """Which quirks are on, how often each applies (``rate``) and the seed of the draw."""

    quirks: frozenset[str] = field(default_factory=lambda: frozenset(SDK))
    seed: int = 0
    rate: float = 0.5

    def __post_init__(self) -> None:
        unknown = sorted(self.quirks - set(QUIRKS))
        if unknown:
            raise ValueError(f"unknown quirk {unknown[0]!r} (known: {', '.join(QUIRKS)})")
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError(f"quirk rate must be between 0 and 1, got {self.rate}")

    @property
    def enabled(self) -> bool:
        """Whether any quirk can apply."""
        return bool(self.quirks) and self.rate > 0

    @classmethod
    def parse(cls, text: str | None) -> QuirkSpec:
        """Parse ``"sdk"``, ``"all,-null-owner,seed=3,rate=1"``, ``"benign,unknown-enums"`` ...

        ``None`` or an empty string is the ``sdk`` set. Raises ``ValueError`` with a readable
        message.
        """
        quirks: set[str] = set()
        removed: set[str] = set()
        options: dict[str, Any] = {}
        named = False
        for part in (text or "").split(","):
            part = part.strip().lower()
            if not part:
                continue
            key, sep, value = part.partition("=")
            if sep:
                try:
                    if key == "seed":
                        options["seed"] = int(value)
                    elif key == "rate":
                        options["rate"] = float(value)
                    else:
                        raise ValueError(f"unknown quirk option {key!r} (seed, rate)")
                except ValueError as exc:
                    if "quirk option" in str(exc):
                        raise
                    raise ValueError(f"bad value for quirk option {key!r}: {value!r}") from None
            elif part.startswith("-"):
                removed.add(part[1:])
            elif part in SETS:
                quirks |= set(SETS[part])
                named = True
            elif part in QUIRKS:
                quirks.add(part)
                named = True
            else:
                raise ValueError(f"unknown quirk or set {part!r} (sets: {', '.join(SETS)}; "
                                 f"quirks: {', '.join(QUIRKS)})")
        if not named:
            quirks |= set(SETS[DEFAULT_SET])
        bad = sorted(removed - set(QUIRKS))
        if bad:
            raise ValueError(f"unknown quirk {bad[0]!r}")
        return cls(frozenset(quirks - removed), **options)


class Shaper:
    """Applies a spec's quirks to decoded response values (records keyed by their id)."""

    def __init__(self, spec: QuirkSpec) -> None:
        self.spec = spec
        self._salt = str(spec.seed).encode()

    def _draw(self, quirk: str, key: str) -> float:
        digest = hashlib.blake2b(f"{quirk}\0{key}".encode(), digest_size=8, key=self._salt)
        return int.from_bytes(digest.digest(), "big") / 2.0**64

    def on(self, quirk: str, key: str) -> bool:
        """Whether ``quirk`` applies to the record ``key``."""
        return quirk in self.spec.quirks and self._draw(quirk, key) < self.spec.rate

    def _times(self, obj: dict[str, Any], key: str, names: tuple[str, ...]) -> None:
        if not self.on("float-times", key):
            return
        for name in names:
            value = obj.get(name)
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                obj[name] = value + 0.001 + 0.998 * self._draw("fraction/" + name, key)

    def _extra(self, obj: dict[str, Any], key: str) -> None:
        if self.on("extra-keys", key):
            obj.update(EXTRA)

    def _params(self, items: Any, key: str) -> None:
        if not isinstance(items, list) or not self.on("numeric-params", key):
            return
        for item in items:
            value = item.get("value") if isinstance(item, dict) else None
            if isinstance(value, str) and _NUMBER.fullmatch(value):
                number: int | float = float(value) if "." in value else int(value)
                if str(number) == value:
                    item["value"] = number

    def asset(self, obj: Any) -> Any:
        """One DataAsset object."""
        if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
            return obj
        key = obj["id"]
        self._times(obj, key, ("created", "last_used", "last_transferred"))
        self._params(obj.get("app_parameters"), key)
        bucket = obj.get("source_bucket")
        internal = isinstance(bucket, dict) and not bucket.get("external")
        if self.on("explicit-nulls", key):
            if obj.get("description") == "":
                obj["description"] = None
            if obj.get("tags") == []:
                obj["tags"] = None
            if obj.get("last_used") == 0:
                obj["last_used"] = None
            for name in ASSET_OPTIONAL:
                obj.setdefault(name, None)
            if isinstance(bucket, dict):
                for name in ("bucket", "prefix"):
                    if bucket.get(name) == "":
                        bucket[name] = None
        if self.on("missing-optional", key):
            obj.pop("owner_email", None)
            if internal:
                obj.pop("source_bucket", None)
        if self.on("null-scalars", key) and internal and isinstance(bucket, dict):
            bucket["origin"] = None
        if self.on("null-owner", key):
            obj["owner"] = None
        if self.on("unknown-enums", key):
            if self._draw("enum", key) < 0.5:
                obj["state"] = "archiving"
            elif isinstance(bucket, dict):
                bucket["origin"] = "azure"
        if self.on("extra-keys", key):
            obj.update(EXTRA)
            for inner in (bucket, obj.get("provenance")):
                if isinstance(inner, dict):
                    inner["x_future"] = "inner"
        return obj

    def page(self, obj: Any, path: str, records: Callable[[Any], Any]) -> Any:
        """A search page ``{has_more, next_token?, results}`` of ``records``."""
        if not isinstance(obj, dict):
            return obj
        results = obj.get("results")
        if isinstance(results, list):
            obj["results"] = [records(item) for item in results]
            if not results and self.on("null-lists", path):
                obj["results"] = None
        self._extra(obj, path)
        return obj

    def folder(self, obj: Any, path: str) -> Any:
        """A folder listing ``{items: [...]}``."""
        if not isinstance(obj, dict):
            return obj
        items = obj.get("items")
        if isinstance(items, list):
            if self.on("extra-keys", path):  # one draw per folder: they can hold 100,000 items
                for item in items:
                    if isinstance(item, dict):
                        item.update(EXTRA)
            if not items and self.on("null-lists", path):
                obj["items"] = None
        self._extra(obj, path)
        return obj

    def computation(self, obj: Any) -> Any:
        """A Computation object."""
        if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
            return obj
        key = obj["id"]
        self._times(obj, key, ("created",))
        self._params(obj.get("parameters"), key)
        if self.on("explicit-nulls", key):
            for name in COMPUTATION_OPTIONAL:
                obj.setdefault(name, None)
        if self.on("missing-optional", key):
            obj.pop("owner_email", None)
        if self.on("null-scalars", key) and obj.get("state") != "completed":
            obj["run_time"] = None
        if self.on("null-owner", key):
            obj["owner"] = None
        if self.on("unknown-enums", key):
            obj["state"] = "queued"
        self._extra(obj, key)
        return obj

    def capsule(self, obj: Any) -> Any:
        """A Capsule object (timestamps and unknown keys only)."""
        if isinstance(obj, dict) and isinstance(obj.get("id"), str):
            self._times(obj, obj["id"], ("created",))
            self._extra(obj, obj["id"])
        return obj

    def plain(self, obj: Any, path: str) -> Any:
        """Permissions, file URLs: unknown keys only."""
        if isinstance(obj, dict):
            self._extra(obj, path)
        return obj
