"""``QuickLook``: a compact panel describing the highlighted asset."""

from __future__ import annotations

from textual.content import Content
from textual.timer import Timer
from textual.widget import Widget

from co_tui.api.models import DataAsset
from co_tui.formatting import format_count, format_date, format_size
from co_tui.safe_text import display, join
from co_tui.widgets.asset_state import state_content

__all__ = ["QuickLook", "describe"]

DESCRIPTION_PREVIEW_CHARS = 600


def _row(label: str, value: Content) -> Content:
    return Content.assemble((f"{label:<10}", "bold"), value, "\n")


def describe(asset: DataAsset | None) -> Content:
    """The quick-look text for ``asset`` (every server string sanitised)."""
    if asset is None:
        return Content("No asset selected.")
    parts: list[Content] = [display(asset.name, style="bold"), Content("\n\n")]
    parts.append(_row("State", state_content(asset.state)))
    if asset.failure_reason:
        parts.append(_row("Failure", display(asset.failure_reason, multiline=True, style="$error")))
    parts.append(_row("Type", display(asset.type)))
    origin = "external" if asset.is_external else "internal"
    parts.append(_row("Origin", Content(origin)))
    parts.append(_row("Size", Content(f"{format_size(asset.size) or '?'} in "
                                      f"{format_count(asset.files) or '?'} files")))
    parts.append(_row("Owner", display(asset.owner_email or asset.owner)))
    parts.append(_row("Created", Content(format_date(asset.created))))
    parts.append(_row("Last used", Content(format_date(asset.last_used))))
    parts.append(_row("Mount", display(f"/data/{asset.mount}")))
    if asset.tags:
        parts.append(_row("Tags", join(*[display(t) for t in asset.tags], separator=", ")))
    prov = asset.provenance
    if prov is not None:
        source = prov.capsule or prov.computation or ""
        kind = "capsule" if prov.capsule else "computation"
        if source:
            parts.append(_row("From", display(f"{kind} {source}")))
        if prov.run_script:
            parts.append(_row("Script", display(prov.run_script)))
        if prov.data_assets:
            parts.append(_row("Inputs", Content(f"{len(prov.data_assets)} data asset(s)")))
    if asset.contained_data_assets:
        parts.append(_row("Contains", Content(f"{len(asset.contained_data_assets)} data assets")))
    if asset.description:
        parts.append(Content("\n"))
        parts.append(display(asset.description, multiline=True,
                             max_chars=DESCRIPTION_PREVIEW_CHARS))
    return Content.assemble(*parts)


class QuickLook(Widget):
    """Shows :func:`describe` of the asset pushed into it with :meth:`show`.

    A fixed-size panel that repaints without asking for a new layout: ``Static.update`` would
    re-layout the whole screen on every cursor move, which is what a key press would then cost
    (bench/app_scale.py times key presses). A cursor move asks with a delay
    (:data:`FOLLOW_DELAY`): while a key is held or pressed in quick succession the panel waits,
    and it describes the row the cursor stopped on once the keys stop.
    """

    DEFAULT_CSS = """
    QuickLook { width: 44; padding: 0 1; border-left: tall $panel; height: 1fr; }
    """

    FOLLOW_DELAY = 0.1
    """Seconds the cursor must rest on a row before the panel describes it (key repeat comes
    every 30-50 ms, so a held key repaints the panel once, when it is let go)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._content = describe(None)
        self._shown: DataAsset | None = None
        self._waiting: Timer | None = None

    def render(self) -> Content:
        return self._content

    @property
    def asset(self) -> DataAsset | None:
        """The asset the panel describes, or will once its delay has passed."""
        return self._shown

    def show(self, asset: DataAsset | None, *, follow: bool = False) -> None:
        """Describe ``asset`` (or say nothing is selected): at once, or, with ``follow`` (the
        cursor moved), after :data:`FOLLOW_DELAY` unless another asset is shown meanwhile."""
        if self._waiting is not None:
            self._waiting.stop()
            self._waiting = None
        if follow and asset is self._shown:
            return
        self._shown = asset
        if follow:
            self._waiting = self.set_timer(self.FOLLOW_DELAY, self._draw, name="quick-look")
        else:
            self._draw()

    def _draw(self) -> None:
        self._waiting = None
        self._content = describe(self._shown)
        self.refresh()
