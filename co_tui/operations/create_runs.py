"""Create from a run, without a UI: whose runs, which runs can be captured, and what of them.

The create dialog's run picker (:mod:`co_tui.modals.create_runs`) lists a capsule's (or a
pipeline's) recent runs, newest first, and a chosen run's result files. This module holds its
plain parts:

* :class:`RunSource` is the capsule or pipeline whose runs are listed: the one co-tui runs in
  (``CO_CAPSULE_ID``) by default, one found by :func:`find_sources` (capsule and pipeline
  search), or one whose ID was typed (:func:`resolve_source`).
* :class:`RunRow` is one run as the list shows it: its state, when it ended, whether it has
  results, and why it cannot be captured
  (:func:`~co_tui.operations.create_form.computation_problem`,
  the same words as a typed ID gets). :func:`list_runs` reads them.
* What is captured is one path inside ``/results`` (``DataAssetParams.source.computation.path``
  takes one folder or file; empty captures every result file): :func:`capture_label` words it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from co_tui.api.errors import ApiError, NotFoundError
from co_tui.api.models import Capsule, CapsuleSearchParams, Computation
from co_tui.formatting import format_size
from co_tui.operations.create_form import computation_problem

if TYPE_CHECKING:
    from co_tui.api.client import CodeOceanClient

__all__ = [
    "RunChoice",
    "RunListing",
    "RunRow",
    "RunSource",
    "capture_label",
    "find_sources",
    "list_runs",
    "resolve_source",
    "run_rows",
    "size_text",
]

SourceKindName = Literal["capsule", "pipeline"]
SEARCH_LIMIT = 50
"""Capsules and pipelines shown for one search (the list is for choosing, not browsing)."""


@dataclass(frozen=True, slots=True)
class RunSource:
    """A capsule or pipeline whose runs are listed; ``name`` is empty until it is known."""

    id: str
    kind: SourceKindName = "capsule"
    name: str = ""

    @classmethod
    def of(cls, capsule: Capsule, kind: SourceKindName) -> RunSource:
        """The source for a capsule (or pipeline) record."""
        return cls(capsule.id, kind, capsule.name)


@dataclass(frozen=True, slots=True)
class RunRow:
    """One run in the picker's list."""

    computation: Computation
    problem: str | None
    """Why its results cannot be captured (``None``: they can)."""

    @property
    def selectable(self) -> bool:
        """True when the run's results can be captured."""
        return self.problem is None

    @property
    def ended(self) -> int | None:
        """When the run ended (start plus run time), or ``None`` while it runs."""
        run = self.computation
        if run.state not in ("completed", "failed") or not run.created:
            return None
        return run.created + max(run.run_time, 0)

    def when_text(self) -> str:
        """``ended 2025-05-12 09:10`` (UTC), or when a run still going started."""
        ended = self.ended
        if ended is not None:
            return "ended " + time.strftime("%Y-%m-%d %H:%M", time.gmtime(ended))
        if self.computation.created:
            return "started " + time.strftime("%Y-%m-%d %H:%M",
                                              time.gmtime(self.computation.created))
        return ""

    def state_text(self) -> str:
        """The state, with how it ended when that says more (``completed (stopped)``)."""
        run = self.computation
        state = run.state or "unknown state"
        if run.end_status and run.end_status != "succeeded":
            state += f" ({run.end_status})"
        if run.cloud_workstation:
            state = f"cloud workstation, {state}"
        return state

    def results_text(self) -> str:
        """``results``, ``no results`` or ``?`` when the server did not say."""
        has = self.computation.has_results
        return "?" if has is None else "results" if has else "no results"


@dataclass(frozen=True, slots=True)
class RunListing:
    """A source's runs, newest first, and how many of the answer's runs could not be read."""

    source: RunSource
    rows: list[RunRow]
    unreadable: int = 0


@dataclass(frozen=True, slots=True)
class RunChoice:
    """What the picker hands the create dialog: the run and the path in ``/results`` to
    capture (``""``: every result file)."""

    computation: Computation
    path: str = ""
    source: RunSource | None = None


def run_rows(runs: Sequence[Computation]) -> list[RunRow]:
    """The rows for ``runs``: newest first (by start), each with why it cannot be captured."""
    ordered = sorted(runs, key=lambda run: run.created, reverse=True)
    rows = []
    for run in ordered:
        problem = computation_problem(run)
        if problem is None and run.cloud_workstation:
            problem = "a cloud workstation session: capture its files from inside it"
        rows.append(RunRow(run, problem))
    return rows


async def list_runs(client: CodeOceanClient, source: RunSource) -> RunListing:
    """``GET /capsules/{id}/computations`` (or ``/pipelines/...``) as rows, newest first."""
    resource = client.capsules if source.kind == "capsule" else client.pipelines
    runs = await resource.list_computations(source.id)
    return RunListing(source, run_rows(runs), runs.unreadable)


async def find_sources(client: CodeOceanClient, text: str) -> list[RunSource]:
    """Capsules, then pipelines, matching ``text`` (the search's own syntax; empty: all),
    at most :data:`SEARCH_LIMIT` of each. A pipeline search that fails leaves pipelines out."""
    params = CapsuleSearchParams(query=text.strip() or None, limit=SEARCH_LIMIT,
                                 archived=False)
    capsules, pipelines = await asyncio.gather(
        client.capsules.search_capsules(params), client.pipelines.search_pipelines(params),
        return_exceptions=True)
    if isinstance(capsules, BaseException):
        raise capsules
    found = [RunSource.of(c, "capsule") for c in capsules.results]
    if not isinstance(pipelines, BaseException):
        found += [RunSource.of(p, "pipeline") for p in pipelines.results]
    elif not isinstance(pipelines, ApiError):
        raise pipelines
    return found


async def resolve_source(client: CodeOceanClient, source_id: str) -> RunSource:
    """The capsule (or else pipeline) with this ID; :class:`NotFoundError` when neither is."""
    typed = source_id.strip()
    if not typed or any(ch.isspace() or ch == "/" for ch in typed):
        raise ValueError("a capsule ID has no spaces or '/'")
    try:
        return RunSource.of(await client.capsules.get_capsule(typed), "capsule")
    except NotFoundError:
        return RunSource.of(await client.pipelines.get_pipeline(typed), "pipeline")


def capture_label(path: str) -> str:
    """What a create from this path captures, in words."""
    return f"/results/{path}" if path else "all of /results"


def size_text(size: int | None) -> str:
    """A file size for the results tree (empty when the server did not say)."""
    return "" if size is None else format_size(size)
