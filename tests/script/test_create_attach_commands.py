"""``co-tui create`` (with ``--wait``), ``attach`` and ``detach`` in a subprocess against an
emulator served on loopback, checked with the official SDK."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator

import pytest
from codeocean import CodeOcean
from codeocean.data_asset import DataAssetSearchParams

from co_tui.api import CodeOceanClient
from co_tui.api.capsules import AttachedTo
from co_tui.emulator import EmulatorConfig, serve_in_thread
from co_tui.emulator.server import ServedEmulator
from co_tui.operations.attach import is_attached_to, refresh_attached
from tests.script.cli_helpers import SORTED, TOKEN, Cli

LFP = "c643c3d2-3a03-537a-8f12-7deeef2ffea1"
CAPSULE = "13c2017c-271c-5bc1-b358-5a3becb8c05a"  # Ada's spike-sorting capsule in the demo
BUCKET = "aind-open-data/ecephys_661398_2023-03-21_15-47-03"
RUN = "a488a44e-5f69-514f-81a8-00ae735fef6d"  # a completed run of Ada's, with results
FAILED_RUN = "ca841e21-eda6-5c31-b6d4-389f35f2e6f3"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture(scope="module")
def served() -> Iterator[ServedEmulator]:
    with serve_in_thread(EmulatorConfig(seed="demo", ready_delay=0.5)) as handle:
        yield handle


@pytest.fixture(scope="module")
def cli(served: ServedEmulator) -> Cli:
    return Cli(served)


def _sdk(served: ServedEmulator) -> CodeOcean:
    return CodeOcean(domain=served.domain, token=TOKEN, agent_id="co-tui script tests")


def test_create_from_s3_and_wait_until_ready(cli: Cli, served: ServedEmulator) -> None:
    done = cli.run("create", "--name", "Imported by a script", "--s3", f"s3://{BUCKET}",
                   "--tag", "raw", "--tag", "cli", "--meta", "project=CLI tests", "--wait")
    assert done.returncode == 0, done.stderr
    new_id = done.stdout.strip()
    assert UUID.fullmatch(new_id)
    assert f"{new_id}: draft" in done.stderr and f"{new_id}: ready" in done.stderr
    asset = _sdk(served).data_assets.get_data_asset(new_id)
    assert asset.state == "ready" and asset.name == "Imported by a script"
    assert asset.tags == ["raw", "cli"] and asset.mount == "Imported_by_a_script"
    assert asset.files and asset.files > 0
    assert asset.source_bucket is not None and asset.source_bucket.prefix == BUCKET.partition("/")[2]


def test_create_wait_reports_the_failure_and_its_reason(cli: Cli, served: ServedEmulator) -> None:
    done = cli.run("create", "--name", "From nowhere", "--mount", "nowhere", "--s3",
                   "no-such-bucket", "--meta", "project=CLI tests", "--wait", "--json")
    assert done.returncode == 1, done.stderr
    record = json.loads(done.stdout)
    assert record["state"] == "failed"
    assert re.search(r"failed: bucket 'no-such-bucket' does not exist", done.stderr)
    assert _sdk(served).data_assets.get_data_asset(record["id"]).state == "failed"


def test_create_without_wait_prints_the_draft_id(cli: Cli, served: ServedEmulator) -> None:
    done = cli.run("create", "--name", "Not waited for", "--s3", BUCKET, "--meta",
                   "project=CLI tests")
    assert done.returncode == 0, done.stderr
    assert _sdk(served).data_assets.get_data_asset(done.stdout.strip()).name == "Not waited for"


def test_create_from_a_runs_results(cli: Cli, served: ServedEmulator) -> None:
    done = cli.run("create", "--name", "Captured run", "--computation", RUN, "--meta",
                   "project=CLI tests", "--wait", "--json")
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["state"] == "ready" and record["type"] == "result"
    assert record["provenance"]["computation"] == RUN


@pytest.mark.parametrize(("args", "code", "words"), [
    (("--name", "x", "--computation", FAILED_RUN, "--meta", "project=p"), 2,
     "the run failed: only completed runs can be captured"),
    (("--name", "x", "--s3", BUCKET), 2, "--meta project: required"),
    (("--name", "x", "--s3", BUCKET, "--meta", "project=p", "--mount", "a/b"), 2, "--mount:"),
    (("--name", "x", "--s3", "b", "--meta", "project=p"), 2, "--s3: not an S3 bucket name"),
    (("--name", "x", "--combine", LFP, SORTED, "--meta", "project=p"), 2,
     "--combine: ecephys_661398 LFP power spectra (result) is not external"),
    (("--name", "x", "--combine", LFP, "no-such-asset"), 4, "404"),
    (("--name", "x", "--computation", "no-such-run", "--meta", "project=p"), 4, "404"),
    (("--name", "x", "--s3", BUCKET, "--path", "p"), 2, "--path goes with --computation"),
    (("--name", "x"), 2, "one of the arguments --s3 --computation --combine is required"),
])
def test_create_refuses_before_sending(cli: Cli, served: ServedEmulator, args: tuple[str, ...],
                                       code: int, words: str) -> None:
    before = len(_sdk(served).data_assets.search_data_assets(_mine()).results)
    done = cli.run("create", *args)
    assert done.returncode == code, done.stderr
    assert words in done.stderr
    assert done.stdout == ""
    assert len(_sdk(served).data_assets.search_data_assets(_mine()).results) == before


def _mine() -> DataAssetSearchParams:
    return DataAssetSearchParams(query='name:"x"', limit=100)


def test_attach_and_detach_inside_a_capsule(cli: Cli, served: ServedEmulator) -> None:
    inside = {"CO_CAPSULE_ID": CAPSULE}
    done = cli.run("attach", LFP, env=inside)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [LFP]
    assert "attached at /data/ecephys_661398_lfp_spectra" in done.stderr
    assert is_attached_to(_find_attached(served, LFP), CAPSULE)
    renamed = cli.run("attach", SORTED, "--mount", "sorted", env=inside)
    assert renamed.returncode == 0 and "/data/sorted" in renamed.stderr
    some = cli.run("detach", "-", env=inside, stdin=f"{LFP}\nno-such-asset\n{SORTED}\n")
    assert some.returncode == 1
    assert some.stdout.split() == [LFP, SORTED]
    assert re.search(r"co-tui detach: no-such-asset: not detached: .*not found", some.stderr)
    assert not is_attached_to(_find_attached(served, LFP), CAPSULE)


@pytest.mark.parametrize(("args", "env", "code", "words"), [
    (("attach", LFP), {}, 2, "inside a Code Ocean capsule"),
    (("detach", LFP), {}, 2, "CO_CAPSULE_ID is not set"),
    (("attach", LFP, SORTED, "--mount", "m"), {"CO_CAPSULE_ID": CAPSULE}, 2, "one asset"),
    (("attach", LFP), {"CO_CAPSULE_ID": "no-such-capsule"}, 4, "not found"),
    (("attach", "no-such-asset"), {"CO_CAPSULE_ID": CAPSULE}, 4, "404"),
])
def test_attach_refusals(cli: Cli, args: tuple[str, ...], env: dict[str, str], code: int,
                         words: str) -> None:
    done = cli.run(*args, env=env)
    assert done.returncode == code, done.stderr
    assert words in done.stderr and done.stdout == ""


def _find_attached(served: ServedEmulator, asset_id: str) -> AttachedTo:
    """Where the asset is attached now, as the app reads it."""
    async def read() -> AttachedTo:
        async with CodeOceanClient(served.domain, TOKEN, allow_http=True) as client:
            return await refresh_attached(client, asset_id)

    return asyncio.run(read())
