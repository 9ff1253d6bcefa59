"""The actions that read search after a write, against search results that lag writes by 3 s.

The lag is the in-process emulator's own ``search_lag_ms`` (search answers from the state of 3 s
ago, GET is immediate), on a fake clock shared by the emulator and the actions' waits: the 3 s
pass as soon as something waits, so these tests take no real time.
"""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from co_tui.api import CodeOceanClient, NotFoundError
from co_tui.api.models import DataAsset, DataAssetParams, DataAssetSearchParams
from co_tui.emulator import Emulator, EmulatorConfig
from co_tui.operations import bulk
from co_tui.operations.bulk import Status
from co_tui.operations.create_form import CreateForm, SourceKind, build_params
from co_tui.operations.create_once import CreateNotConfirmedError, create_data_asset_once
from co_tui.operations.journal import WriteJournal
from co_tui.operations.rights import Identity, Rights, learn_identity, role_on
from tests.conftest import RecordingTransport, make_client
from tests.owned_assets import owned
from tests.search_lag import FakeTime, journal_on

LAG = 3.0


@pytest.fixture
def clock() -> FakeTime:
    """The emulator's clock, the lag's and the waits' (overrides the suite's ``clock``)."""
    return FakeTime()


@pytest.fixture
def emulator(clock: FakeTime, demo_seed):  # type: ignore[no-untyped-def]
    return _lagging(demo_seed, LAG, clock)


def _lagging(demo_seed, lag: float, clock: FakeTime | None = None) -> Emulator:  # type: ignore[no-untyped-def]
    """The demo deployment with search lagging writes by ``lag`` seconds."""
    extra: dict[str, Any] = {"clock": clock} if clock is not None else {}
    config = EmulatorConfig(seed="demo", search_lag_ms=int(lag * 1000), **extra)
    return Emulator(config, seed_data=demo_seed)


@pytest.fixture
def recorder(emulator: Emulator, clock: FakeTime) -> RecordingTransport:
    """Every client of these tests (``client``, ``client_for``) talks to the lagging emulator."""
    return RecordingTransport(emulator.transport())


@pytest.fixture
def journal(clock: FakeTime) -> WriteJournal:
    return journal_on(clock)


def _deletes(emulator: Emulator) -> list[str]:
    return [path for method, path, _ in emulator.write_log if method == "DELETE"]


def _params(name: str = "lagging iris") -> DataAssetParams:
    params = build_params(CreateForm(source=SourceKind.S3, name=name,
                                     bucket="demo-public-bucket", prefix="examples"))
    # the demo deployment's required custom metadata field (emulators that enforce it)
    return msgspec.structs.replace(params, custom_metadata={"project": "lag tests"})


def _fault_on_create(monkeypatch, client: CodeOceanClient, emulator: Emulator, kind: str) -> None:  # type: ignore[no-untyped-def]
    original = client.data_assets.create_data_asset

    async def create(params: DataAssetParams) -> DataAsset:
        emulator.faults.inject(kind, 1, "POST", "/api/v1/data_assets")
        return await original(params)

    monkeypatch.setattr(client.data_assets, "create_data_asset", create)


# --- delete's archive check -------------------------------------------------------------------


async def test_the_lag_is_real_and_delete_waits_for_it(client: CodeOceanClient, clock: FakeTime, journal: WriteJournal, emulator: Emulator) -> None:
    [asset] = await owned(client, 1)
    assert (await bulk.archive(client, [asset], journal=journal)).all_ok
    journal.record("archived", [asset])
    # search still has it among the active assets: the check alone would say "not archived"
    assert await bulk.archived_state(client, asset) is False
    told: list[str] = []
    started = clock.now
    report = await bulk.delete(client, [asset], journal=journal, on_wait=told.append)
    [result] = report.results
    assert result.status is Status.OK, result.reason
    assert LAG <= clock.now - started <= 10
    assert len(told) == 1 and "search index" in told[0] and asset.name in told[0]
    with pytest.raises(NotFoundError):
        await client.data_assets.get_data_asset(asset.id)


async def test_an_index_slower_than_the_wait_never_says_not_archived(demo_seed, clock: FakeTime, journal: WriteJournal, sleeps: list[float]) -> None:  # type: ignore[no-untyped-def]
    emulator = _lagging(demo_seed, 60.0, clock)
    slow = make_client(emulator, emulator.transport(), sleeps)
    try:
        [asset] = await owned(slow, 1)
        await bulk.archive(slow, [asset], journal=journal)
        journal.record("archived", [asset])
        report = await bulk.delete(slow, [asset], journal=journal)
    finally:
        await slow.aclose()
    [result] = report.results
    assert result.status is Status.FAILED
    assert result.reason.startswith("archived in this session, but the search index does not")
    assert "nothing was deleted" in result.reason
    assert _deletes(emulator) == []


async def test_a_stale_archived_answer_never_deletes_what_this_session_restored(client: CodeOceanClient, emulator: Emulator, journal: WriteJournal, clock: FakeTime, sleeps: list[float], demo_seed) -> None:  # type: ignore[no-untyped-def]
    [asset] = await owned(client, 1, archived=True)
    await bulk.restore(client, [asset], journal=journal)
    journal.record("restored", [asset])
    assert await bulk.archived_state(client, asset) is True  # the stale index
    [result] = (await bulk.delete(client, [asset], journal=journal)).results
    assert result.status is Status.FAILED and result.reason.startswith("not archived")
    assert _deletes(emulator) == []
    # an index slower than the wait: still nothing deleted, and it says why
    emulator = _lagging(demo_seed, 60.0, clock)
    slow = make_client(emulator, emulator.transport(), sleeps)
    try:
        [other] = await owned(slow, 1, archived=True)
        await bulk.restore(slow, [other], journal=journal)
        journal.record("restored", [other])
        [result] = (await bulk.delete(slow, [other], journal=journal)).results
    finally:
        await slow.aclose()
    assert result.status is Status.FAILED
    assert result.reason.startswith("restored in this session, and the search index")
    assert _deletes(emulator) == []


async def test_a_lost_archive_answer_is_read_back_once_the_index_shows_it(client: CodeOceanClient, emulator: Emulator, journal: WriteJournal, clock: FakeTime, recorder: RecordingTransport) -> None:
    [asset] = await owned(client, 1)
    emulator.faults.inject("lost", times=1, method="PATCH", path_contains=asset.id)
    told: list[str] = []
    started = clock.now
    [result] = (await bulk.archive(client, [asset], journal=journal, on_wait=told.append)).results
    assert result.status is Status.OK and result.reconciled
    assert clock.now - started >= LAG and len(told) == 1
    assert len(recorder.sent("PATCH", asset.id)) == 1


# --- create recovery ----------------------------------------------------------------------------


async def test_create_recovery_waits_for_the_index(client: CodeOceanClient, emulator: Emulator, journal: WriteJournal, clock: FakeTime, recorder: RecordingTransport, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _fault_on_create(monkeypatch, client, emulator, "lost")
    told: list[str] = []
    started = clock.now
    result = await create_data_asset_once(client, _params(), journal=journal, on_wait=told.append)
    assert result.recovered and result.asset.name == "lagging iris"
    assert clock.now - started >= LAG
    assert len(told) == 1 and "search index" in told[0]
    posts = [r for r in recorder.requests if r.method == "POST" and r.url.path == "/api/v1/data_assets"]
    assert len(posts) == 1


async def test_create_recovery_never_takes_an_asset_created_moments_before(client: CodeOceanClient, emulator: Emulator, journal: WriteJournal, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    first = await create_data_asset_once(client, _params(), journal=journal)
    journal.record("created", [first.asset])
    # the second request never reaches the server; search does not list the first one yet
    _fault_on_create(monkeypatch, client, emulator, "reset")
    with pytest.raises(CreateNotConfirmedError) as info:
        await create_data_asset_once(client, _params(), journal=journal)
    assert "index can lag behind new assets" in str(info.value)
    creates = [w for w in emulator.write_log if w[1] == "/api/v1/data_assets"]
    assert len(creates) == 1


# --- identity -------------------------------------------------------------------------------


async def test_identity_is_not_mislearnt_under_lag(emulator: Emulator, client_for, journal: WriteJournal, clock: FakeTime) -> None:  # type: ignore[no-untyped-def]
    alan = client_for("alan@example.org")
    user = emulator.store.user_by_email("alan@example.org")
    assert user is not None
    mine = [a async for a in alan.data_assets.search_data_assets_iterator(
        DataAssetSearchParams(ownership="created", archived=False))]
    assert mine
    await bulk.archive(alan, mine, journal=journal)
    journal.record("archived", mine)
    assert (await bulk.delete(alan, mine, journal=journal)).all_ok
    # search still lists what he just deleted: still his own assets, so still him
    assert await learn_identity(alan) == Identity(user.id, user.email)
    clock.now += LAG
    assert await learn_identity(alan) == Identity()  # he has created nothing now
    rights = Rights()
    created = (await create_data_asset_once(alan, _params("alan's first"), journal=journal)).asset
    rights.created(created)  # what the app does when this session creates an asset
    rights.learned(await learn_identity(alan))  # search does not list it yet: learns nothing
    assert rights.identity == Identity(user.id, user.email)
    assert role_on(created, rights.identity) == "owner"


# --- the lists --------------------------------------------------------------------------------


async def _page(client: CodeOceanClient, *, archived: bool) -> list[DataAsset]:
    params = DataAssetSearchParams(archived=archived, limit=1000, sort_field="created",
                                   sort_order="desc")
    return list((await client.data_assets.search_data_assets(params)).results)


def _ids(assets: list[DataAsset]) -> list[str]:
    return [a.id for a in assets]


async def test_lists_show_this_sessions_writes_before_search_does(client: CodeOceanClient, journal: WriteJournal, clock: FakeTime) -> None:
    active = await owned(client, 3)
    to_archive, to_rename = active[0], active[1]
    to_restore, to_delete = await owned(client, 2, archived=True)
    await bulk.archive(client, [to_archive])
    journal.record("archived", [to_archive])
    await bulk.restore(client, [to_restore])
    journal.record("restored", [to_restore])
    await bulk.delete(client, [to_delete])
    journal.record("deleted", [to_delete])
    renamed = await client.data_assets.update_metadata(
        to_rename.id, _rename("renamed under lag"), current=to_rename)
    journal.record("changed", [renamed])
    created = (await create_data_asset_once(client, _params())).asset
    journal.record("created", [created])

    raw_active, raw_bin = await _page(client, archived=False), await _page(client, archived=True)
    assert to_archive.id in _ids(raw_active) and to_restore.id not in _ids(raw_active)
    assert to_delete.id in _ids(raw_bin) and created.id not in _ids(raw_active)

    my_data = journal.apply(raw_active, archived=False)
    ids = _ids(my_data.results)
    assert to_archive.id not in ids
    assert set(ids[:2]) == {created.id, to_restore.id}  # arrived: on top of the first page
    assert next(a for a in my_data.results if a.id == to_rename.id).name == "renamed under lag"
    assert my_data.adjusted == {to_archive.id: "archived", to_rename.id: "changed",
                                to_restore.id: "restored", created.id: "created"}
    assert my_data.note().endswith(" · search updating") and "1 archived" in my_data.note()
    archive_bin = journal.apply(raw_bin, archived=True)
    assert archive_bin.results[0].id == to_archive.id
    assert to_restore.id not in _ids(archive_bin.results)
    assert to_delete.id not in _ids(archive_bin.results)
    assert archive_bin.adjusted[to_archive.id] == "archived"

    # a narrowed search is not added to (whether it matches is the server's call), only cleaned
    narrowed = journal.apply(raw_active, archived=False, narrowed=True)
    assert created.id not in _ids(narrowed.results)
    assert to_archive.id not in _ids(narrowed.results)
    # later pages never repeat a row already shown
    later = journal.apply(raw_active, archived=False, first_page=False,
                          shown=set(_ids(raw_active)))
    assert later.results == []

    clock.now += LAG  # search has caught up: nothing left to correct
    raw_active, raw_bin = await _page(client, archived=False), await _page(client, archived=True)
    assert journal.apply(raw_active, archived=False).adjusted == {}
    assert journal.apply(raw_bin, archived=True).adjusted == {}
    assert journal.archived(to_archive.id) is None  # forgotten once search agreed
    assert _ids(journal.apply(raw_active, archived=False).results) == _ids(raw_active)


async def test_archive_restore_archive_is_not_undone_by_an_earlier_state_in_search(client: CodeOceanClient, emulator: Emulator, journal: WriteJournal, clock: FakeTime) -> None:
    """Archived at t=0, restored at 1, archived again at 2.6 (a 3 s lag): at 2.5 search shows
    the state before the first archive, at 3.5 the first archive's, at 4.2 the restore's. The
    first two agree with what this session last did; neither may end its note."""
    [asset] = await owned(client, 1)
    start = clock.now
    await bulk.archive(client, [asset])
    journal.record("archived", [asset])
    clock.now = start + 1
    await bulk.restore(client, [asset])
    journal.record("restored", [asset])
    clock.now = start + 2.5  # search: active, as before the first archive
    my_data = journal.apply(await _page(client, archived=False), archived=False)
    assert asset.id in _ids(my_data.results)
    assert journal.archived(asset.id) is False

    clock.now = start + 2.6
    await bulk.archive(client, [asset])
    journal.record("archived", [asset])
    clock.now = start + 3.5  # the bin lists it: for the first archive, not this one
    archive_bin = journal.apply(await _page(client, archived=True), archived=True)
    assert asset.id in _ids(archive_bin.results)
    assert journal.archived(asset.id) is True
    clock.now = start + 4.2  # search: active again (the restore); delete waits for the truth
    assert await bulk.archived_state(client, asset) is False
    [result] = (await bulk.delete(client, [asset], journal=journal)).results
    assert result.status is Status.OK, result.reason
    assert _deletes(emulator) == [f"/api/v1/data_assets/{asset.id}"]


async def test_entries_end_after_the_horizon(clock: FakeTime) -> None:
    journal = journal_on(clock, horizon=30.0)
    asset = DataAsset(id="a1", name="x", created=1)
    journal.record("archived", [asset])
    assert journal.apply([asset], archived=False).results == []
    clock.now += 31
    assert journal.apply([asset], archived=False).results == [asset]
    assert journal.archived("a1") is None and not journal


def _rename(name: str):  # type: ignore[no-untyped-def]
    from co_tui.api.models import DataAssetUpdateParams

    return DataAssetUpdateParams(name=name)


async def test_with_a_real_clock_delete_after_archive_waits_the_lag_out(demo_seed, sleeps: list[float]) -> None:  # type: ignore[no-untyped-def]
    """The same wait on real time (a 0.6 s lag, real clocks, the default journal)."""
    import time

    emulator = _lagging(demo_seed, 0.6)
    real = make_client(emulator, emulator.transport(), sleeps)
    journal = WriteJournal()
    try:
        [asset] = await owned(real, 1)
        await bulk.archive(real, [asset], journal=journal)
        journal.record("archived", [asset])
        started = time.monotonic()
        [result] = (await bulk.delete(real, [asset], journal=journal)).results
        waited = time.monotonic() - started
    finally:
        await real.aclose()
    assert result.status is Status.OK, result.reason
    assert 0.5 <= waited < 5


async def test_an_edited_draft_keeps_its_new_name_while_it_is_followed(clock: FakeTime) -> None:
    journal = journal_on(clock)
    draft = DataAsset(id="n1", name="first", created=1, state="draft")
    journal.record("created", [draft])
    renamed = DataAsset(id="n1", name="second", created=1, state="draft")
    journal.record("changed", [renamed])
    ready = DataAsset(id="n1", name="second", created=1, state="ready")
    journal.record("created", [ready])  # the follower's next state
    stale = journal.apply([draft], archived=False)  # search: the draft under its first name
    assert [(a.name, a.state) for a in stale.results] == [("second", "ready")]
    assert stale.adjusted == {"n1": "changed"} and journal.created_ids() == {"n1"}
    assert journal.apply([ready], archived=False).adjusted == {}  # caught up
