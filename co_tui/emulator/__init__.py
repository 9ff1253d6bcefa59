"""A faithful local emulator of the Code Ocean REST API (docs/product.md, 'The emulator').

Public interface::

    from co_tui.emulator import Emulator, EmulatorConfig, FaultSpec, serve_in_thread, run_server

Names are imported lazily, so ``import co_tui.emulator.seed_model`` (used by the seeds and the
client's tests) does not pull in Starlette, uvicorn or SQLite set-up.

Where the API docs leave behaviour open (docs/api-notes.md), the emulator chooses:

* ``DELETE`` of an asset that is not archived: 400 ``data asset must be archived before it can
  be deleted`` (a state precondition, not a permission problem, so not 403; 409 is not in the
  API's documented status table).
* ``PUT`` update: null/absent fields stay unchanged; ``custom_metadata``, when given, replaces
  the whole map (``{}`` clears it).
* ``POST .../permissions``: each of ``users`` / ``groups`` / ``everyone`` that is given replaces
  that part of the ACL; null/absent parts stay. The owner always remains owner. Unknown users or
  groups are 400.
* Search: no ``archived`` means active assets only; free-text words are ANDed and matched as
  words (prefix of the last one), not substrings (``search.py``); ``limit`` 0/absent is 100,
  above 1000 or negative is 400; ``sort_order`` defaults to ``asc`` when only ``sort_field`` is
  given; the default order is ``created`` descending, ties by id. ``next_token`` may come back as
  a number.
* Create from an unknown or inaccessible computation: 400 (the request body is wrong, the URL is
  not); a computation the caller may not capture: 403. Unknown bucket, empty prefix, missing
  results path or a contained asset that is not ready: accepted as ``draft``, then ``failed``
  with a ``failure_reason``.
* A capsule's runs (``GET /capsules/{id}/computations``): newest first; 404 for an id that is
  no capsule (or no pipeline under ``/pipelines``), 403 for one the caller cannot read. A run's
  results (``POST /computations/{id}/results``): paths relative to ``/results``; 404 for a path
  that is no folder of them; a run without results lists an empty root.
* Create of a combined asset with an internal part: 400 naming each internal part (the docs make
  combined assets of external ones). A schema field marked ``required`` with no value (absent,
  null, ``""`` or ``[]``) on create: 400 naming it; an update does not re-check required fields.
* Files of an external asset: 400 naming the bucket. Files of a draft/failed asset: an empty
  listing. A listing of a missing folder, or a URL for a missing file: 404.
* Transfer: 204; an unknown target bucket records ``transfer_error``; an asset attached to a
  release pipeline needs ``force``. Detach of ids that are not attached: ignored (204).
* Roles on a data asset: ``editor`` in a permissions ``POST`` is 400 (users and groups are
  ``viewer`` / ``owner``, groups also ``discoverable``), except for an entry that already holds
  it, which may be sent back unchanged. ``share_assets`` is stored and returned by the ``GET``
  (``false`` until set).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from co_tui.emulator.core import Emulator
    from co_tui.emulator.faults import FaultInjector, FaultSpec
    from co_tui.emulator.server import ServedEmulator, run_server, serve_in_thread
    from co_tui.emulator.settings import EmulatorConfig

__all__ = [
    "Emulator",
    "EmulatorConfig",
    "FaultInjector",
    "FaultSpec",
    "ServedEmulator",
    "run_server",
    "serve_in_thread",
]

_HOMES = {
    "Emulator": "co_tui.emulator.core",
    "EmulatorConfig": "co_tui.emulator.settings",
    "FaultInjector": "co_tui.emulator.faults",
    "FaultSpec": "co_tui.emulator.faults",
    "ServedEmulator": "co_tui.emulator.server",
    "run_server": "co_tui.emulator.server",
    "serve_in_thread": "co_tui.emulator.server",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
