"""What the dialogs do, without Textual: validation, conflict detection, permission diffs,
multi-asset operations with per-asset results, following a draft, and who may do what.

Screens and modals call these from their workers; everything here is plain async Python over
:class:`co_tui.api.CodeOceanClient`, so it is tested against the emulator without a UI.
"""
