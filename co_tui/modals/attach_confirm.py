"""The question before attaching or detaching several assets: how many, their total size, and
which are skipped and why (an :class:`~co_tui.operations.capsule_attached.AttachPlan`).

A :class:`~co_tui.modals.confirm.ConfirmScreen` with this body; ``y`` sends, ``n`` / ``esc``
sends nothing. It fits 80x24: a few names, then a line per skip reason.
"""

from __future__ import annotations

from textual.content import Content

from co_tui.formatting import plural
from co_tui.modals.confirm import ConfirmScreen
from co_tui.operations.capsule_attached import AttachPlan
from co_tui.safe_text import display, join

__all__ = ["attach_confirm_screen", "plan_body"]

NAMES_SHOWN = 4
"""Names of the assets to send listed before "... and N more" (the body holds 12 lines)."""
LINE_CELLS = 58
"""Cells a body line may take (the dialog is 64 wide: 60 inside its border and padding)."""


def _names(names: list[str], cells: int) -> Content:
    """As many of ``names`` as fit in ``cells`` (each cut to fit), then ``+N``."""
    shown: list[Content] = []
    left = cells
    for index, name in enumerate(names):
        rest = len(names) - index - 1
        reserve = len(f", +{rest}") if rest else 0
        room = left - reserve - (2 if shown else 0)
        if room < 8 and shown:
            break
        shown.append(display(name, max_cells=max(8, min(room, 28))))
        left -= shown[-1].cell_length + (2 if len(shown) > 1 else 0)
    more = len(names) - len(shown)
    return join(Content(", ").join(shown), f", +{more}" if more else "")


def plan_body(plan: AttachPlan) -> Content:
    """The dialog's body: the assets to send, external ones, and the skipped ones by reason."""
    lines: list[Content] = [join("  • ", display(a.name, max_cells=LINE_CELLS - 4))
                            for a in plan.send[:NAMES_SHOWN]]
    if len(plan.send) > NAMES_SHOWN:
        lines.append(join(f"  … and {len(plan.send) - NAMES_SHOWN} more"))
    if plan.external:
        lines.append(join(f"Includes {plural(plan.external, 'external asset')} "
                          "(files stay in their bucket)."))
    if not plan.attached_known:
        lines.append(join("Which assets are attached is not known: the server decides."))
    if plan.skipped:
        lines.append(Content(""))
        lines.append(join(f"Skipped, not sent ({len(plan.skipped)}):"))
        for reason, count in plan.skipped_reasons():
            names = [s.asset.name for s in plan.skipped if s.reason == reason]
            head = f"  – {count} {reason}: "
            lines.append(join(head, _names(names, LINE_CELLS - len(head))))
    return Content("\n").join(lines)


def attach_confirm_screen(plan: AttachPlan) -> ConfirmScreen:
    """The confirmation of ``plan``; dismisses with True to send ``plan.send``."""
    verb = "Attach" if plan.action == "attach" else "Detach"
    return ConfirmScreen(plan.summary(), plan_body(plan), f"{verb} {len(plan.send)}",
                         about={a.id: a.name for a in plan.send})
