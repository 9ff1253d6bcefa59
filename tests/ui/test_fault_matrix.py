"""The fault matrix in CI: about a minute of seeded random key sequences through the app
against the loopback emulator with the README's fault rates (see ``fault_matrix.py`` for the
driver, what is shortened to keep time, and the checks). ``bench/fault_storm.py`` is the long
version (1,000 sequences)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest

from co_tui.emulator.faults import FaultSpec
from tests.ui.fault_matrix import README_FAULTS, SequenceResult, run_sequences, summarise

SEEDS = [9001, 9002, 9004, 9007, 9008]
"""Five sequences of ten actions, chosen from 9001-9020 so that together they press every
action of the driver's mix (refresh, the downloads panel, archive and restore included), end
edits both saved and failed (13 edits, about 90 injected faults in a run here) and keep the
suite's budget: 11-14 s each on the shared 2-core machine. ``bench/fault_storm.py`` runs the
breadth (1,000 sequences)."""
STEPS = 10


def _describe(result: SequenceResult) -> str:
    problems = [result.crash, result.stuck, *result.duplicates, *result.lost]
    return (f"seed {result.seed} ({', '.join(result.steps)}): "
            + "; ".join(p for p in problems if p))


@pytest.mark.slow
@pytest.mark.timeout(900)
async def test_random_sequences_under_faults(tmp_path: Path) -> None:
    results = await run_sequences(SEEDS, steps=STEPS, download_dir=tmp_path)
    counts = summarise(results)
    # the matrix did exercise faults and edits (a driver that never reaches a dialog proves nothing)
    assert counts["faults_injected"] > 50, counts
    assert sum(counts["edits"].values()) >= 5, counts
    bad = [_describe(r) for r in results if not r.ok]
    assert not bad, "\n".join(bad)
    assert counts["crashes"] == counts["stuck_screens"] == 0
    assert counts["duplicate_writes"] == counts["lost_edits"] == 0


def test_the_matrix_uses_the_readme_rates() -> None:
    """Only ``slow_ms`` differs from the README's example; every rate is the same."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert README_FAULTS in readme
    from tests.ui.fault_matrix import MATRIX_FAULTS

    ours, theirs = FaultSpec.parse(MATRIX_FAULTS), FaultSpec.parse(README_FAULTS)
    assert ours.rates == theirs.rates and ours.retry_after == theirs.retry_after
    assert ours.scope == theirs.scope == "api"


# --- the checks can fail ------------------------------------------------------------------------


def test_the_write_checks_see_duplicates_and_lost_edits() -> None:
    import httpx

    from tests.ui.fault_matrix import Edit, SequenceResult, check_writes, served_emulator

    with served_emulator() as served:
        auth = (served.emulator.main_token, "")
        found = httpx.post(f"{served.domain}/api/v1/data_assets/search", json={"limit": 1},
                           auth=auth, timeout=30).json()["results"][0]
        asset_id = found["id"]
        start = len(served.emulator.write_log)
        for description in ("x fm1d0z", "x fm1d0z fm1d0z"):  # the same append, twice
            httpx.put(f"{served.domain}/api/v1/data_assets/{asset_id}",
                      json={"name": found["name"], "description": description},
                      auth=auth, timeout=30).raise_for_status()
        driver = SimpleNamespace(
            edits=[Edit(asset_id, "description", "fm1d0z", "unknown"),
                   Edit(asset_id, "description", "fm1d1z", "saved"),
                   Edit(asset_id, "tag", "fm1t2z", "failed")],
            writes=Counter({asset_id: 1}))
        result = SequenceResult(1)
        check_writes(served, result, driver, start)  # type: ignore[arg-type]
    assert result.duplicates == ["fm1d0z (description, unknown) x2",
                                 f"write log: 2 changes of {asset_id}, 1 asked for"]
    assert result.lost == ["fm1d1z (description) reported saved, not on the server"]


async def test_a_crash_and_a_stuck_screen_are_counted(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.widgets import Static

    from co_tui.screens.asset_list import AssetListScreen
    from tests.ui import fault_matrix

    def broken(self: AssetListScreen) -> None:
        raise RuntimeError("injected bug")

    monkeypatch.setattr(AssetListScreen, "action_refresh", broken)
    monkeypatch.setattr(fault_matrix.Driver, "WEIGHTS", {"refresh": 1.0})
    (crashed,) = await run_sequences([1], steps=2, download_dir=tmp_path, spec=FaultSpec())
    assert crashed.crash is not None and "injected bug" in crashed.crash

    def spinner(self: AssetListScreen) -> None:
        self.mount(Static("loading…", id="never-done"))

    monkeypatch.setattr(AssetListScreen, "action_refresh", spinner)
    monkeypatch.setattr(fault_matrix, "QUIET_WITHIN", 0.5)
    (stuck,) = await run_sequences([1], steps=1, download_dir=tmp_path, spec=FaultSpec())
    assert stuck.crash is None and stuck.stuck is not None and "never-done" in stuck.stuck
