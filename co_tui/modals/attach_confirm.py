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
SKIPPED_NAMES = 2
"""Names listed after each skip reason."""


def _names(names: list[str], limit: int, max_cells: int) -> Content:
    shown = [display(name, max_cells=max_cells) for name in names[:limit]]
    more = f" … +{len(names) - limit}" if len(names) > limit else ""
    return join(Content(", ").join(shown), more)


def plan_body(plan: AttachPlan) -> Content:
    """The dialog's body: the assets to send, external ones, and the skipped ones by reason."""
    lines: list[Content] = [join("  • ", display(a.name, max_cells=56))
                            for a in plan.send[:NAMES_SHOWN]]
    if len(plan.send) > NAMES_SHOWN:
        lines.append(join(f"  … and {len(plan.send) - NAMES_SHOWN} more"))
    if plan.external:
        lines.append(join(f"Includes {plural(plan.external, 'external asset')} "
                          "(files stay in their own bucket)."))
    if not plan.attached_known:
        lines.append(join("Which assets are attached is not known: the server decides."))
    if plan.skipped:
        lines.append(Content(""))
        lines.append(join(f"Skipped, not sent ({len(plan.skipped)}):"))
        for reason, count in plan.skipped_reasons():
            names = [s.asset.name for s in plan.skipped if s.reason == reason]
            lines.append(join(f"  – {count} {reason}: ",
                              _names(names, SKIPPED_NAMES, max_cells=20)))
    return Content("\n").join(lines)


def attach_confirm_screen(plan: AttachPlan) -> ConfirmScreen:
    """The confirmation of ``plan``; dismisses with True to send ``plan.send``."""
    verb = "Attach" if plan.action == "attach" else "Detach"
    return ConfirmScreen(plan.summary(), plan_body(plan), f"{verb} {len(plan.send)}",
                         about={a.id: a.name for a in plan.send})
