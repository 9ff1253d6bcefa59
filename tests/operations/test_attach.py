"""Attach / detach inside a capsule (co_tui.operations.attach), checked through find_attached."""

from __future__ import annotations

import msgspec
import pytest

from co_tui.api import CodeOceanClient
from co_tui.api.models import DataAsset
from co_tui.emulator import Emulator, EmulatorConfig
from co_tui.emulator.seeds.demo_base import asset_id
from co_tui.emulator.seeds.demo_runs import capsule_id
from co_tui.operations.attach import (
    attach_assets,
    current_capsule_id,
    detach_assets,
    is_attached_to,
    refresh_attached,
)

SEG = capsule_id("seg")  # Ada's capsule
SCANPY = capsule_id("scanpy")  # Ada may only view it
BEHAVIOR = asset_id("behavior_661398 dynamic foraging")
PROBES = asset_id("Neuropixels probe maps and channel geometry")
ONLY_DISCOVERABLE = asset_id("exaSPIM tile overlap study")


@pytest.fixture
def emulator(clock, demo_seed):  # type: ignore[no-untyped-def]
    """The demo emulator built from the session's seed records (building them is most of the
    cost of a fresh emulator)."""
    return Emulator(EmulatorConfig(seed="demo", clock=clock), seed_data=demo_seed)


async def assets(client: CodeOceanClient, *ids: str) -> list[DataAsset]:
    return [await client.data_assets.get_data_asset(i) for i in ids]


async def attached(client: CodeOceanClient, asset: str, capsule: str = SEG) -> bool:
    return is_attached_to(await refresh_attached(client, asset), capsule)


def test_the_current_capsule_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert current_capsule_id() is None  # the suite clears CO_CAPSULE_ID
    assert current_capsule_id({"CO_CAPSULE_ID": "  "}) is None
    assert current_capsule_id({"CO_CAPSULE_ID": " abc "}) == "abc"
    monkeypatch.setenv("CO_CAPSULE_ID", SEG)
    assert current_capsule_id() == SEG


async def test_attach_all_then_detach_all(client: CodeOceanClient, emulator: Emulator) -> None:
    selection = await assets(client, BEHAVIOR, PROBES)
    assert not await attached(client, BEHAVIOR) and not await attached(client, PROBES)
    outcome = await attach_assets(client, SEG, selection, mounts={PROBES: "probes"})
    assert [(o.asset_id, o.ok, o.mount) for o in outcome.outcomes] == [
        (BEHAVIOR, True, "behavior_661398"), (PROBES, True, "probes")]
    assert outcome.summary() == "Attached 2 of 2 data assets."
    assert await attached(client, BEHAVIOR) and await attached(client, PROBES)
    outcome = await detach_assets(client, SEG, selection)
    assert outcome.summary() == "Detached 2 of 2 data assets."
    assert not await attached(client, BEHAVIOR) and not await attached(client, PROBES)
    assert [w[0] for w in emulator.write_log] == ["POST", "POST", "DELETE", "DELETE"]


async def test_one_refusal_does_not_sink_the_others(client: CodeOceanClient) -> None:
    ok, = await assets(client, BEHAVIOR)
    hidden = DataAsset(id=ONLY_DISCOVERABLE, name="exaSPIM tile overlap study", mount="tiles")
    twin = msgspec.structs.replace(ok, id=PROBES, name="probes, same mount")
    outcome = await attach_assets(client, SEG, [hidden, ok, twin])
    assert [o.ok for o in outcome.outcomes] == [False, True, False]
    assert outcome.outcomes[0].error is not None and outcome.outcomes[0].error.status == 403
    assert "already used by behavior_661398 dynamic foraging" in outcome.outcomes[2].message
    assert outcome.outcomes[2].error is None  # refused before any request
    assert outcome.summary().startswith("Attached 1 of 3 data assets; failed: exaSPIM")
    assert await attached(client, BEHAVIOR) and not await attached(client, PROBES)


async def test_a_capsule_the_user_may_only_view(client: CodeOceanClient) -> None:
    outcome = await attach_assets(client, SCANPY, await assets(client, BEHAVIOR))
    assert not outcome.succeeded and outcome.failed[0].error is not None
    assert outcome.failed[0].error.status == 403
    assert not await attached(client, BEHAVIOR, SCANPY)


async def test_lost_answers_are_read_back_not_resent(  # type: ignore[no-untyped-def]
    client: CodeOceanClient, emulator: Emulator, recorder
) -> None:
    selection = await assets(client, BEHAVIOR)
    emulator.faults.inject("lost", 1, "POST", f"/capsules/{SEG}/data_assets")
    outcome = await attach_assets(client, SEG, selection)
    only = outcome.outcomes[0]
    assert only.ok and only.read_back and "reading back confirms" in only.message
    assert len(recorder.sent("POST", f"/capsules/{SEG}/data_assets")) == 1
    assert emulator.write_log == [("POST", f"/api/v1/capsules/{SEG}/data_assets", 200)]

    emulator.faults.inject("reset", 1, "DELETE", f"/capsules/{SEG}/data_assets")
    outcome = await detach_assets(client, SEG, selection)
    only = outcome.outcomes[0]
    assert not only.ok and only.read_back and "nothing was re-sent" in only.message
    assert len(recorder.sent("DELETE", f"/capsules/{SEG}/data_assets")) == 1
    assert await attached(client, BEHAVIOR)  # still attached: the detach never arrived


async def _on_run(client: CodeOceanClient, run: str) -> set[str]:
    found = await client.computations.get_computation(run)
    return {a.id for a in found.data_assets or ()}


async def test_in_a_cloud_workstation_the_running_computation_is_changed(  # type: ignore[no-untyped-def]
    client: CodeOceanClient, emulator: Emulator, recorder
) -> None:
    """In a workstation an attach goes to its run (mounted at once), not to the capsule's own
    list for later runs; a lost answer is read back from the run."""
    from co_tui.emulator.seeds.demo_runs import computation_id

    run = computation_id("workstation")
    selection = await assets(client, BEHAVIOR)
    assert BEHAVIOR not in await _on_run(client, run)
    outcome = await attach_assets(client, SEG, selection, computation_id=run)
    assert outcome.succeeded and BEHAVIOR in await _on_run(client, run)
    assert not await attached(client, BEHAVIOR)  # the capsule's list is as it was
    assert recorder.sent("POST", f"/computations/{run}/data_assets")
    assert not recorder.sent("POST", f"/capsules/{SEG}/data_assets")

    emulator.faults.inject("lost", 1, "DELETE", f"/computations/{run}/data_assets")
    outcome = await detach_assets(client, SEG, selection, computation_id=run)
    only = outcome.outcomes[0]
    assert only.ok and only.read_back and "reading back confirms" in only.message
    assert BEHAVIOR not in await _on_run(client, run)
    assert len(recorder.sent("DELETE", f"/computations/{run}/data_assets")) == 1
