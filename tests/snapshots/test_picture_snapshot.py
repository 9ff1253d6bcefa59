"""Snapshot of an image preview drawn in half blocks (the renderer headless runs always use)."""

from __future__ import annotations

from typing import Any

from tests.snapshots.snapshots_helpers import then

T0 = 1_700_000_000


def _picture_app(clock: Any) -> Any:
    from co_tui.api import CodeOceanClient
    from co_tui.emulator import Emulator, EmulatorConfig
    from co_tui.emulator.seed_model import Content, SeedAsset, SeedData, SeedFile, SeedUser
    from co_tui.launch import build_app
    from tests.preview.picture_samples import encode, scene

    users = [SeedUser("u-main", "main@example.org", "Main", "tok-main")]
    asset = SeedAsset(
        id="00000000-0000-4000-8000-000000000001", name="Pictures", owner="u-main",
        created=T0, mount="pics",
        files=[SeedFile("scene.png", Content.of(encode(scene(), "PNG")))],
    )
    emulator = Emulator(EmulatorConfig(seed="empty", clock=clock),
                        seed_data=SeedData(users=users, assets=[asset]))
    transport = emulator.transport()
    client = CodeOceanClient(emulator.config.api_origin, emulator.main_token,
                             transport=transport, files_transport=transport)
    return build_app(client, demo=True)


def test_picture_preview_halfblock_120x36(snap_compare, clock, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("CO_TUI_IMAGES", raising=False)
    assert snap_compare(_picture_app(clock), terminal_size=(120, 36),
                        run_before=then("enter", "2"))
