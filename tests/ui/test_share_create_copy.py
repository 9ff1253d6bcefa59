"""The share (p), create (c) and copy (y, l) dialogs in a minimal host app (Pilot), against the
emulator; plus the clipboard texts and the OSC 52 policy."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import Checkbox, Input, OptionList, Static, TextArea

from co_tui.api import CodeOceanClient
from co_tui.api.models import DataAsset, Permissions
from co_tui.emulator import Emulator, EmulatorConfig
from co_tui.emulator.seeds.demo_base import asset_id
from co_tui.emulator.seeds.demo_runs import computation_id
from co_tui.modals.copy import CopyScreen, copy_text
from co_tui.modals.create_asset import CreateScreen
from co_tui.modals.share import ShareConfirmScreen, ShareScreen
from co_tui.operations.clipboard import (
    ClipboardMode,
    asset_id_text,
    asset_web_url,
    copy_policy,
    ensure_no_secret,
    file_share_link,
)
from co_tui.widgets.choice import Choice
from tests.transfer.transfer_helpers import until

RAW_661 = asset_id("ecephys_661398_2023-03-21_15-47-03 raw")  # ada owns; alan viewer; neuro-lab viewer
FMRI = asset_id("fMRI resting-state cohort A (BIDS)")  # ada owns; alan viewer
BEHAVIOR = asset_id("behavior_661398 dynamic foraging")
PROBES = asset_id("Neuropixels probe maps and channel geometry")
SPIM_RAW = asset_id("SmartSPIM_695464_2023-10-18_20-52-55 raw")  # external
EXA_RAW = asset_id("exaSPIM_653158_2023-06-01_21-08-12 raw")  # external
KITTY = {"TERM": "xterm-kitty"}


@pytest.fixture
def emulator(clock, demo_seed):  # type: ignore[no-untyped-def]
    """The demo emulator built from the session's seed records (building them is most of the
    cost of a fresh emulator)."""
    return Emulator(EmulatorConfig(seed="demo", clock=clock), seed_data=demo_seed)


class Host(App[None]):
    """Pushes one dialog on start and records what it dismisses with."""

    def __init__(self, make: Callable[[], Screen[Any]] | None = None) -> None:
        super().__init__()
        self.make = make
        self.dismissed: list[object] = []

    def on_mount(self) -> None:
        if self.make is not None:
            self.push_screen(self.make(), self.dismissed.append)


async def settle(app: App[Any], pilot: Any) -> None:
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


async def fill(pilot: Any, selector: str, value: str) -> None:
    """Put ``value`` in the named Input or TextArea as a paste would (a key press per character
    costs ~60 ms under Pilot); tab / enter / ctrl+s are still pressed as keys."""
    widget = pilot.app.screen.query_one(selector)
    widget.focus()
    if isinstance(widget, TextArea):
        widget.text = value
    else:
        widget.value = value
    await pilot.pause()


def text_of(app: App[Any], selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def maps(p: Permissions) -> tuple[dict[str, str], dict[str, str], str]:
    return ({u.email: u.role for u in p.users or []}, {g.group: g.role for g in p.groups or []},
            p.everyone or "none")


async def share_host(client: CodeOceanClient, asset: str) -> Host:
    loaded = await client.data_assets.get_data_asset(asset)
    permissions = await client.data_assets.get_permissions(asset)
    return Host(lambda: ShareScreen(client, loaded, permissions))


# --- share --------------------------------------------------------------------------------------

async def test_share_add_user_save_and_read_back(client: CodeOceanClient) -> None:
    app = await share_host(client, RAW_661)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ShareScreen)
        assert "No changes to save." in text_of(app, "#share-diff")
        await pilot.press("a", *"grace@example.org", "enter")
        await settle(app, pilot)
        assert "+ add grace@example.org as viewer" in text_of(app, "#share-diff")
        assert app.screen.query_one("#share-add-name", Input).value == ""
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Saved." in text_of(app, "#share-status")
        assert "No changes to save." in text_of(app, "#share-diff")
        server = await client.data_assets.get_permissions(RAW_661)
        assert maps(server)[0]["grace@example.org"] == "viewer"
        await pilot.press("escape")
        await settle(app, pilot)
    assert len(app.dismissed) == 1 and isinstance(app.dismissed[0], Permissions)
    assert maps(app.dismissed[0]) == maps(server)


async def test_share_validation_and_owner_rules_send_nothing(client: CodeOceanClient, recorder) -> None:  # type: ignore[no-untyped-def]
    app = await share_host(client, RAW_661)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        sent = len(recorder.requests)
        await pilot.press("a")
        await fill(pilot, "#share-add-name", "grace@example")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "not an e-mail address" in text_of(app, "#share-status")
        assert app.screen.query_one("#share-add-name", Input).value == "grace@example"  # kept
        app.screen.query_one("#share-entries", OptionList).focus()
        await pilot.press("home", "d")
        await settle(app, pilot)
        assert "cannot be removed" in text_of(app, "#share-status")
        await pilot.press("right")
        await settle(app, pilot)
        assert "stays owner" in text_of(app, "#share-status")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Nothing to save." in text_of(app, "#share-status")
        assert len(recorder.requests) == sent


async def test_share_server_error_keeps_the_edits(client: CodeOceanClient) -> None:
    app = await share_host(client, FMRI)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        await fill(pilot, "#share-add-name", "nobody@example.org")
        await pilot.press("enter", "ctrl+s")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ShareScreen)
        status = text_of(app, "#share-status")
        assert "user 'nobody@example.org' not found" in status and "edits are kept" in status
        assert screen.draft.find("user", "nobody@example.org") is not None
        assert "+ add nobody@example.org as viewer" in text_of(app, "#share-diff")
        # first esc warns about the unsaved edit, the second closes with nothing saved
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is screen and "press esc again" in text_of(app, "#share-status")
        await pilot.press("escape")
        await settle(app, pilot)
    assert app.dismissed == [None]


async def test_share_viewer_is_refused(client_for) -> None:  # type: ignore[no-untyped-def]
    app = await share_host(client_for("alan@example.org"), FMRI)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        await fill(pilot, "#share-add-name", "grace@example.org")
        await pilot.press("enter", "ctrl+s")
        await settle(app, pilot)
        assert "do not have permission" in text_of(app, "#share-status")
        assert isinstance(app.screen, ShareScreen)


async def test_owner_grant_needs_a_second_confirmation(client: CodeOceanClient) -> None:
    app = await share_host(client, RAW_661)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        entries = app.screen.query_one("#share-entries", OptionList)
        entries.focus()
        entries.highlighted = 1  # alan, viewer
        await pilot.press("right")  # viewer -> owner (no editor on a data asset)
        await settle(app, pilot)
        diff = text_of(app, "#share-diff")
        assert "alan@example.org: viewer → owner" in diff and "asks to confirm" in diff
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ShareConfirmScreen)
        assert "alan@example.org becomes an owner" in text_of(app, "#confirm-reasons")
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, ShareScreen)
        assert "Not saved" in text_of(app, "#share-status")
        assert maps(await client.data_assets.get_permissions(RAW_661))[0]["alan@example.org"] == "viewer"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("enter")  # the default button is "Go back"
        await settle(app, pilot)
        assert isinstance(app.screen, ShareScreen)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert "Saved." in text_of(app, "#share-status")
    assert maps(await client.data_assets.get_permissions(RAW_661))[0]["alan@example.org"] == "owner"


async def test_opening_to_everyone_needs_confirmation(client: CodeOceanClient) -> None:
    app = await share_host(client, FMRI)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("tab", "right", "right")  # everyone: none -> discoverable -> viewer
        await settle(app, pilot)
        assert "everyone: none → viewer" in text_of(app, "#share-diff")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Everyone in the deployment will be able to open" in text_of(app, "#confirm-reasons")
        await pilot.press("y")
        await settle(app, pilot)
    assert (await client.data_assets.get_permissions(FMRI)).everyone == "viewer"


async def test_share_group_with_discoverable_role(client: CodeOceanClient) -> None:
    app = await share_host(client, FMRI)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        # to "Add a": tab past Everyone; choose group; its roles start with discoverable
        await pilot.press("tab", "tab", "right", "tab", "left", "a", *"genomics", "enter")
        await settle(app, pilot)
        assert "add group genomics as discoverable" in text_of(app, "#share-diff")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    assert maps(await client.data_assets.get_permissions(FMRI))[1] == {"genomics": "discoverable"}


async def test_share_assets_checkbox_is_saved_and_read_back(client: CodeOceanClient,  # type: ignore[no-untyped-def]
                                                              recorder) -> None:
    app = await share_host(client, FMRI)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        box = app.screen.query_one("#share-assets", Checkbox)
        assert box.value is False and "Also share the attached assets" in str(box.label)
        # from the list: everyone, add kind, add role, the name, then the checkbox
        await pilot.press("tab", "tab", "tab", "tab", "tab")
        assert app.screen.focused is box
        await pilot.press("space")
        await settle(app, pilot)
        assert "also share the attached assets: off → on" in text_of(app, "#share-diff")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Saved." in text_of(app, "#share-status")
        assert box.value is True and "No changes to save." in text_of(app, "#share-diff")
    posts = [r for r in recorder.requests if r.method == "POST" and r.url.path.endswith("/permissions")]
    assert len(posts) == 1 and json.loads(posts[0].content)["share_assets"] is True
    assert (await client.data_assets.get_permissions(FMRI)).share_assets is True


async def test_share_offers_no_editor_and_keeps_one_from_the_server(
        client: CodeOceanClient, emulator: Emulator) -> None:
    row = emulator.store.asset_row(FMRI)
    assert row is not None
    pk = row["pk"]
    with emulator.store.transaction() as conn:
        conn.execute("INSERT INTO asset_users (asset, email_lc, role) VALUES (?, ?, 'editor')",
                     (pk, "grace@example.org"))
        conn.execute("INSERT INTO asset_groups (asset, grp, role) VALUES (?, ?, 'editor')",
                     (pk, "imaging-core"))
    app = await share_host(client, FMRI)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ShareScreen)
        rows = [str(o.prompt) for o in screen.query_one("#share-entries", OptionList).options]
        assert any("grace@example.org" in r and "editor" in r for r in rows)  # shown as it is
        assert any("imaging-core" in r and "editor" in r for r in rows)
        role = screen.query_one("#share-add-role", Choice)
        assert [v for v, _ in role.options] == ["viewer", "owner"]
        await pilot.press("tab", "tab", "right")  # add a group: its roles, still no editor
        await settle(app, pilot)
        assert [v for v, _ in role.options] == ["discoverable", "viewer", "owner"]
        # add a viewer; the editors go back unchanged
        await pilot.press("left")  # back to a user
        await fill(pilot, "#share-add-name", "santiago@example.org")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Saved." in text_of(app, "#share-status"), text_of(app, "#share-status")
        users, groups, _ = maps(await client.data_assets.get_permissions(FMRI))
        assert users["grace@example.org"] == "editor" and groups["imaging-core"] == "editor"
        # changing the editor entry moves it to an offered role (down: viewer)
        entries = screen.query_one("#share-entries", OptionList)
        entries.focus()
        entries.highlighted = next(i for i, e in enumerate(screen.draft.entries)
                                   if e.name == "grace@example.org")
        await pilot.press("left")
        await settle(app, pilot)
        assert "grace@example.org: editor → viewer" in text_of(app, "#share-diff")


# --- create -------------------------------------------------------------------------------------

async def selected(client: CodeOceanClient, *ids: str) -> list[DataAsset]:
    return [await client.data_assets.get_data_asset(i) for i in ids]


def create_posts(recorder) -> int:  # type: ignore[no-untyped-def]
    return len([r for r in recorder.requests if r.method == "POST" and r.url.path == "/api/v1/data_assets"])


async def test_create_from_s3(client: CodeOceanClient) -> None:
    app = Host(lambda: CreateScreen(client, []))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("tab")
        assert app.focused is app.screen.query_one("#create-bucket", Input)
        await fill(pilot, "#create-bucket", "s3://demo-public-bucket/examples")
        await pilot.press("tab", "tab", "tab", "tab", "tab")  # prefix, endpoint, two checkboxes
        assert app.focused is app.screen.query_one("#create-name", Input)
        await fill(pilot, "#create-name", "iris examples")
        await pilot.press("tab")
        await settle(app, pilot)
        assert app.screen.query_one("#create-mount", Input).placeholder == "iris_examples"
        await pilot.press("tab")
        assert app.screen.query_one("#create-description", TextArea).has_focus
        await fill(pilot, "#create-description", "Fisher's iris\nthree species, 150 flowers")
        await pilot.press("tab")  # leaves the multi-line description (no tab typed in it)
        await fill(pilot, "#create-tags", "iris, demo")
        await pilot.press("enter")  # on to the custom metadata: the required project first
        assert app.focused is app.screen.query_one("#create-custom-0", Input)
        await fill(pilot, "#create-custom-0", "Iris atlas")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    assert len(app.dismissed) == 1
    asset = app.dismissed[0]
    assert isinstance(asset, DataAsset) and asset.state == "draft"
    assert (asset.name, asset.mount, asset.tags, asset.description) == (
        "iris examples", "iris_examples", ("iris", "demo"),
        "Fisher's iris\nthree species, 150 flowers")
    assert asset.source_bucket is not None and asset.source_bucket.prefix == "examples"
    assert asset.custom_metadata == {"project": "Iris atlas"}


async def test_create_validation_is_inline_and_sends_nothing(client: CodeOceanClient, recorder) -> None:  # type: ignore[no-untyped-def]
    app = Host(lambda: CreateScreen(client, []))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        # a field's problem shows once it is left ...
        await pilot.press("tab", *"Bad B", "tab")
        await settle(app, pilot)
        assert "not an S3 bucket name" in text_of(app, "#create-bucket-error")
        assert text_of(app, "#create-name-error") == ""  # not visited yet
        # ... and every problem on ctrl+s, with the focus on the first one
        app.screen.query_one("#create-tags", Input).value = "a, b, A"
        app.screen.query_one("#create-mount", Input).value = "../x"
        app.screen.query_one("#create-description", TextArea).text = "two\nlines \x1b[31mred"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "enter a name" in text_of(app, "#create-name-error")
        assert "no '/'" in text_of(app, "#create-mount-error")
        assert "duplicate tag 'A'" in text_of(app, "#create-tags-error")
        assert "no control characters" in text_of(app, "#create-description-error")
        assert "Fix the fields" in text_of(app, "#create-status")
        assert app.focused is app.screen.query_one("#create-bucket", Input)
        # fixing a field clears its message as it is typed
        await pilot.press("ctrl+a", "ctrl+k", *"demo-bucket")
        await settle(app, pilot)
        assert text_of(app, "#create-bucket-error") == ""
        assert isinstance(app.screen, CreateScreen)
    assert create_posts(recorder) == 0 and app.dismissed == []


async def test_create_server_refusal_keeps_the_form(client: CodeOceanClient) -> None:
    theirs = computation_id("rnaseq")  # Grace's run: Ada may see it but not capture it
    app = Host(lambda: CreateScreen(client, []))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("right", "tab")
        await fill(pilot, "#create-computation_id", theirs)
        await pilot.pause(0.6)  # the lookup runs once typing pauses
        await settle(app, pilot)
        assert "Run 1 - nf-core/rnaseq 3.14" in text_of(app, "#create-computation-info")
        await fill(pilot, "#create-name", "rnaseq capture")
        await fill(pilot, "#create-custom-0", "Immune atlas")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        status = text_of(app, "#create-status")
        assert "permission" in status and "Everything you typed is kept" in status
        assert app.screen.query_one("#create-name", Input).value == "rnaseq capture"
        assert app.screen.query_one("#create-computation_id", Input).value == theirs
        await pilot.press("escape")
        await settle(app, pilot)
    assert app.dismissed == [None]


async def test_create_refuses_a_computation_without_results(client: CodeOceanClient, recorder) -> None:  # type: ignore[no-untyped-def]
    app = Host(lambda: CreateScreen(client, []))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("right", "tab")
        await fill(pilot, "#create-computation_id", computation_id("fusion-failed"))
        await fill(pilot, "#create-name", "fusion")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        # the typed-ID lookup runs on a short timer as well: under load its answer can land
        # after the create's own check, so wait for the message rather than a fixed round
        await until(lambda: "the run failed"
                    in text_of(app, "#create-computation_id-error"))
    assert create_posts(recorder) == 0


async def test_combined_is_offered_only_for_two_or_more_external(client: CodeOceanClient) -> None:
    internal = await selected(client, BEHAVIOR, PROBES)
    app = Host(lambda: CreateScreen(client, internal))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        from co_tui.widgets.choice import Choice

        assert [label for _, label in app.screen.query_one("#create-source", Choice).options] == [
            "S3 bucket", "computation results"]
        assert "Combine is not offered: of 2 selected, none is external" in text_of(
            app, "#create-combine-note")
    two = await selected(client, SPIM_RAW, EXA_RAW)
    app = Host(lambda: CreateScreen(client, two))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert not app.screen.query_one("#create-combine-note").display  # nothing left out
        await pilot.press("left")  # wraps to the last source: combine
        await settle(app, pilot)
        parts = text_of(app, "#create-parts")
        assert "SmartSPIM_695464_2023-10-18_20-52-55 raw" in parts
        assert "→ /data/exaSPIM_653158_2023-06-01_21-08-12" in parts
        await pilot.press("tab")
        assert app.focused is app.screen.query_one("#create-name", Input)
        await fill(pilot, "#create-name", "light-sheet pair")
        await fill(pilot, "#create-custom-0", "Thalamus in the middle")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    asset = app.dismissed[0]
    assert isinstance(asset, DataAsset) and asset.type == "combined"
    assert {c.id for c in asset.contained_data_assets or ()} == {SPIM_RAW, EXA_RAW}


# --- copy ----------------------------------------------------------------------------------------

async def test_copy_is_trusted_on_a_good_terminal() -> None:
    app = Host()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        policy = copy_text(app, "asset ID", "abc-123", key="y", env=KITTY)
        await settle(app, pilot)
        assert policy.trust_osc52 and app.clipboard == "abc-123"
        assert not isinstance(app.screen, CopyScreen)
        assert [str(n.message) for n in app._notifications] == [
            'Copied asset ID.\nPress y again to show it to select (clipboard = "dialog" always '
            'does).']


UNTRUSTED: list[tuple[dict[str, str], str]] = [
    ({"CO_CAPSULE_ID": "cap", **KITTY}, "Inside a Code Ocean capsule"),
    ({"TERM": "xterm-256color"}, "Unknown terminal"),
]


async def test_an_untrusted_copy_shows_no_dialog_until_copied_again() -> None:
    url = "https://codeocean.example.org/data-assets/abc-123"
    now = [100.0]
    app = Host()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        for index, (env, reason) in enumerate(UNTRUSTED):
            text = url + str(index)
            copy_text(app, "web URL", text, key="Y", env=env, clock=lambda: now[0])
            await settle(app, pilot)
            assert app.clipboard == text and not isinstance(app.screen, CopyScreen)
            toast = str(list(app._notifications)[-1].message)
            assert "Copied web URL: the terminal may drop it" in toast
            assert "Press Y again to show it to select" in toast
            now[0] += 5
            copy_text(app, "web URL", text, key="Y", env=env, clock=lambda: now[0])
            await settle(app, pilot)
            assert isinstance(app.screen, CopyScreen)
            assert reason in text_of(app, "#copy-note")
            await pilot.press("escape")
            await settle(app, pilot)
        now[0] += 60  # too late to count as "again": a toast only
        copy_text(app, "web URL", url + "1", key="Y", env=KITTY, clock=lambda: now[0])
        await settle(app, pilot)
        assert not isinstance(app.screen, CopyScreen)


FALLBACKS: list[tuple[dict[str, Any], str]] = [
    ({"force_dialog": True, "env": KITTY}, "This terminal accepts OSC 52."),
    ({"env": KITTY, "mode": ClipboardMode.DIALOG}, "always show"),
    ({"env": {"TERM": "xterm-256color", "CO_TUI_CLIPBOARD": "dialog"}}, "always show"),
]


async def test_copy_dialog_when_forced_or_set() -> None:
    url = "https://codeocean.example.org/data-assets/abc-123"
    app = Host()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        for index, (kwargs, reason) in enumerate(FALLBACKS):
            copy_text(app, "asset web URL", url + str(index), **kwargs)
            await settle(app, pilot)
            assert app.clipboard == url + str(index)
            screen = app.screen
            assert isinstance(screen, CopyScreen)
            area = screen.query_one("#copy-text", TextArea)
            assert area.text == app.clipboard and area.read_only
            assert area.selected_text == app.clipboard
            note = text_of(app, "#copy-note")
            assert reason in note and "browser terminals" in note, reason
            assert "Copied asset web URL" in str(list(app._notifications)[-1].message)
            await pilot.press("enter" if index % 2 else "escape")
            await settle(app, pilot)
            assert not isinstance(app.screen, CopyScreen)


async def test_copied_text_is_sanitised_and_secrets_refused(client: CodeOceanClient, emulator: Emulator) -> None:
    app = Host()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        copy_text(app, "name", "evil\x1b]52;c;cm0gLXJm\x07\u202e", force_dialog=True, env=KITTY)
        await settle(app, pilot)
        assert app.clipboard == "evil\\x1b]52;c;cm0gLXJm\\x07\\u202e"
        assert app.screen.query_one("#copy-text", TextArea).text == app.clipboard
        await pilot.press("escape")
        copy_text(app, "token", f"see {emulator.main_token}", env=KITTY)
        await settle(app, pilot)
        assert app.clipboard == "evil\\x1b]52;c;cm0gLXJm\\x07\\u202e"  # unchanged
        assert "refusing to copy" in str(list(app._notifications)[-1].message)


# --- clipboard texts and the OSC 52 policy --------------------------------------------------------

async def test_clipboard_texts_never_carry_the_token(client: CodeOceanClient, emulator: Emulator, clock) -> None:  # type: ignore[no-untyped-def]
    token = emulator.main_token
    asset = await client.data_assets.get_data_asset(BEHAVIOR)
    assert asset_id_text(asset) == BEHAVIOR
    url = asset_web_url(client, BEHAVIOR)
    assert url == f"http://emulator.test/data-assets/{BEHAVIOR}"
    folder = await client.data_assets.list_data_asset_files(BEHAVIOR)
    path = next(item.path for item in folder.items if not item.is_folder)
    link = await file_share_link(client, BEHAVIOR, path)
    urls = await client.data_assets.get_data_asset_file_urls(BEHAVIOR, path)
    assert link.url == urls.view_url != urls.download_url  # the link that opens in a browser
    assert "inline" in link.url and link.expires_at == int(clock.now) + 3600
    assert "until" in link.note(now=clock.now) and link.note(now=clock.now + 3601).endswith("expired.")
    for text in (asset_id_text(asset), url, link.url):
        assert token not in text and "Basic" not in text
    with pytest.raises(ValueError):
        ensure_no_secret(f"http://emulator.test/x?note={token}")
    with pytest.raises(ValueError):
        asset_web_url("https://user:pw@codeocean.example.org", BEHAVIOR)
    assert asset_web_url("https://co.example.org/", "a/b") == "https://co.example.org/data-assets/a%2Fb"


@pytest.mark.parametrize(("env", "trusted"), [
    ({"TERM": "xterm-kitty"}, True),
    ({"TERM_PROGRAM": "WezTerm"}, True),
    ({"WT_SESSION": "1", "TERM": "xterm-256color"}, True),
    ({"TERM": "foot", "SSH_CONNECTION": "1 2 3 4"}, True),
    ({"TERM": "xterm-256color", "SSH_TTY": "/dev/pts/1"}, False),
    ({"TERM_PROGRAM": "Apple_Terminal"}, False),
    ({"TERM_PROGRAM": "iTerm.app"}, False),
    ({"TERM_PROGRAM": "vscode"}, False),
    ({"JUPYTERHUB_USER": "ada", "TERM": "xterm-kitty"}, False),
    ({"CO_COMPUTATION_ID": "c", "TERM": "xterm-kitty"}, False),
    ({"STY": "1.pts", "TERM": "screen"}, False),
    ({"TMUX": "/tmp/t,1,0", "TERM": "tmux-256color"}, False),
    ({"TERM": "xterm-kitty", "CO_TUI_CLIPBOARD": "dialog"}, False),
    ({"TERM": "dumb", "CO_TUI_CLIPBOARD": "osc52"}, True),
    ({}, False),
])
def test_osc52_policy(env: dict[str, str], trusted: bool) -> None:
    assert copy_policy(env, tmux_option=lambda: "external").trust_osc52 is trusted


def test_osc52_policy_in_tmux_follows_set_clipboard() -> None:
    env = {"TMUX": "/tmp/t,1,0", "TERM": "tmux-256color"}
    assert copy_policy(env, tmux_option=lambda: "on").trust_osc52
    assert not copy_policy(env, tmux_option=lambda: None).trust_osc52
    assert copy_policy(env, mode="osc52", tmux_option=lambda: "off").trust_osc52
