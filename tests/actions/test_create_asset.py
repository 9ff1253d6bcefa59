"""Creating data assets (co_tui.actions.create): the form, exactly-once create, the follower."""

from __future__ import annotations

import asyncio

import pytest

from co_tui.actions.create import (
    CreateNotConfirmedError,
    create_data_asset_once,
    follow_asset,
    lookup_computation,
    wait_until_settled,
)
from co_tui.actions.create_form import (
    CombinedPart,
    CreateForm,
    SourceKind,
    build_params,
    computation_problem,
    parse_s3_location,
    suggest_mount,
    validate_form,
)
from co_tui.api import CodeOceanClient, NotFoundError
from co_tui.api.models import DataAsset, DataAssetSearchParams
from co_tui.emulator import Emulator, EmulatorConfig
from co_tui.emulator.seeds.demo_base import asset_id
from co_tui.emulator.seeds.demo_runs import computation_id
from tests.search_lag import FakeTime, journal_on

BEHAVIOR = asset_id("behavior_661398 dynamic foraging")
PROBES = asset_id("Neuropixels probe maps and channel geometry")
DRAFT = asset_id("SmartSPIM_701772_2025-02-10 raw (uploading)")
SORT_RUN = computation_id("sort-664484")


@pytest.fixture
def emulator(clock, demo_seed):  # type: ignore[no-untyped-def]
    """The demo emulator built from the session's seed records (building them is most of the
    cost of a fresh emulator)."""
    return Emulator(EmulatorConfig(seed="demo", clock=clock), seed_data=demo_seed)


def s3_form(**kw: object) -> CreateForm:
    values: dict[str, object] = {"source": SourceKind.S3, "name": "iris examples",
                                 "bucket": "demo-public-bucket", "prefix": "examples"}
    values.update(kw)
    return CreateForm(**values)  # type: ignore[arg-type]


def part(name: str, mount: str, state: str = "ready") -> CombinedPart:
    return CombinedPart(id=name, name=name, mount=mount, state=state)


@pytest.fixture
def fake_sleep(clock):  # type: ignore[no-untyped-def]
    """A sleep that moves the emulator's clock instead of waiting; records the delays."""
    delays: list[float] = []

    async def sleep(seconds: float) -> None:
        delays.append(seconds)
        clock.now += seconds

    sleep.delays = delays  # type: ignore[attr-defined]
    return sleep


# --- the form ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("form", "field", "words"), [
    (s3_form(name="  "), "name", "enter a name"),
    (s3_form(mount="raw/data"), "mount", "no '/'"),
    (s3_form(mount=".."), "mount", "'..'"),
    (s3_form(tags="ephys, raw, Ephys"), "tags", "duplicate tag 'Ephys'"),
    (s3_form(bucket=""), "bucket", "enter a bucket"),
    (s3_form(bucket="Not A Bucket"), "bucket", "not an S3 bucket name"),
    (s3_form(bucket="s3://demo-public-bucket/examples", prefix="x"), "bucket", "given twice"),
    (CreateForm(source=SourceKind.COMPUTATION, name="n"), "computation_id", "enter a computation"),
    (CreateForm(source=SourceKind.COMPUTATION, name="n", computation_id="a b"), "computation_id", "no spaces"),
    (CreateForm(source=SourceKind.COMPUTATION, name="n", computation_id="x", path="../etc"), "path", "'..'"),
    (CreateForm(source=SourceKind.COMBINED, name="n", parts=(part("a", "m"),)), "parts", "at least two"),
    (CreateForm(source=SourceKind.COMBINED, name="n", parts=(part("a", "m"), part("b", "m"))), "parts", "share the mount 'm'"),
    (CreateForm(source=SourceKind.COMBINED, name="n", parts=(part("a", "m"), part("b", "n", "draft"))), "parts", "b is draft"),
])
def test_form_problems_by_field(form: CreateForm, field: str, words: str) -> None:
    errors = validate_form(form)
    assert field in errors and words in errors[field], errors


def test_valid_forms_become_the_api_body() -> None:
    params = build_params(s3_form(bucket="s3://demo-public-bucket/examples/", prefix="",
                                  tags=" a, b ,, c", keep_on_external_storage=True, public=True,
                                  description="  d  "))
    assert params.source is not None and params.source.aws is not None
    aws = params.source.aws
    assert (aws.bucket, aws.prefix, aws.keep_on_external_storage, aws.public) == (
        "demo-public-bucket", "examples", True, True)
    assert (params.name, params.mount, params.tags, params.description) == (
        "iris examples", "iris_examples", ["a", "b", "c"], "d")
    comp = build_params(CreateForm(source=SourceKind.COMPUTATION, name="r", mount="res",
                                   computation_id=f" {SORT_RUN} ", path="/results/sorted/"))
    assert comp.source is not None and comp.source.computation is not None
    assert (comp.source.computation.id, comp.source.computation.path) == (SORT_RUN, "sorted")
    combined = build_params(CreateForm(source=SourceKind.COMBINED, name="c",
                                       parts=(part("a", "m1"), part("b", "m2"))))
    assert combined.source is None and combined.data_asset_ids == ["a", "b"]
    assert suggest_mount("Mouse 42 / raw (v2)") == "Mouse_42_raw_v2"
    assert parse_s3_location("s3://b-1/", "") == ("b-1", "")


# --- create and follow, from each source ---------------------------------------------------------

async def _create_and_follow(client: CodeOceanClient, params, fake_sleep, clock) -> tuple[DataAsset, list[DataAsset]]:  # type: ignore[no-untyped-def]
    created = await create_data_asset_once(client, params)
    assert not created.recovered and created.asset.state == "draft"
    changes: list[DataAsset] = []
    final = await wait_until_settled(client, created.asset, on_change=changes.append,
                                     sleep=fake_sleep, clock=clock)
    return final, changes


async def test_from_s3_reaches_ready(client: CodeOceanClient, clock, fake_sleep) -> None:  # type: ignore[no-untyped-def]
    final, changes = await _create_and_follow(client, build_params(s3_form(tags="iris")),
                                              fake_sleep, clock)
    assert final.state == "ready" and final.files == 3 and final.tags == ("iris",)
    assert [c.state for c in changes] == ["ready"]
    assert fake_sleep.delays == [1.0, 1.5, 2.25]  # backoff: 1, 1.5, 2.25 s (ready after 3 s)


async def test_from_a_computation_reaches_ready(client: CodeOceanClient, clock, fake_sleep) -> None:  # type: ignore[no-untyped-def]
    computation = await lookup_computation(client, f"  {SORT_RUN}")
    assert computation.name == "Run 12 - Kilosort4 spike sorting"
    assert computation_problem(computation) is None
    form = CreateForm(source=SourceKind.COMPUTATION, name="sorting capture",
                      computation_id=SORT_RUN)
    final, _ = await _create_and_follow(client, build_params(form), fake_sleep, clock)
    assert final.state == "ready" and final.type == "result"
    assert final.provenance is not None and final.provenance.computation == SORT_RUN


async def test_combined_from_the_selection_reaches_ready(client: CodeOceanClient, clock, fake_sleep) -> None:  # type: ignore[no-untyped-def]
    parts = [CombinedPart.of(await client.data_assets.get_data_asset(i)) for i in (BEHAVIOR, PROBES)]
    form = CreateForm(source=SourceKind.COMBINED, name="behaviour + probes", parts=tuple(parts))
    final, _ = await _create_and_follow(client, build_params(form), fake_sleep, clock)
    assert final.state == "ready" and final.type == "combined"
    assert {c.id for c in final.contained_data_assets or ()} == {BEHAVIOR, PROBES}


async def test_a_failing_create_reports_its_reason(client: CodeOceanClient, clock, fake_sleep) -> None:  # type: ignore[no-untyped-def]
    form = s3_form(bucket="no-such-bucket", prefix="")
    final, changes = await _create_and_follow(client, build_params(form), fake_sleep, clock)
    assert final.state == "failed"
    assert final.failure_reason == "bucket 'no-such-bucket' does not exist or is not accessible"
    assert changes == [final]


@pytest.mark.parametrize(("key", "words"), [
    ("fusion-failed", "the computation is failed"),
    ("workstation", "the computation is running"),
    ("sort-stopped", "produced no results"),
])
async def test_computations_that_cannot_be_captured(client: CodeOceanClient, key: str, words: str) -> None:
    computation = await lookup_computation(client, computation_id(key))
    problem = computation_problem(computation)
    assert problem is not None and words in problem


# --- exactly once ----------------------------------------------------------------------------

def fault_on_create(monkeypatch, client: CodeOceanClient, emulator: Emulator, kind: str) -> None:  # type: ignore[no-untyped-def]
    """Inject ``kind`` into the create POST itself (a path filter would also hit the search
    that create_data_asset_once makes first)."""
    original = client.data_assets.create_data_asset

    async def create(params):  # type: ignore[no-untyped-def]
        emulator.faults.inject(kind, 1, "POST", "/api/v1/data_assets")
        return await original(params)

    monkeypatch.setattr(client.data_assets, "create_data_asset", create)


def create_posts(recorder) -> int:  # type: ignore[no-untyped-def]
    return len([r for r in recorder.requests if r.method == "POST" and r.url.path == "/api/v1/data_assets"])


async def _named(client: CodeOceanClient, name: str) -> list[DataAsset]:
    page = await client.data_assets.search_data_assets(DataAssetSearchParams(query=f'name:"{name}"'))
    return [a for a in page.results if a.name == name]


async def test_a_lost_answer_finds_the_asset_instead_of_creating_twice(
    client: CodeOceanClient, emulator: Emulator, recorder, monkeypatch  # type: ignore[no-untyped-def]
) -> None:
    params = build_params(s3_form())
    older = await create_data_asset_once(client, params)  # same name and mount already exists
    fault_on_create(monkeypatch, client, emulator, "lost")
    result = await create_data_asset_once(client, params)
    assert result.recovered and result.asset.id != older.asset.id
    assert create_posts(recorder) == 2
    assert [w for w in emulator.write_log if w[1] == "/api/v1/data_assets"] == [
        ("POST", "/api/v1/data_assets", 200)] * 2
    assert {a.id for a in await _named(client, "iris examples")} == {older.asset.id, result.asset.id}


async def test_an_unknown_outcome_with_nothing_found_is_not_resent(
    client: CodeOceanClient, emulator: Emulator, recorder, monkeypatch  # type: ignore[no-untyped-def]
) -> None:
    fault_on_create(monkeypatch, client, emulator, "reset")
    time = FakeTime()  # search is given 10 s to show the asset (fake seconds here)
    with pytest.raises(CreateNotConfirmedError) as info:
        await create_data_asset_once(client, build_params(s3_form(name="never arrives")),
                                     journal=journal_on(time))
    assert info.value.error.outcome_unknown
    assert "Nothing was sent again" in str(info.value) and "10 s" in str(info.value)
    assert time.now >= 10
    assert create_posts(recorder) == 1
    assert emulator.write_log == []
    assert await _named(client, "never arrives") == []


# --- the follower ----------------------------------------------------------------------------

async def test_follower_rides_out_server_errors(client: CodeOceanClient, emulator: Emulator, clock, fake_sleep) -> None:  # type: ignore[no-untyped-def]
    created = await create_data_asset_once(client, build_params(s3_form()))
    emulator.faults.inject("503", 4, "GET", f"/data_assets/{created.asset.id}")  # one whole poll
    final = await wait_until_settled(client, created.asset, sleep=fake_sleep, clock=clock)
    assert final.state == "ready"


async def test_follower_timeout_settled_input_and_missing_asset(client: CodeOceanClient, clock, fake_sleep, recorder) -> None:  # type: ignore[no-untyped-def]
    created = await create_data_asset_once(client, build_params(s3_form()))
    with pytest.raises(TimeoutError):
        await wait_until_settled(client, created.asset, timeout=2.0, sleep=fake_sleep, clock=clock)
    ready = await client.data_assets.get_data_asset(BEHAVIOR)
    sent = len(recorder.requests)
    assert [a async for a in follow_asset(client, ready)] == [ready]
    assert len(recorder.requests) == sent  # a settled asset needs no poll
    with pytest.raises(NotFoundError):
        await wait_until_settled(client, "00000000-0000-0000-0000-000000000000", sleep=fake_sleep)
    with pytest.raises(ValueError):
        await wait_until_settled(client, DRAFT, interval=0)


async def test_follower_yields_the_draft_when_given_an_id_and_can_be_cancelled(client: CodeOceanClient) -> None:
    never = asyncio.Event()
    seen: list[str] = []

    async def block(_: float) -> None:
        await never.wait()

    async def follow() -> None:
        async for asset in follow_asset(client, DRAFT, sleep=block):
            seen.append(asset.state)

    task = asyncio.create_task(follow())
    for _ in range(50):
        await asyncio.sleep(0)
        if seen:
            break
    assert seen == ["draft"]
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
