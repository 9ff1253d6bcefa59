"""What the dialogs do, without Textual: validation, conflict detection, permission diffs,
multi-asset operations with per-asset results, following a draft, who may do what, and this
session's recent writes laid over search answers that lag behind them.

Screens and modals call these from their workers; everything here is plain async Python over
:class:`co_tui.api.CodeOceanClient`, so it is tested against the emulator without a UI.
"""
