"""Creating data assets (co_tui.operations.create_once): the form, the exact request bodies,
exactly-once create, the follower and its polling schedule."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from co_tui.api import CodeOceanClient, NotFoundError
from co_tui.api.codec import decode
from co_tui.api.models import CustomMetadata, DataAsset, DataAssetSearchParams
from co_tui.emulator import Emulator, EmulatorConfig
from co_tui.emulator.seeds.common import custom_metadata_schema
from co_tui.emulator.seeds.demo_base import EXA, SPIM695, asset_id
from co_tui.emulator.seeds.demo_runs import computation_id
from co_tui.operations.create_form import (
    CombinedPart,
    CreateForm,
    SourceKind,
    build_params,
    combinable,
    computation_problem,
    parse_s3_location,
    suggest_mount,
    validate_form,
)
from co_tui.operations.create_once import (
    CreateNotConfirmedError,
    create_data_asset_once,
    follow_asset,
    lookup_computation,
    wait_until_settled,
)
from co_tui.operations.metadata import AssetValues, MetadataForm, check_form
from tests.search_lag import FakeTime, journal_on

BEHAVIOR = asset_id("behavior_661398 dynamic foraging")
PROBES = asset_id("Neuropixels probe maps and channel geometry")
SPIM_RAW = asset_id(f"{SPIM695} raw")  # external (kept in aind-open-data)
EXA_RAW = asset_id(f"{EXA} raw")  # external
DRAFT = asset_id("SmartSPIM_701772_2025-02-10 raw (uploading)")
SORT_RUN = computation_id("sort-664484")
SCHEMA = decode(json.dumps(custom_metadata_schema()), CustomMetadata)
"""The demo deployment's custom metadata: ``project`` is required."""
PROJECT = {"project": "Iris"}


@pytest.fixture
def emulator(clock, demo_seed):  # type: ignore[no-untyped-def]
    """The demo emulator built from the session's seed records (building them is most of the
    cost of a fresh emulator)."""
    return Emulator(EmulatorConfig(seed="demo", clock=clock), seed_data=demo_seed)


def s3_form(**kw: object) -> CreateForm:
    values: dict[str, object] = {"source": SourceKind.S3, "name": "iris examples",
                                 "bucket": "demo-public-bucket", "prefix": "examples",
                                 "custom": PROJECT}
    values.update(kw)
    return CreateForm(**values)  # type: ignore[arg-type]


def part(name: str, mount: str, state: str = "ready", external: bool = True) -> CombinedPart:
    return CombinedPart(id=name, name=name, mount=mount, state=state, external=external)


def sent_body(recorder) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The JSON body of the last create request, as it went on the wire."""
    posts = [r for r in recorder.requests
             if r.method == "POST" and r.url.path == "/api/v1/data_assets"]
    assert posts, "no create request was sent"
    return json.loads(posts[-1].content)  # type: ignore[no-any-return]


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
    (s3_form(bucket="ab"), "bucket", "not an S3 bucket name"),
    (s3_form(bucket="x" * 256), "bucket", "not an S3 bucket name"),
    (s3_form(bucket="-starts-with-a-dash"), "bucket", "not an S3 bucket name"),
    (s3_form(bucket="192.168.5.4"), "bucket", "not an S3 bucket name"),
    (s3_form(endpoint_name="two words"), "endpoint_name", "one word"),
    (s3_form(custom={}), "custom:project", "required"),
    (s3_form(custom={"project": "   "}), "custom:project", "required"),
    (s3_form(custom={**PROJECT, "temperature_c": "warm"}), "custom:temperature_c", "must be a number"),
    (s3_form(custom={**PROJECT, "temperature_c": "99"}), "custom:temperature_c", "at most 40"),
    (s3_form(custom={**PROJECT, "data_level": "final"}), "custom:data_level", "must be one of: raw"),
    (s3_form(custom={**PROJECT, "session_date": "yesterday"}), "custom:session_date", "YYYY-MM-DD"),
    (CreateForm(source=SourceKind.COMPUTATION, name="n", computation_id="x", external_result=True),
     "target_bucket", "enter a bucket name"),
    (CreateForm(source=SourceKind.COMPUTATION, name="n", computation_id="x", external_result=True,
                target_bucket="b_ok", target_endpoint="a b"), "target_endpoint", "one word"),
    (s3_form(bucket="s3://demo-public-bucket/examples", prefix="x"), "bucket", "given twice"),
    (CreateForm(source=SourceKind.COMPUTATION, name="n"), "computation_id", "enter a computation"),
    (CreateForm(source=SourceKind.COMPUTATION, name="n", computation_id="a b"), "computation_id", "no spaces"),
    (CreateForm(source=SourceKind.COMPUTATION, name="n", computation_id="x", path="../etc"), "path", "'..'"),
    (CreateForm(source=SourceKind.COMBINED, name="n", parts=(part("a", "m"),)), "parts", "at least two external"),
    (CreateForm(source=SourceKind.COMBINED, name="n", parts=(part("a", "m"), part("b", "n", external=False))), "parts", "b is not external"),
    (CreateForm(source=SourceKind.COMBINED, name="n", parts=(part("a", "m"), part("b", "m"))), "parts", "share the mount 'm'"),
    (CreateForm(source=SourceKind.COMBINED, name="n", parts=(part("a", "m"), part("b", "n", "draft"))), "parts", "b is draft"),
])
def test_form_problems_by_field(form: CreateForm, field: str, words: str) -> None:
    errors = validate_form(form, SCHEMA)
    assert field in errors and words in errors[field], errors
    with pytest.raises(ValueError):
        build_params(form, SCHEMA)


@pytest.mark.parametrize("bucket", [
    "demo-public-bucket", "My_Legacy.Bucket", "UPPER-CASE", "a" * 255, "b_1", "x.y-z",
])
def test_bucket_names_follow_s3_rules_with_legacy_names(bucket: str) -> None:
    params = build_params(s3_form(bucket=bucket), SCHEMA)
    assert params.source is not None and params.source.aws is not None
    assert params.source.aws.bucket == bucket


@pytest.mark.parametrize(("field", "text"), [
    ("temperature_c", "warm"), ("temperature_c", "-81"), ("data_level", "final"),
    ("session_date", "2024-13-01"), ("project", ""), ("subject_id", "a\x1b[31mb"),
])
def test_custom_metadata_is_checked_as_the_edit_dialog_checks_it(field: str, text: str) -> None:
    """The create form and the edit dialog give the same message for the same text."""
    create_errors = validate_form(s3_form(custom={**PROJECT, field: text}), SCHEMA)
    stored = AssetValues("n", "", "m", (), {**PROJECT, field: "anything"} if field != "project"
                         else {"project": "P"})
    edit_form = MetadataForm.of(stored, SCHEMA)
    edit_form.custom[field] = text
    edit_errors = check_form(edit_form, stored, SCHEMA).errors
    assert create_errors[f"custom:{field}"] == edit_errors[f"custom:{field}"]


def test_custom_metadata_values_are_typed_in_the_request() -> None:
    params = build_params(s3_form(custom={
        "project": " Iris ", "data_level": "raw", "temperature_c": "21.5",
        "session_date": "2024-05-01", "recording_depth_um": "", "subject_id": "",
    }), SCHEMA)
    assert params.custom_metadata == {"project": "Iris", "data_level": "raw",
                                      "temperature_c": 21.5, "session_date": 1714521600}
    assert build_params(s3_form(custom={}), None).custom_metadata is None  # no schema: none sent


def test_combinable_offers_only_external_assets_and_says_why() -> None:
    def asset(name: str, external: bool) -> DataAsset:
        from co_tui.api.models import SourceBucket

        return DataAsset(id=name, name=name, mount=name, state="ready",
                         source_bucket=SourceBucket(origin="aws", external=external))

    five = [asset("e1", True), asset("i1", False), asset("e2", True), asset("i2", False),
            asset("e3", True)]
    found = combinable(five)
    assert found.offered and [p.id for p in found.parts] == ["e1", "e2", "e3"]
    assert found.note == ("2 of 5 selected are not external and left out: combined assets are "
                          "made of two or more external assets.")
    one = combinable([asset("e1", True), asset("i1", False)])
    assert not one.offered and one.note == (
        "Combine is not offered: of 2 selected, only 1 is external; combined assets are made "
        "of two or more external assets.")
    assert "none is external" in combinable([asset("i1", False), asset("i2", False)]).note
    assert combinable([asset("e1", True), asset("e2", True)]).note == ""
    assert combinable([]) == combinable([]) and not combinable([]).offered


def test_valid_forms_become_the_api_body() -> None:
    params = build_params(s3_form(bucket="s3://demo-public-bucket/examples/", prefix="",
                                  tags=" a, b ,, c", keep_on_external_storage=True, public=True,
                                  description="  d  "), SCHEMA)
    assert params.source is not None and params.source.aws is not None
    aws = params.source.aws
    assert (aws.bucket, aws.prefix, aws.keep_on_external_storage, aws.public) == (
        "demo-public-bucket", "examples", True, True)
    assert (params.name, params.mount, params.tags, params.description) == (
        "iris examples", "iris_examples", ["a", "b", "c"], "d")
    comp = build_params(CreateForm(source=SourceKind.COMPUTATION, name="r", mount="res",
                                   computation_id=f" {SORT_RUN} ", path="/results/sorted/"))
    assert comp.target is None
    assert comp.source is not None and comp.source.computation is not None
    assert (comp.source.computation.id, comp.source.computation.path) == (SORT_RUN, "sorted")
    combined = build_params(CreateForm(source=SourceKind.COMBINED, name="c",
                                       parts=(part("a", "m1"), part("b", "m2"))))
    assert combined.source is None and combined.data_asset_ids == ["a", "b"]
    assert suggest_mount("Mouse 42 / raw (v2)") == "Mouse_42_raw_v2"
    assert parse_s3_location("s3://b-1/", "") == ("b-1", "")


# --- the exact request bodies --------------------------------------------------------------------

async def test_s3_body_sends_tags_and_an_empty_prefix(client: CodeOceanClient, recorder) -> None:  # type: ignore[no-untyped-def]
    await create_data_asset_once(client, build_params(s3_form(prefix=""), SCHEMA))
    assert sent_body(recorder) == {
        "name": "iris examples", "tags": [], "mount": "iris_examples",
        "source": {"aws": {"bucket": "demo-public-bucket", "prefix": "",
                           "keep_on_external_storage": False, "public": False}},
        "custom_metadata": {"project": "Iris"},
    }


async def test_s3_body_with_a_custom_endpoint_and_a_legacy_bucket(client: CodeOceanClient, recorder) -> None:  # type: ignore[no-untyped-def]
    form = s3_form(bucket="s3://Lab_Archive.2016/runs/7/", prefix="", endpoint_name=" minio-lab ",
                   keep_on_external_storage=True, tags="old, lab", description="from the NAS")
    created = await create_data_asset_once(client, build_params(form, SCHEMA))
    assert sent_body(recorder) == {
        "name": "iris examples", "tags": ["old", "lab"], "mount": "iris_examples",
        "description": "from the NAS",
        "source": {"aws": {"bucket": "Lab_Archive.2016", "endpoint_name": "minio-lab",
                           "prefix": "runs/7", "keep_on_external_storage": True,
                           "public": False}},
        "custom_metadata": {"project": "Iris"},
    }
    assert created.asset.source_bucket is not None
    assert created.asset.source_bucket.bucket == "Lab_Archive.2016"


async def test_computation_body(client: CodeOceanClient, recorder) -> None:  # type: ignore[no-untyped-def]
    form = CreateForm(source=SourceKind.COMPUTATION, name="sorting capture",
                      computation_id=SORT_RUN, custom={"project": "Sorting"})
    await create_data_asset_once(client, build_params(form, SCHEMA))
    assert sent_body(recorder) == {
        "name": "sorting capture", "tags": [], "mount": "sorting_capture",
        "source": {"computation": {"id": SORT_RUN}},
        "custom_metadata": {"project": "Sorting"},
    }


async def test_external_result_body_and_follow(client: CodeOceanClient, recorder, clock, fake_sleep) -> None:  # type: ignore[no-untyped-def]
    form = CreateForm(source=SourceKind.COMPUTATION, name="sorting in S3",
                      computation_id=SORT_RUN, path="kilosort4", external_result=True,
                      target_bucket="s3://demo-public-bucket/exports/sorting/",
                      custom={"project": "Sorting"})
    final, _ = await _create_and_follow(client, build_params(form, SCHEMA), fake_sleep, clock)
    assert final.failure_reason is None
    assert sent_body(recorder) == {
        "name": "sorting in S3", "tags": [], "mount": "sorting_in_S3",
        "source": {"computation": {"id": SORT_RUN, "path": "kilosort4"}},
        "target": {"aws": {"bucket": "demo-public-bucket", "prefix": "exports/sorting"}},
        "custom_metadata": {"project": "Sorting"},
    }
    assert final.state == "ready" and final.type == "result" and final.is_external
    assert final.source_bucket is not None and (
        final.source_bucket.bucket, final.source_bucket.prefix) == (
        "demo-public-bucket", "exports/sorting")


async def test_combined_body(client: CodeOceanClient, recorder) -> None:  # type: ignore[no-untyped-def]
    selection = [await client.data_assets.get_data_asset(i) for i in (SPIM_RAW, EXA_RAW)]
    form = CreateForm(source=SourceKind.COMBINED, name="both light-sheet volumes",
                      parts=combinable(selection).parts, tags="spim", custom=PROJECT)
    await create_data_asset_once(client, build_params(form, SCHEMA))
    assert sent_body(recorder) == {
        "name": "both light-sheet volumes", "tags": ["spim"], "mount": "both_light-sheet_volumes",
        "custom_metadata": {"project": "Iris"}, "data_asset_ids": [SPIM_RAW, EXA_RAW],
    }


async def test_the_demo_server_refuses_what_the_form_refuses(client: CodeOceanClient) -> None:
    """The demo deployment requires ``project`` and combines only external assets, as the form
    does: what the form would stop, the server stops too."""
    from co_tui.api.errors import BadRequestError

    with pytest.raises(BadRequestError) as missing:
        await create_data_asset_once(client, build_params(s3_form(custom={})))  # no schema given
    assert "required custom metadata missing: 'project'" in missing.value.message
    internal = build_params(CreateForm(source=SourceKind.COMBINED, name="c", custom=PROJECT,
                                       parts=(part(BEHAVIOR, "b"), part(EXA_RAW, "e"))), SCHEMA)
    with pytest.raises(BadRequestError) as refused:
        await create_data_asset_once(client, internal)
    assert BEHAVIOR in refused.value.message and EXA_RAW not in refused.value.message


# --- create and follow, from each source ---------------------------------------------------------

async def _create_and_follow(client: CodeOceanClient, params, fake_sleep, clock) -> tuple[DataAsset, list[DataAsset]]:  # type: ignore[no-untyped-def]
    created = await create_data_asset_once(client, params)
    assert not created.recovered and created.asset.state == "draft"
    changes: list[DataAsset] = []
    final = await wait_until_settled(client, created.asset, on_change=changes.append,
                                     sleep=fake_sleep, clock=clock)
    return final, changes


async def test_from_s3_reaches_ready(client: CodeOceanClient, clock, fake_sleep) -> None:  # type: ignore[no-untyped-def]
    final, changes = await _create_and_follow(client, build_params(s3_form(tags="iris"), SCHEMA),
                                              fake_sleep, clock)
    assert final.state == "ready" and final.files == 3 and final.tags == ("iris",)
    assert final.custom_metadata == {"project": "Iris"}
    assert [c.state for c in changes] == ["ready"]
    assert fake_sleep.delays == [2.0, 3.0]  # the first look after 2 s, then 3 s (ready at 5 s)


async def test_from_a_computation_reaches_ready(client: CodeOceanClient, clock, fake_sleep) -> None:  # type: ignore[no-untyped-def]
    computation = await lookup_computation(client, f"  {SORT_RUN}")
    assert computation.name == "Run 12 - Kilosort4 spike sorting"
    assert computation_problem(computation) is None
    form = CreateForm(source=SourceKind.COMPUTATION, name="sorting capture",
                      computation_id=SORT_RUN, custom=PROJECT)
    final, _ = await _create_and_follow(client, build_params(form, SCHEMA), fake_sleep, clock)
    assert final.state == "ready" and final.type == "result"
    assert final.provenance is not None and final.provenance.computation == SORT_RUN


async def test_combined_from_the_selection_reaches_ready(client: CodeOceanClient, clock, fake_sleep) -> None:  # type: ignore[no-untyped-def]
    selection = [await client.data_assets.get_data_asset(i)
                 for i in (SPIM_RAW, BEHAVIOR, EXA_RAW, PROBES)]
    found = combinable(selection)
    assert [p.id for p in found.parts] == [SPIM_RAW, EXA_RAW]
    assert found.note.startswith("2 of 4 selected are not external")
    form = CreateForm(source=SourceKind.COMBINED, name="light-sheet pair", parts=found.parts,
                      custom=PROJECT)
    final, _ = await _create_and_follow(client, build_params(form, SCHEMA), fake_sleep, clock)
    assert final.state == "ready" and final.type == "combined" and final.is_external
    assert {c.id for c in final.contained_data_assets or ()} == {SPIM_RAW, EXA_RAW}


async def test_a_failing_create_reports_its_reason(client: CodeOceanClient, clock, fake_sleep) -> None:  # type: ignore[no-untyped-def]
    form = s3_form(bucket="no-such-bucket", prefix="")
    final, changes = await _create_and_follow(client, build_params(form, SCHEMA), fake_sleep,
                                              clock)
    assert final.state == "failed"
    assert final.failure_reason == "bucket 'no-such-bucket' does not exist or is not accessible"
    assert changes == [final]


@pytest.mark.parametrize(("key", "words"), [
    ("fusion-failed", "the run failed"),
    ("workstation", "the run is running"),
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


async def test_a_lost_answer_finds_the_asset_instead_of_creating_twice(  # type: ignore[no-untyped-def]
    client: CodeOceanClient, emulator: Emulator, recorder, monkeypatch
) -> None:
    params = build_params(s3_form(), SCHEMA)
    older = await create_data_asset_once(client, params)  # same name and mount already exists
    fault_on_create(monkeypatch, client, emulator, "lost")
    result = await create_data_asset_once(client, params)
    assert result.recovered and result.asset.id != older.asset.id
    assert create_posts(recorder) == 2
    assert [w for w in emulator.write_log if w[1] == "/api/v1/data_assets"] == [
        ("POST", "/api/v1/data_assets", 200)] * 2
    assert {a.id for a in await _named(client, "iris examples")} == {older.asset.id, result.asset.id}


async def test_an_unknown_outcome_with_nothing_found_is_not_resent(  # type: ignore[no-untyped-def]
    client: CodeOceanClient, emulator: Emulator, recorder, monkeypatch
) -> None:
    fault_on_create(monkeypatch, client, emulator, "reset")
    time = FakeTime()  # search is given 10 s to show the asset (fake seconds here)
    with pytest.raises(CreateNotConfirmedError) as info:
        await create_data_asset_once(client, build_params(s3_form(name="never arrives"), SCHEMA),
                                     journal=journal_on(time))
    assert info.value.error.outcome_unknown
    assert "Nothing was sent again" in str(info.value) and "10 s" in str(info.value)
    assert time.now >= 10
    assert create_posts(recorder) == 1
    assert emulator.write_log == []
    assert await _named(client, "never arrives") == []


# --- the follower ----------------------------------------------------------------------------

async def test_follower_rides_out_server_errors(client: CodeOceanClient, emulator: Emulator, clock, fake_sleep) -> None:  # type: ignore[no-untyped-def]
    created = await create_data_asset_once(client, build_params(s3_form(), SCHEMA))
    emulator.faults.inject("503", 4, "GET", f"/data_assets/{created.asset.id}")  # one whole poll
    final = await wait_until_settled(client, created.asset, sleep=fake_sleep, clock=clock)
    assert final.state == "ready"


async def test_follower_timeout_settled_input_and_missing_asset(client: CodeOceanClient, clock, fake_sleep, recorder) -> None:  # type: ignore[no-untyped-def]
    created = await create_data_asset_once(client, build_params(s3_form(), SCHEMA))
    with pytest.raises(TimeoutError):
        await wait_until_settled(client, created.asset, timeout=1.0, sleep=fake_sleep, clock=clock)
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


async def test_polling_starts_at_2_s_and_backs_off_to_30_s(client: CodeOceanClient, clock, fake_sleep, recorder) -> None:  # type: ignore[no-untyped-def]
    """A draft that never settles: looks after 2, 3, 4.5 ... seconds, never more than 30 s
    apart, one GET per look; the whole schedule runs on the injected sleep and clock."""
    draft = await client.data_assets.get_data_asset(DRAFT)
    before = len(recorder.sent("GET", f"/data_assets/{DRAFT}"))
    with pytest.raises(TimeoutError):
        await wait_until_settled(client, draft, timeout=300, sleep=fake_sleep, clock=clock)
    delays = fake_sleep.delays
    assert delays[:8] == [2.0, 3.0, 4.5, 6.75, 10.125, 15.1875, 22.78125, 30.0]
    assert set(delays[7:]) == {30.0} and len(delays) == 15  # 64.3 s, then 30 s until 300 s
    assert len(recorder.sent("GET", f"/data_assets/{DRAFT}")) - before == len(delays)
