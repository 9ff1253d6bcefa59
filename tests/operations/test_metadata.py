"""Edit metadata without a UI: validation, saving, conflicts and unknown outcomes (emulator)."""

from __future__ import annotations

import dataclasses
from typing import Any

import msgspec
import pytest

from co_tui.api import CodeOceanClient
from co_tui.api.errors import ApiError, ApiTimeoutError
from co_tui.api.models import (
    CustomMetadata,
    CustomMetadataField,
    CustomMetadataFieldRange,
    DataAsset,
)
from co_tui.api.retry import Timeouts
from co_tui.emulator import Emulator, EmulatorConfig
from co_tui.emulator.seeds.demo_base import RAW_661, asset_id
from co_tui.operations.field_values import format_custom
from co_tui.operations.metadata import (
    AssetValues,
    Conflict,
    MetadataForm,
    Saved,
    SaveFailed,
    check_form,
    custom_key,
    save_metadata,
)

RAW = asset_id(RAW_661)
DAY0 = 1679356800  # 2023-03-21 00:00 UTC


@pytest.fixture
def emulator(clock, demo_seed):  # type: ignore[no-untyped-def]
    """The suite's demo emulator, built from the session's seed records (much faster per test)."""
    return Emulator(EmulatorConfig(seed="demo", clock=clock), seed_data=demo_seed)



async def _open(client: CodeOceanClient, asset: str = RAW) -> tuple[DataAsset, AssetValues, CustomMetadata]:
    """What the dialog opens with: the asset, its values and the deployment's schema."""
    current = await client.data_assets.get_data_asset(asset)
    schema = await client.custom_metadata.get_custom_metadata()
    return current, AssetValues.of(current), schema


def _puts(emulator: Any, asset: str = RAW) -> list[tuple[str, str, int]]:
    return [w for w in emulator.write_log if w[0] == "PUT" and asset in w[1]]


# --- the form ------------------------------------------------------------------------------------


async def test_form_round_trips_an_untouched_asset(client: CodeOceanClient) -> None:
    _, values, schema = await _open(client)
    form = MetadataForm.of(values, schema)
    assert form.custom["session_date"] == "2023-03-21"
    assert form.custom["recording_depth_um"] == "3800"
    assert form.custom["genotype"] == ""
    checked = check_form(form, values, schema)
    assert checked.ok and checked.values == values


INVALID: list[tuple[dict[str, Any], str, str]] = [
    ({"name": "   "}, "name", "empty"),
    ({"name": "evil\x1b]0;x\x07"}, "name", "control"),
    ({"mount": ""}, "mount", "empty"),
    ({"mount": "a/b"}, "mount", "one folder"),
    ({"mount": "a\\b"}, "mount", "one folder"),
    ({"mount": ".."}, "mount", "not . or .."),
    ({"mount": "."}, "mount", "not . or .."),
    ({"mount": "a\x00b"}, "mount", "control"),
    ({"tags": ["ecephys", "EcePhys"]}, "tags", "duplicate"),
    ({"tags": ["ok", "  "]}, "tags", "empty"),
    ({"custom": {"temperature_c": "warm"}}, "custom:temperature_c", "number"),
    ({"custom": {"temperature_c": "41"}}, "custom:temperature_c", "at most 40"),
    ({"custom": {"temperature_c": "nan"}}, "custom:temperature_c", "finite"),
    ({"custom": {"species": "Canis lupus"}}, "custom:species", "one of"),
    ({"custom": {"session_date": "21/03/2023"}}, "custom:session_date", "YYYY-MM-DD"),
    ({"custom": {"project": ""}}, "custom:project", "required"),

]


async def test_validation_errors_are_keyed_by_field(client: CodeOceanClient) -> None:
    _, values, schema = await _open(client)
    for change, key, words in INVALID:
        form = MetadataForm.of(values, schema)
        for name, value in change.items():
            if name == "custom":
                form.custom.update(value)
            else:
                setattr(form, name, value)
        checked = check_form(form, values, schema)
        assert checked.values is None, change
        assert list(checked.errors) == [key], change
        assert words in checked.errors[key], change


async def test_typed_custom_values(client: CodeOceanClient) -> None:
    _, values, schema = await _open(client)
    form = MetadataForm.of(values, schema)
    form.custom.update(temperature_c="-3.5", session_date="2024-02-29 13:30",
                       cell_count="1e3", genotype="  Ai14  ", data_level="derived")
    checked = check_form(form, values, schema)
    assert checked.values is not None
    custom = checked.values.custom
    assert custom["temperature_c"] == -3.5
    assert custom["session_date"] == 1709213400
    assert custom["cell_count"] == 1000.0
    assert custom["genotype"] == "Ai14"
    assert custom["data_level"] == "derived"
    form.custom["genotype"] = ""
    form.custom["subject_id"] = ""
    cleared = check_form(form, values, schema).values
    assert cleared is not None and "subject_id" not in cleared.custom


def test_multiple_values_and_fields_outside_the_schema() -> None:
    schema = CustomMetadata(fields=[
        CustomMetadataField(name="probes", type="string", multiple=True, allowed_values=["A", "B"]),
        CustomMetadataField(name="n", type="number", range=CustomMetadataFieldRange(min=0)),
    ])
    values = AssetValues("x", "", "m", (), {"probes": ["A"], "legacy": {"kept": True}})
    form = MetadataForm.of(values, schema)
    assert form.custom == {"probes": "A", "n": ""}
    form.custom["probes"] = "A, B"
    checked = check_form(form, values, schema)
    assert checked.values is not None
    assert checked.values.custom == {"legacy": {"kept": True}, "probes": ["A", "B"]}
    form.custom.update(probes="A, C", n="-1")
    errors = check_form(form, values, schema).errors
    assert errors == {"custom:probes": "must be one of: A, B", "custom:n": "must be at least 0"}


def test_server_controls_are_kept_in_an_edit_and_new_ones_refused() -> None:
    values = AssetValues("bad\x1b[2Jname", "line\r\nnext\x9b", "mnt", ("t\x07ag", "ok"), {})
    form = MetadataForm.of(values, None)
    assert check_form(form, values, None).values == values
    form.name = "still bad\x1b[2J"  # edited: the ESC the server had stays
    form.description = "line\r\nnext\x9b and more"
    kept = check_form(form, values, None).values
    assert kept is not None and kept.name == "still bad\x1b[2J"
    assert kept.description == "line\r\nnext\x9b and more"
    form.name = "still bad\x1b[2J\x1b]0;x\x07"  # typed or pasted controls are refused
    form.tags = [*form.tags, "new\x07"]
    errors = check_form(form, values, None).errors
    assert errors == {"name": "name must not contain control characters",
                      "tags": "tags must not contain control characters"}
    form.name, form.tags = "family 👨\u200d👩\u200d👧 \u200f", ["داده\u200cها"]
    assert check_form(form, values, None).ok  # joiners and bidi marks are text, not controls
    form.description = values.description
    form.name, form.tags = "clean", ["t\x07ag", " spaced "]
    changed = check_form(form, values, None).values
    assert changed is not None and changed.name == "clean" and changed.tags == ("t\x07ag", "spaced")
    form.description = "tabs\tand\nnewlines are fine"
    assert check_form(form, values, None).ok


def test_format_custom_dates_and_numbers() -> None:
    date = CustomMetadataField(name="d", type="date")
    assert format_custom(DAY0 + 3600, date) == "2023-03-21 01:00"
    assert format_custom(DAY0 + 61, date) == "2023-03-21 00:01:01"
    assert format_custom(2.0, None) == "2" and format_custom(2.5, None) == "2.5"
    assert format_custom("a\nb", None) == "a\nb"  # raw: the dialog escapes what it shows
    assert format_custom(["x", 3], None) == "x, 3"


# --- saving --------------------------------------------------------------------------------------


async def test_save_puts_exactly_the_fields_the_user_saw(client: CodeOceanClient, emulator, recorder) -> None:  # type: ignore[no-untyped-def]
    _, values, schema = await _open(client)
    form = MetadataForm.of(values, schema)
    form.name, form.description, form.mount = "renamed", "new\ndescription", "raw_661"
    form.tags = [*form.tags, "curated"]
    form.custom["temperature_c"] = "21"
    mine = check_form(form, values, schema).values
    assert mine is not None
    result = await save_metadata(client, RAW, values, mine)
    assert isinstance(result, Saved) and result.wrote and not result.reconciled
    assert AssetValues.of(result.asset) == mine
    assert AssetValues.of(await client.data_assets.get_data_asset(RAW)) == mine
    body = msgspec.json.decode(recorder.sent("PUT", RAW)[-1].content)
    assert body == {"name": "renamed", "description": "new\ndescription", "mount": "raw_661",
                    "tags": [*values.tags, "curated"], "custom_metadata": dict(mine.custom)}
    assert len(_puts(emulator)) == 1


async def test_nothing_changed_sends_no_write(client: CodeOceanClient, recorder) -> None:  # type: ignore[no-untyped-def]
    current, values, _ = await _open(client)
    result = await save_metadata(client, RAW, values, values)
    assert isinstance(result, Saved) and not result.wrote and result.asset == current
    assert recorder.sent("PUT", RAW) == []


async def test_viewer_gets_permission_error_and_nothing_changes(client, client_for, sleeps) -> None:  # type: ignore[no-untyped-def]
    alan = client_for("alan@example.org")
    _, values, _ = await _open(alan)
    result = await save_metadata(alan, RAW, values, dataclasses.replace(values, name="alan's"))
    assert isinstance(result, SaveFailed) and result.outcome == "not_saved"
    assert result.error.status == 403 and "permission" in result.message
    assert (await client.data_assets.get_data_asset(RAW)).name == values.name
    assert sleeps == []


async def test_deleted_asset_reports_not_found(client: CodeOceanClient) -> None:
    _, values, _ = await _open(client)
    await client.data_assets.archive_data_asset(RAW, True)
    await client.data_assets.delete_data_asset(RAW)
    result = await save_metadata(client, RAW, values, dataclasses.replace(values, name="gone"))
    assert isinstance(result, SaveFailed) and result.error.status == 404
    assert "no longer exists" in result.message


async def test_server_refusal_400_is_reported(client: CodeOceanClient, emulator) -> None:  # type: ignore[no-untyped-def]
    _, values, _ = await _open(client)
    result = await save_metadata(client, RAW, values, dataclasses.replace(values, mount="a/b"))
    assert isinstance(result, SaveFailed) and result.outcome == "not_saved"
    assert result.error.status == 400 and "refused" in result.message
    assert _puts(emulator) == []


async def test_500_on_put_is_read_back_not_resent(client: CodeOceanClient, emulator, recorder) -> None:  # type: ignore[no-untyped-def]
    _, values, _ = await _open(client)
    emulator.faults.inject("500", times=1, method="PUT")
    result = await save_metadata(client, RAW, values, dataclasses.replace(values, name="x500"))
    assert isinstance(result, SaveFailed) and result.outcome == "not_saved"
    assert "read back" in result.message and "not saved" in result.message
    assert len(recorder.sent("PUT", RAW)) == 1
    assert (await client.data_assets.get_data_asset(RAW)).name == values.name


async def test_lost_answer_is_reconciled_as_saved_exactly_once(client: CodeOceanClient, emulator, recorder) -> None:  # type: ignore[no-untyped-def]
    _, values, _ = await _open(client)
    mine = dataclasses.replace(values, name="lost but saved", tags=("one",))
    emulator.faults.inject("lost", times=1, method="PUT")
    result = await save_metadata(client, RAW, values, mine)
    assert isinstance(result, Saved) and result.reconciled
    assert AssetValues.of(result.asset) == mine
    assert len(recorder.sent("PUT", RAW)) == 1 and len(_puts(emulator)) == 1


async def test_timeout_after_send_is_reconciled_as_not_saved(emulator, client_for) -> None:  # type: ignore[no-untyped-def]
    impatient = client_for(token=emulator.main_token, timeouts=Timeouts(deadline=0.3))
    _, values, _ = await _open(impatient)
    emulator.faults.spec = dataclasses.replace(emulator.faults.spec, slow_ms=30_000)
    emulator.faults.inject("slow", times=1, method="PUT")
    result = await save_metadata(impatient, RAW, values, dataclasses.replace(values, name="slow"))
    assert isinstance(result, SaveFailed) and result.outcome == "not_saved"
    assert isinstance(result.error, ApiTimeoutError) and result.error.outcome_unknown
    assert _puts(emulator) == []


async def test_unknown_outcome_with_failed_read_back_says_unknown(client: CodeOceanClient, emulator, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _, values, _ = await _open(client)
    real_get = client.data_assets.get_data_asset
    calls = 0

    async def get_once(asset: str) -> DataAsset:
        nonlocal calls
        calls += 1
        if calls > 1:
            raise ApiTimeoutError("no answer", operation="get_data_asset")
        return await real_get(asset)

    monkeypatch.setattr(client.data_assets, "get_data_asset", get_once)
    emulator.faults.inject("lost", times=1, method="PUT")
    result = await save_metadata(client, RAW, values, dataclasses.replace(values, name="maybe"))
    assert isinstance(result, SaveFailed) and result.outcome == "unknown"
    assert "may or may not" in result.message and "re-sent" in result.message
    assert len(_puts(emulator)) == 1


# --- conflicts -----------------------------------------------------------------------------------


async def test_change_elsewhere_gives_a_conflict_then_resolution_saves(client: CodeOceanClient, client_for, emulator) -> None:  # type: ignore[no-untyped-def]
    _, base, _ = await _open(client)
    other = client_for(token=emulator.main_token)
    theirs_desc = "edited in the web app"
    await other.data_assets.update_metadata(RAW, msgspec.structs.replace(
        base.to_params(), description=theirs_desc, tags=["web"]))
    mine = dataclasses.replace(base, name="my new name", tags=("mine",))
    result = await save_metadata(client, RAW, base, mine)
    assert isinstance(result, Conflict)
    assert [(f.key, f.default) for f in result.fields] == [("description", "theirs"),
                                                           ("tags", "mine")]
    tags = result.fields[1]
    assert tags.base == base.tags and tags.mine == ("mine",) and tags.theirs == ("web",)
    assert len(_puts(emulator)) == 1  # only theirs
    resolved = result.resolve({"tags": "theirs"})
    assert resolved == dataclasses.replace(mine, description=theirs_desc, tags=("web",))
    saved = await save_metadata(client, RAW, result.theirs, resolved)
    assert isinstance(saved, Saved) and AssetValues.of(saved.asset) == resolved


async def test_overwrite_all_keeps_mine(client: CodeOceanClient, client_for, emulator) -> None:  # type: ignore[no-untyped-def]
    _, base, _ = await _open(client)
    other = client_for(token=emulator.main_token)
    await other.data_assets.update_metadata(RAW, msgspec.structs.replace(
        base.to_params(), name="their name",
        custom_metadata={**base.custom, "genotype": "theirs"}))
    mine = dataclasses.replace(base, name="my name")
    result = await save_metadata(client, RAW, base, mine)
    assert isinstance(result, Conflict)
    assert {f.key for f in result.fields} == {"name", custom_key("genotype")}
    overwrite = result.resolve({f.key: "mine" for f in result.fields})
    assert overwrite == mine
    saved = await save_metadata(client, RAW, result.theirs, overwrite)
    assert isinstance(saved, Saved)
    assert AssetValues.of(await client.data_assets.get_data_asset(RAW)) == mine


async def test_same_change_on_both_sides_is_no_conflict(client: CodeOceanClient, client_for, emulator) -> None:  # type: ignore[no-untyped-def]
    _, base, _ = await _open(client)
    other = client_for(token=emulator.main_token)
    await other.data_assets.update_metadata(RAW, msgspec.structs.replace(
        base.to_params(), name="agreed"))
    result = await save_metadata(client, RAW, base, dataclasses.replace(base, name="agreed"))
    assert isinstance(result, Saved) and not result.wrote


async def test_failed_re_read_keeps_the_error(client: CodeOceanClient, emulator, sleeps) -> None:  # type: ignore[no-untyped-def]
    _, values, _ = await _open(client)
    emulator.faults.inject("503", times=4, method="GET", path_contains=RAW)
    result = await save_metadata(client, RAW, values, dataclasses.replace(values, name="n"))
    assert isinstance(result, SaveFailed) and isinstance(result.error, ApiError)
    assert result.error.status == 503 and len(sleeps) == 3
    assert _puts(emulator) == []
