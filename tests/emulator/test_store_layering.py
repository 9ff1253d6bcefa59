"""The emulator's store is its lowest layer: the modules that work on a :class:`Store` (seeding,
file trees, roles, search, writes, creation) import it, never the other way round; every
``import`` counts, those inside functions included."""

from __future__ import annotations

from tests.unit.test_import_boundaries import violations

HIGHER = (
    "co_tui.emulator.loader", "co_tui.emulator.tree", "co_tui.emulator.acl",
    "co_tui.emulator.search", "co_tui.emulator.assets", "co_tui.emulator.asset_creation",
)


def test_the_store_imports_no_module_built_on_it() -> None:
    assert violations("co_tui.emulator.store", HIGHER) == []
