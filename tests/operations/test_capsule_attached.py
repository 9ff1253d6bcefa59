"""The capsule's attached set and the attach / detach plans (co_tui/operations/capsule_attached.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from co_tui.api import CodeOceanClient, NotFoundError
from co_tui.api.models import DataAsset, SourceBucket
from co_tui.emulator.seeds.demo_runs import computation_id
from co_tui.operations.attach import AssetOutcome, BulkOutcome
from co_tui.operations.capsule_attached import (
    ALREADY,
    DRAFT,
    FAILED,
    NOT_ATTACHED,
    NOT_YOURS,
    AttachedRead,
    AttachedState,
    CapsuleSession,
    current_computation_id,
    data_mounts,
    plan_attach,
    plan_detach,
    read_attached,
)

TIB = 1024**4


def _asset(asset_id: str, state: str = "ready", size: int | None = 1024, *,
           mount: str = "", external: bool = False) -> DataAsset:
    bucket = SourceBucket(origin="aws", external=True) if external else None
    return DataAsset(id=asset_id, name=f"asset {asset_id}", state=state, size=size,
                     mount=mount or asset_id, source_bucket=bucket)


def test_attach_plan_skips_drafts_failed_and_attached_and_counts_the_rest() -> None:
    assets = [_asset("a"), _asset("b", "draft"), _asset("c", "failed"), _asset("d"),
              _asset("e", size=int(37.5 * TIB), external=True), _asset("f", "processing")]
    plan = plan_attach(assets, frozenset({"d"}))
    assert [a.id for a in plan.send] == ["a", "e"]
    assert [(s.asset.id, s.reason) for s in plan.skipped] == [
        ("b", DRAFT), ("c", FAILED), ("d", ALREADY), ("f", DRAFT)]
    assert plan.total_size == 1024 + int(37.5 * TIB)
    assert plan.external == 1
    assert plan.needs_asking
    assert plan.summary() == "Attach 2 data assets (37.5 TiB) to this capsule?"
    assert plan.skipped_reasons() == [(DRAFT, 2), (FAILED, 1), (ALREADY, 1)]


def test_attach_plan_with_the_set_unknown_sends_every_ready_asset() -> None:
    plan = plan_attach([_asset("a"), _asset("b", "draft")], None)
    assert [a.id for a in plan.send] == ["a"] and not plan.attached_known
    assert plan.needs_asking  # two targeted: the user sees what is skipped before anything
    assert not plan_attach([_asset("a")], None).needs_asking  # one asset goes without asking


def test_attach_plan_skips_assets_the_user_may_only_discover_when_known() -> None:
    roles = {"a": "discoverable", "b": "viewer", "c": None, "d": "none"}
    plan = plan_attach([_asset(i) for i in "abcd"], frozenset(), role=lambda a: roles[a.id])
    assert [a.id for a in plan.send] == ["b", "c"]
    assert [(s.asset.id, s.reason) for s in plan.skipped] == [("a", NOT_YOURS), ("d", NOT_YOURS)]


def test_nothing_to_send_says_why() -> None:
    plan = plan_attach([_asset("b", "draft"), _asset("c", "failed"), _asset("d", "draft")],
                       frozenset())
    assert plan.send == ()
    assert plan.nothing_to_send() == f"Nothing to attach: 2 {DRAFT}, 1 {FAILED}."
    detach = plan_detach([_asset("a")], frozenset())
    assert detach.send == () and detach.nothing_to_send() == f"Nothing to detach: 1 {NOT_ATTACHED}."


def test_detach_plan_skips_what_is_not_attached() -> None:
    assets = [_asset("a"), _asset("b"), _asset("c", "failed")]
    plan = plan_detach(assets, frozenset({"b", "c"}))
    assert [a.id for a in plan.send] == ["b", "c"]
    assert [(s.asset.id, s.reason) for s in plan.skipped] == [("a", NOT_ATTACHED)]
    assert plan.summary().startswith("Detach 2 data assets (2 KiB) from this capsule")
    assert [a.id for a in plan_detach(assets, None).send] == ["a", "b", "c"]


def test_the_attached_set_is_unknown_until_read_then_follows_the_session() -> None:
    state = AttachedState()
    assert state.ids is None
    state = AttachedState(read=AttachedRead("computation", ids=frozenset({"a", "b"})))
    assert state.ids == frozenset({"a", "b"})
    attached = BulkOutcome("attach", "cap", (AssetOutcome("c", "c", True, "attached"),
                                             AssetOutcome("d", "d", False, "refused")))
    state = state.after(attached)
    assert state.ids == frozenset({"a", "b", "c"})
    detached = BulkOutcome("detach", "cap", (AssetOutcome("a", "a", True, "detached"),
                                             AssetOutcome("c", "c", True, "detached")))
    state = state.after(detached)
    assert state.ids == frozenset({"b"})
    assert state.after(attached).ids == frozenset({"b", "c"})  # attached again after a detach


def test_mount_folders_are_matched_to_rows_by_mount() -> None:
    state = AttachedState(read=AttachedRead("mounts", mounts=frozenset({"raw", "ref"})))
    assert state.ids == frozenset()
    rows = [_asset("a", mount="raw"), _asset("b", mount="other")]
    learned = state.learn(rows)
    assert learned.ids == frozenset({"a"})
    assert learned.learn(rows) is learned  # nothing new: the same state
    computation = AttachedState(read=AttachedRead("computation", ids=frozenset({"x"})))
    assert computation.learn(rows) is computation


def test_a_new_capsule_id_starts_the_session_afresh() -> None:
    session = CapsuleSession()
    assert session.for_capsule("cap")
    session.name, session.reading = "Capsule", True
    assert not session.for_capsule("cap") and session.name == "Capsule"
    assert session.for_capsule("other") and session.name is None and not session.reading


def test_data_mounts_lists_folders_only(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    (tmp_path / "ref data").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "README.txt").write_text("not a mount")
    assert data_mounts(tmp_path) == {"raw", "ref data"}
    assert data_mounts(tmp_path / "missing") == frozenset()


def test_current_computation_id_reads_the_environment() -> None:
    assert current_computation_id({"CO_COMPUTATION_ID": " c1 "}) == "c1"
    assert current_computation_id({"CO_COMPUTATION_ID": ""}) is None
    assert current_computation_id({}) is None


async def test_read_attached_from_the_workstation_computation(client: CodeOceanClient,
                                                              tmp_path: Path) -> None:
    read = await read_attached(client, computation_id("workstation"))
    run = await client.computations.get_computation(computation_id("workstation"))
    assert read.source == "computation"
    assert read.ids == frozenset({a.id for a in run.data_assets or ()}) and read.ids
    (tmp_path / "raw").mkdir()
    mounts = await read_attached(client, None, data_root=tmp_path)
    assert mounts == AttachedRead("mounts", mounts=frozenset({"raw"}))
    with pytest.raises(NotFoundError):
        await read_attached(client, "no-such-computation")
