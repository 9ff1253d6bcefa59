"""Which data assets the capsule co-tui runs in has attached, and which assets an attach or a
detach would send: plain data and pure functions, no Textual.

Inside a capsule the platform sets ``CO_CAPSULE_ID`` (and, in a cloud workstation,
``CO_COMPUTATION_ID``). What is attached is read once per session (:func:`read_attached`):

- in a cloud workstation, ``GET /computations/{CO_COMPUTATION_ID}`` lists the run's
  ``data_assets`` (ids and mounts);
- elsewhere in a capsule, the capsule's ``/data`` holds one folder per mounted asset, named by
  its mount. A folder names a mount, not an asset, so an asset counts as attached when its
  ``mount`` is one of the folders (:meth:`AttachedState.learn`, called as rows arrive).

:class:`AttachedState` is that reading with this session's own attach / detach results laid over
it (:meth:`AttachedState.after`), so the set stays true without reading again.
:func:`plan_attach` and :func:`plan_detach` split a selection into the assets to send and the
ones skipped with a reason (a draft or failed asset cannot be attached; one already attached, or
for a detach one not attached, needs no request). Skipped assets are never sent.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from co_tui.formatting import format_size, plural

if TYPE_CHECKING:
    from co_tui.api.client import CodeOceanClient
    from co_tui.api.models import DataAsset
    from co_tui.operations.attach import BulkOutcome

__all__ = [
    "COMPUTATION_ENV",
    "AttachPlan",
    "AttachedRead",
    "AttachedSource",
    "AttachedState",
    "CapsuleSession",
    "Skipped",
    "current_computation_id",
    "data_mounts",
    "plan_attach",
    "plan_detach",
    "read_attached",
]

COMPUTATION_ENV = "CO_COMPUTATION_ID"
"""Set by the platform in a cloud workstation: the run whose attached assets are mounted."""

AttachedSource = Literal["computation", "mounts"]
"""Where the attached set was read: the workstation's computation, or the ``/data`` folders."""


def current_computation_id(env: Mapping[str, str] | None = None) -> str | None:
    """The cloud workstation's computation (``CO_COMPUTATION_ID``), or ``None``."""
    value = (os.environ if env is None else env).get(COMPUTATION_ENV, "").strip()
    return value or None


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AttachedRead:
    """One reading of what is attached: asset ids (a computation's ``data_assets``) or the mount
    folders under ``/data``."""

    source: AttachedSource
    ids: frozenset[str] = frozenset()
    mounts: frozenset[str] = frozenset()


def data_mounts(data_root: Path) -> frozenset[str]:
    """The folder names directly under ``data_root`` (``/data``): one per mounted asset.

    Hidden entries and plain files are not mounts. A missing ``/data`` mounts nothing.
    """
    try:
        entries = list(os.scandir(data_root))
    except (FileNotFoundError, NotADirectoryError):
        return frozenset()
    return frozenset(entry.name for entry in entries
                     if not entry.name.startswith(".") and entry.is_dir())


async def read_attached(
    client: CodeOceanClient, computation_id: str | None, *, data_root: Path | None = None
) -> AttachedRead:
    """What is attached now: the workstation computation's ``data_assets`` when
    ``computation_id`` is set, else the folders of ``data_root`` (default ``/data``), read in a
    thread. API errors are the caller's to report."""
    if computation_id is not None:
        run = await client.computations.get_computation(computation_id)
        return AttachedRead("computation", ids=frozenset(a.id for a in run.data_assets or ()))
    if data_root is None:
        from co_tui.transfer.local import DATA_ROOT

        data_root = DATA_ROOT
    return AttachedRead("mounts", mounts=await asyncio.to_thread(data_mounts, data_root))


# --- the set this session knows ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AttachedState:
    """The attached set of one capsule as this session knows it.

    ``read`` is the last reading (``None`` until it arrives or when it failed: ``problem`` says
    why); ``learned`` the ids matched to a ``/data`` folder by their mount; ``added`` and
    ``removed`` what this session attached and detached since.
    """

    read: AttachedRead | None = None
    learned: frozenset[str] = frozenset()
    added: frozenset[str] = frozenset()
    removed: frozenset[str] = frozenset()
    problem: str | None = None

    @property
    def ids(self) -> frozenset[str] | None:
        """The attached asset ids, or ``None`` while unknown (not read yet, or reading failed)."""
        if self.read is None:
            return None
        return (self.read.ids | self.learned | self.added) - self.removed

    def learn(self, assets: Iterable[DataAsset]) -> AttachedState:
        """Match rows to ``/data`` folders by their mount (a mounts reading only); ``self``
        when nothing new was learned."""
        if self.read is None or not self.read.mounts:
            return self
        found = frozenset(a.id for a in assets
                          if a.mount in self.read.mounts and a.id not in self.learned)
        return replace(self, learned=self.learned | found) if found else self

    def after(self, outcome: BulkOutcome) -> AttachedState:
        """This state with what an attach or detach did laid over it."""
        done = frozenset(o.asset_id for o in outcome.succeeded)
        if not done:
            return self
        if outcome.action == "attach":
            return replace(self, added=self.added | done, removed=self.removed - done)
        return replace(self, added=self.added - done, removed=self.removed | done)


@dataclass(slots=True)
class CapsuleSession:
    """The capsule co-tui runs in, as the app keeps it for every screen: its id, its name once
    looked up (``GET /capsules/{id}``) and the attached set. A new capsule id starts afresh."""

    capsule_id: str | None = None
    name: str | None = None
    name_problem: str | None = None
    attached: AttachedState = field(default_factory=AttachedState)
    reading: bool = False
    """True once the look-up started (it runs once per capsule id and session)."""

    def for_capsule(self, capsule_id: str | None) -> bool:
        """Start afresh when ``capsule_id`` is not this session's; True when it did."""
        if capsule_id == self.capsule_id:
            return False
        self.capsule_id, self.name, self.name_problem = capsule_id, None, None
        self.attached, self.reading = AttachedState(), False
        return True


# --- what an attach or detach sends ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Skipped:
    """An asset left out of an attach or detach, and why (our words)."""

    asset: DataAsset
    reason: str


@dataclass(frozen=True, slots=True)
class AttachPlan:
    """A selection split into the assets to send and the ones skipped."""

    action: Literal["attach", "detach"]
    send: tuple[DataAsset, ...]
    skipped: tuple[Skipped, ...]
    attached_known: bool = True
    """False when the attached set was unknown, so "already attached" / "not attached" could
    not be checked (the server decides; a detach of an asset not attached changes nothing)."""

    @property
    def total_size(self) -> int:
        """Bytes of the assets to send (unknown sizes count 0)."""
        return sum(a.size or 0 for a in self.send)

    @property
    def external(self) -> int:
        """How many assets to send keep their files outside Code Ocean."""
        return sum(1 for a in self.send if a.is_external)

    @property
    def needs_asking(self) -> bool:
        """More than one asset targeted (sent or skipped): the user confirms first, seeing what
        is skipped. A single eligible asset goes without asking."""
        return len(self.send) + len(self.skipped) > 1

    def summary(self) -> str:
        """``"Attach 3 data assets (1.2 GiB) to this capsule"``: the question's title."""
        verb = "Attach" if self.action == "attach" else "Detach"
        where = "to" if self.action == "attach" else "from"
        size = format_size(self.total_size) if any(a.size for a in self.send) else "size unknown"
        return (f"{verb} {plural(len(self.send), 'data asset')} ({size}) {where} this capsule?")

    def skipped_reasons(self) -> list[tuple[str, int]]:
        """Each reason with how many assets it skipped, most first (``[("draft", 2)]``)."""
        counts: dict[str, int] = {}
        for item in self.skipped:
            counts[item.reason] = counts.get(item.reason, 0) + 1
        return sorted(counts.items(), key=lambda kv: -kv[1])

    def nothing_to_send(self) -> str:
        """Why nothing is sent: ``"Nothing to attach: 2 are drafts, 1 is already attached."``"""
        verb = "attach" if self.action == "attach" else "detach"
        reasons = ", ".join(f"{count} {reason}" for reason, count in self.skipped_reasons())
        return f"Nothing to {verb}: {reasons}." if reasons else f"Nothing to {verb}."


DRAFT = "draft or still in progress"
FAILED = "failed"
ALREADY = "already attached"
NOT_ATTACHED = "not attached"
NOT_YOURS = "only discoverable to you"

RoleOf = Callable[["DataAsset"], "str | None"]
"""The user's role on an asset as far as the session knows (``Rights.role``), None unknown."""


def _attach_problem(asset: DataAsset, attached: frozenset[str] | None,
                    role: RoleOf | None) -> str | None:
    if attached is not None and asset.id in attached:
        return ALREADY
    if asset.state == "failed":
        return FAILED
    if asset.state != "ready":
        return DRAFT
    if role is not None and role(asset) in ("discoverable", "none"):
        return NOT_YOURS
    return None


def plan_attach(assets: Sequence[DataAsset], attached: frozenset[str] | None, *,
                role: RoleOf | None = None) -> AttachPlan:
    """Split ``assets`` for an attach: drafts (and any state but ready), failed assets, those
    already attached and, when ``role`` knows it, those the user may only discover (attaching
    needs read access) are skipped. ``attached`` ``None`` (unknown) skips none as attached."""
    send: list[DataAsset] = []
    skipped: list[Skipped] = []
    for asset in assets:
        problem = _attach_problem(asset, attached, role)
        if problem is None:
            send.append(asset)
        else:
            skipped.append(Skipped(asset, problem))
    return AttachPlan("attach", tuple(send), tuple(skipped), attached_known=attached is not None)


def plan_detach(assets: Sequence[DataAsset], attached: frozenset[str] | None) -> AttachPlan:
    """Split ``assets`` for a detach: those not attached are skipped (when that is known)."""
    send = [a for a in assets if attached is None or a.id in attached]
    skipped = [Skipped(a, NOT_ATTACHED) for a in assets if attached is not None
               and a.id not in attached]
    return AttachPlan("detach", tuple(send), tuple(skipped), attached_known=attached is not None)
