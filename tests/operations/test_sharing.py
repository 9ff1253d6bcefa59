"""Sharing (co_tui.operations.sharing): validation, diffs, confirmations, and saves against the emulator."""

from __future__ import annotations

import pytest

from co_tui.api import BadRequestError, CodeOceanClient, PermissionDeniedError
from co_tui.api.models import GroupPermissions, Permissions, UserPermissions
from co_tui.emulator import Emulator, EmulatorConfig
from co_tui.emulator.seeds.demo_base import asset_id
from co_tui.operations.sharing import (
    Entry,
    PermissionsDraft,
    SharingError,
    apply_permissions,
    diff_permissions,
    validate_email,
)

RAW_661 = asset_id("ecephys_661398_2023-03-21_15-47-03 raw")  # ada owns; alan viewer; neuro-lab viewer
FMRI = asset_id("fMRI resting-state cohort A (BIDS)")  # ada owns; alan viewer


@pytest.fixture
def emulator(clock, demo_seed):  # type: ignore[no-untyped-def]
    """The demo emulator built from the session's seed records (building them is most of the
    cost of a fresh emulator)."""
    return Emulator(EmulatorConfig(seed="demo", clock=clock), seed_data=demo_seed)


def perms(users: dict[str, str], groups: dict[str, str] | None = None, everyone: str = "none") -> Permissions:
    return Permissions(
        users=[UserPermissions(email=e, role=r) for e, r in users.items()],
        groups=[GroupPermissions(group=g, role=r) for g, r in (groups or {}).items()],
        everyone=everyone,
    )


def as_maps(p: Permissions) -> tuple[dict[str, str], dict[str, str], str]:
    return ({u.email.lower(): u.role for u in p.users or []},
            {g.group: g.role for g in p.groups or []}, p.everyone or "none")


# --- validation and editing (no server) ----------------------------------------------------------

@pytest.mark.parametrize("email", ["a@b.org", "Ada.Lovelace+co@example.co.uk", "  x@y.io  "])
def test_valid_emails(email: str) -> None:
    assert validate_email(email) == email.strip()


@pytest.mark.parametrize("email", ["", "ada", "ada@", "@example.org", "ada@example", "a b@c.org",
                                   "ada@@example.org", "Ada <ada@example.org>", "a@b.org, c@d.org",
                                   "ada@example.org\x1b]52;c;x\x07", "a@b.org\nc@d.org"])
def test_malformed_emails_are_rejected(email: str) -> None:
    with pytest.raises(SharingError) as info:
        validate_email(email)
    assert info.value.field == "email"


def test_duplicates_roles_and_the_owner_are_guarded() -> None:
    draft = PermissionsDraft(perms({"ada@example.org": "owner", "alan@example.org": "viewer"}),
                             owner_email="ada@example.org")
    with pytest.raises(SharingError, match="already in the list"):
        draft.add("user", "ALAN@example.org", "viewer")
    with pytest.raises(SharingError, match=r"already in the list \(the owner"):
        draft.add("user", "ada@example.org", "viewer")
    with pytest.raises(SharingError, match="a user can be viewer or owner"):
        draft.add("user", "grace@example.org", "discoverable")
    owner = draft.find("user", "Ada@Example.org")
    assert owner is not None and draft.is_owner_entry(owner)
    with pytest.raises(SharingError, match="cannot be removed"):
        draft.remove(owner)
    with pytest.raises(SharingError, match="stays owner"):
        draft.set_role(owner, "viewer")
    with pytest.raises(SharingError):
        draft.set_everyone("editor")
    assert not draft.dirty  # none of the refused edits changed anything
    draft.add("group", "genomics", "discoverable")
    assert draft.cycle_role(Entry("group", "genomics", "discoverable")).role == "viewer"
    assert draft.dirty


def test_editor_is_never_offered_but_one_from_the_server_is_kept() -> None:
    draft = PermissionsDraft(perms({"ada@x.org": "owner", "alan@x.org": "editor"},
                                   {"imaging": "editor"}), owner_email="ada@x.org")
    for kind, name in (("user", "grace@x.org"), ("group", "genomics")):
        with pytest.raises(SharingError, match=r"\(not 'editor'\)") as info:
            draft.add(kind, name, "editor")  # type: ignore[arg-type]
        assert info.value.field == "role"
    alan = draft.find("user", "alan@x.org")
    imaging = draft.find("group", "imaging")
    assert alan is not None and alan.role == "editor"  # shown as it is
    assert imaging is not None and imaging.role == "editor"
    with pytest.raises(SharingError):
        draft.set_role(Entry("user", "alan@x.org", "viewer"), "editor")
    assert not draft.dirty
    sent = draft.to_permissions()  # sent back unchanged
    assert as_maps(sent)[0]["alan@x.org"] == "editor" and as_maps(sent)[1] == {"imaging": "editor"}
    # changing it moves to an offered role: up to owner, down to viewer
    assert draft.cycle_role(alan, 1).role == "owner"
    draft.set_role(alan, "viewer")
    assert draft.cycle_role(imaging, -1).role == "viewer"
    assert {(c.name, c.before, c.after) for c in draft.diff().changes} == {
        ("alan@x.org", "editor", "viewer"), ("imaging", "editor", "viewer")}
    back = PermissionsDraft(perms({"ada@x.org": "owner", "alan@x.org": "editor"}),
                            owner_email="ada@x.org")
    alan = back.find("user", "alan@x.org")
    assert alan is not None and back.cycle_role(alan, -1).role == "viewer"


def test_share_assets_is_part_of_the_draft_and_the_diff() -> None:
    loaded = perms({"ada@x.org": "owner"})
    assert loaded.share_assets is None  # a server that does not say: off
    draft = PermissionsDraft(loaded, owner_email="ada@x.org")
    assert draft.share_assets is False and draft.to_permissions().share_assets is False
    draft.set_share_assets(True)
    assert draft.dirty and draft.to_permissions().share_assets is True
    (change,) = draft.diff().changes
    assert change.kind == "share_assets" and not change.needs_confirmation
    assert change.describe() == "also share the attached assets: off → on"
    on = Permissions(users=loaded.users, everyone="none", share_assets=True)
    assert PermissionsDraft(on).share_assets is True
    assert diff_permissions(on, loaded).changes[0].describe().endswith("on → off")


def test_owner_defaults_to_the_first_owner_listed() -> None:
    draft = PermissionsDraft(perms({"grace@example.org": "owner", "ada@example.org": "owner"}))
    assert draft.owner_email == "grace@example.org"
    ada = draft.find("user", "ada@example.org")
    assert ada is not None and not draft.is_owner_entry(ada)
    draft.remove(ada)  # a granted owner can be removed; only the asset's owner is fixed


def test_diff_lists_every_change_and_what_needs_confirming() -> None:
    before = perms({"ada@x.org": "owner", "alan@x.org": "viewer", "bob@x.org": "viewer"},
                   {"neuro-lab": "viewer", "old": "viewer"}, "none")
    after = perms({"ada@x.org": "owner", "alan@x.org": "owner", "grace@x.org": "viewer"},
                  {"neuro-lab": "discoverable", "genomics": "owner"}, "viewer")
    diff = diff_permissions(before, after, owner_email="ada@x.org")
    got = {(c.kind, c.name, c.action, c.before, c.after, c.needs_confirmation) for c in diff.changes}
    assert got == {
        ("user", "alan@x.org", "changed", "viewer", "owner", True),
        ("user", "grace@x.org", "added", None, "viewer", False),
        ("user", "bob@x.org", "removed", "viewer", None, False),
        ("group", "neuro-lab", "changed", "viewer", "discoverable", False),
        ("group", "genomics", "added", None, "owner", True),
        ("group", "old", "removed", "viewer", None, False),
        ("everyone", "everyone", "changed", "none", "viewer", True),
    }
    assert len(diff.confirmation_reasons()) == 3
    # narrowing everyone needs no second look; widening to discoverable does
    assert not diff_permissions(perms({}, everyone="viewer"), perms({}, everyone="discoverable")).confirmations
    assert diff_permissions(perms({}), perms({}, everyone="discoverable")).confirmations
    assert diff_permissions(before, before).empty


# --- against the emulator ----------------------------------------------------------------------

async def test_changes_land_as_diffed(client: CodeOceanClient, emulator: Emulator) -> None:
    loaded = await client.data_assets.get_permissions(RAW_661)
    draft = PermissionsDraft(loaded, owner_email="ada@example.org")
    draft.add("user", "Grace@Example.org", "viewer")
    alan = draft.find("user", "alan@example.org")
    assert alan is not None
    draft.set_role(alan, "owner")
    neuro = draft.find("group", "neuro-lab")
    assert neuro is not None
    draft.remove(neuro)
    draft.add("group", "genomics", "discoverable")
    draft.set_everyone("discoverable")
    wanted = as_maps(draft.to_permissions())
    result = await apply_permissions(client, RAW_661, draft)
    assert result.landed and not result.outcome_was_unknown and result.remaining.empty
    after = await client.data_assets.get_permissions(RAW_661)
    assert as_maps(after) == as_maps(result.permissions) == wanted
    assert as_maps(after) == ({"ada@example.org": "owner", "alan@example.org": "owner",
                               "grace@example.org": "viewer"}, {"genomics": "discoverable"},
                              "discoverable")
    assert [w for w in emulator.write_log if w[1].endswith("/permissions")] == [
        ("POST", f"/api/v1/data_assets/{RAW_661}/permissions", 204)]
    draft.rebase(result.permissions, keep_edits=False)
    assert not draft.dirty


async def test_nothing_to_save_sends_nothing(client: CodeOceanClient, recorder) -> None:  # type: ignore[no-untyped-def]
    draft = PermissionsDraft(await client.data_assets.get_permissions(FMRI))
    result = await apply_permissions(client, FMRI, draft)
    assert not result.sent and result.message == "Nothing to save."
    assert recorder.sent("POST", "/permissions") == []


async def test_unknown_user_is_the_servers_400_and_changes_nothing(
    client: CodeOceanClient, emulator: Emulator
) -> None:
    before = await client.data_assets.get_permissions(FMRI)
    draft = PermissionsDraft(before)
    draft.add("user", "nobody@example.org", "viewer")
    with pytest.raises(BadRequestError) as info:
        await apply_permissions(client, FMRI, draft)
    assert info.value.status == 400 and "nobody@example.org" in info.value.message
    assert as_maps(await client.data_assets.get_permissions(FMRI)) == as_maps(before)
    assert draft.find("user", "nobody@example.org") is not None  # the edit is kept
    assert emulator.write_log == []


async def test_malformed_email_never_reaches_the_server(client: CodeOceanClient, recorder) -> None:  # type: ignore[no-untyped-def]
    draft = PermissionsDraft(await client.data_assets.get_permissions(FMRI))
    sent = len(recorder.requests)
    with pytest.raises(SharingError):
        draft.add("user", "grace@example", "viewer")
    assert len(recorder.requests) == sent and not draft.dirty


async def test_a_viewer_gets_403(client_for, emulator: Emulator) -> None:  # type: ignore[no-untyped-def]
    alan = client_for("alan@example.org")
    loaded = await alan.data_assets.get_permissions(FMRI)  # viewers may read the permissions
    draft = PermissionsDraft(loaded)
    draft.add("user", "grace@example.org", "viewer")
    with pytest.raises(PermissionDeniedError) as info:
        await apply_permissions(alan, FMRI, draft)
    assert info.value.status == 403
    assert emulator.write_log == []


async def test_a_lost_answer_is_read_back_not_resent(  # type: ignore[no-untyped-def]
    client: CodeOceanClient, emulator: Emulator, recorder
) -> None:
    draft = PermissionsDraft(await client.data_assets.get_permissions(FMRI))
    draft.add("user", "grace@example.org", "viewer")
    emulator.faults.inject("lost", 1, "POST", "/permissions")
    result = await apply_permissions(client, FMRI, draft)
    assert result.outcome_was_unknown and result.landed
    assert "was applied" in result.message
    assert len(recorder.sent("POST", "/permissions")) == 1
    assert [w[0] for w in emulator.write_log] == ["POST"]
    assert as_maps(result.permissions)[0]["grace@example.org"] == "viewer"


async def test_a_dropped_request_that_did_not_land_says_so(  # type: ignore[no-untyped-def]
    client: CodeOceanClient, emulator: Emulator, recorder
) -> None:
    before = await client.data_assets.get_permissions(FMRI)
    draft = PermissionsDraft(before)
    draft.set_everyone("viewer")
    emulator.faults.inject("reset", 1, "POST", "/permissions")
    result = await apply_permissions(client, FMRI, draft)
    assert result.outcome_was_unknown and not result.landed
    assert "not applied" in result.message and "nothing was re-sent" in result.message
    assert [c.kind for c in result.remaining.changes] == ["everyone"]
    assert len(recorder.sent("POST", "/permissions")) == 1
    assert emulator.write_log == []
    draft.rebase(result.permissions, keep_edits=True)
    assert draft.everyone == "viewer" and draft.dirty  # the edit is still there to retry


async def test_share_assets_and_a_held_editor_round_trip(client: CodeOceanClient,
                                                         emulator: Emulator) -> None:
    """A server that holds an editor from before: saving another change sends it back as it is
    (accepted), share_assets lands and reads back; a new editor is the server's 400."""
    row = emulator.store.asset_row(RAW_661)
    assert row is not None
    pk = row["pk"]
    with emulator.store.transaction() as conn:
        conn.execute("INSERT INTO asset_users (asset, email_lc, role) VALUES (?, ?, 'editor')",
                     (pk, "grace@example.org"))
    draft = PermissionsDraft(await client.data_assets.get_permissions(RAW_661),
                             owner_email="ada@example.org")
    grace = draft.find("user", "grace@example.org")
    assert grace is not None and grace.role == "editor"
    draft.set_share_assets(True)
    draft.add("group", "genomics", "viewer")
    result = await apply_permissions(client, RAW_661, draft)
    assert result.landed and result.permissions.share_assets is True
    users, groups, _ = as_maps(result.permissions)
    assert users["grace@example.org"] == "editor" and groups["genomics"] == "viewer"
    wanted = draft.to_permissions()
    assert wanted.users is not None
    wanted.users.append(UserPermissions(email="rosalind@example.org", role="editor"))
    with pytest.raises(BadRequestError) as info:
        await client.data_assets.update_permissions(RAW_661, wanted)
    assert "editor" in info.value.message and "rosalind@example.org" in info.value.message
