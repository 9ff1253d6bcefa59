"""co_tui.operations.rights against the emulator's own access rules (co_tui.emulator.acl)."""

from __future__ import annotations

from co_tui.api import CodeOceanClient, PermissionDeniedError
from co_tui.api.models import DataAsset, DataAssetSearchParams, Permissions, UserPermissions
from co_tui.emulator import Emulator, EmulatorConfig, acl
from co_tui.operations.rights import NEEDS, RANK, Identity, Rights, learn_identity, role_on


async def _visible(client: CodeOceanClient) -> list[DataAsset]:
    params = DataAssetSearchParams(archived=False)
    return [a async for a in client.data_assets.search_data_assets_iterator(params)]


async def test_identity_comes_from_an_asset_the_user_created(emulator: Emulator,
                                                             client: CodeOceanClient) -> None:
    me = emulator.store.user_by_token(emulator.main_token)
    assert me is not None
    identity = await learn_identity(client)
    assert identity == Identity(user_id=me.id, email=me.email)


async def test_a_user_who_created_nothing_stays_unknown() -> None:
    emulator = Emulator(EmulatorConfig(seed="empty"))
    transport = emulator.transport()
    async with CodeOceanClient(emulator.config.api_origin, emulator.main_token,
                               transport=transport, files_transport=transport) as client:
        assert await learn_identity(client) == Identity()
    emulator.close()


async def test_every_concluded_role_is_the_servers_role(emulator: Emulator,
                                                        client: CodeOceanClient) -> None:
    """Never wrong: whatever role co-tui concludes for a visible asset is the emulator's; and
    it does conclude viewer somewhere, so actions really get greyed out."""
    me = emulator.store.user_by_token(emulator.main_token)
    assert me is not None
    identity = await learn_identity(client)
    concluded: dict[str, int] = {}
    for asset in await _visible(client):
        try:
            perms = await client.data_assets.get_permissions(asset.id)
        except PermissionDeniedError:
            perms = None  # only discoverable: Rights.discoverable_only covers it
        role = role_on(asset, identity, perms)
        row = emulator.store.asset_row(asset.id)
        assert row is not None
        actual = acl.asset_role(emulator.store, me, row)
        if role is not None:
            assert role == actual, (asset.name, role, actual)
            concluded[role] = concluded.get(role, 0) + 1
    assert concluded.get("owner", 0) > 0 and concluded.get("viewer", 0) > 0, concluded


async def test_viewer_reason_and_refusal(emulator: Emulator, client: CodeOceanClient) -> None:
    identity = await learn_identity(client)
    rights = Rights(identity)
    me = emulator.store.user_by_token(emulator.main_token)
    assert me is not None
    viewer_asset = None
    for asset in await _visible(client):
        try:
            perms = await client.data_assets.get_permissions(asset.id)
        except PermissionDeniedError:
            rights.discoverable_only(asset.id)
            assert rights.reason(asset, "edit") is not None
            row = emulator.store.asset_row(asset.id)
            assert row is not None
            assert acl.asset_role(emulator.store, me, row) == "discoverable"
            continue
        if rights.learn(asset, perms) == "viewer":
            viewer_asset = asset
            break
    assert viewer_asset is not None
    reason = rights.reason(viewer_asset, "share")
    assert reason is not None and "viewer" in reason and "owner" in reason
    assert rights.reason(viewer_asset, "edit") is not None
    assert rights.reason(viewer_asset, "download") is None  # not a guarded action
    # and the server agrees: sharing it is refused
    perms = await client.data_assets.get_permissions(viewer_asset.id)
    try:
        await client.data_assets.update_permissions(viewer_asset.id, perms)
    except PermissionDeniedError:
        pass
    else:
        raise AssertionError("the emulator let a viewer share")


def test_unknown_role_disables_nothing_and_a_403_disables_from_then_on() -> None:
    asset = DataAsset(id="a1", name="x", owner="someone-else")
    rights = Rights(Identity(user_id="me", email="me@example.org"))
    assert all(rights.reason(asset, action) is None for action in NEEDS)
    rights.refuse("a1", "archive")
    assert rights.reason(asset, "archive") is not None
    assert rights.reason(asset, "delete") is not None  # also needs the owner
    assert rights.reason(asset, "edit") is None  # an editor may still edit


def test_roles_from_grants_and_not_from_groups_or_everyone() -> None:
    me = Identity(user_id="u1", email="Me@Example.org")
    asset = DataAsset(id="a1", owner="u2")
    grant = Permissions(users=[UserPermissions(email="me@example.org", role="editor")])
    assert role_on(asset, me, grant) == "editor"
    assert role_on(asset, me, Permissions(users=[], everyone="viewer")) is None  # maybe admin
    assert role_on(DataAsset(id="a2", owner="u1"), me) == "owner"
    rights = Rights(me)
    rights.learn(asset, grant)
    assert rights.reason(asset, "edit") is None
    reason = rights.reason(asset, "share")
    assert reason is not None and "editor" in reason
    assert RANK["owner"] > RANK["editor"]
    mixed = [asset, DataAsset(id="a3", owner="u1")]
    assert rights.reasons(mixed, "share") is None  # one of them may be shared
    assert rights.reasons([asset], "share") == reason
