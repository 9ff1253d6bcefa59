"""``FilePreview``: a scrolling view of a file preview that draws only the lines on screen.

The screen builds a :class:`~co_tui.widgets.preview.document.Document` from a
:class:`~co_tui.preview.Preview` (in a worker thread) and pushes it here with
:meth:`FilePreview.show_document`. Lines are drawn when they scroll into view: a 5,000-line
chunk of a 4 GiB log costs the same first paint as a ten-line script. When the reader jumps far
ahead of the highlighter (``G``), lines show plain at once and the colours catch up in small
slices between frames, so no keypress waits for Pygments.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style as VisualStyle

from co_tui.formatting import format_size
from co_tui.preview import Preview
from co_tui.safe_text import display
from co_tui.widgets.detail_strip import content_strip
from co_tui.widgets.preview.document import Document, LinesPart, has_raw_view
from co_tui.widgets.preview.kitty_part import attach_pictures, close_pictures, kitty_output

__all__ = ["FilePreview", "preview_header"]

MUTED = "$foreground-muted"


def preview_header(preview: Preview, *, raw: bool = False) -> Content:
    """The preview's header: file name, what it is, its size, and notes on what is shown and on
    the keys that apply (``raw``: the raw view is on screen)."""
    size = format_size(preview.total_size) if preview.total_size is not None else ""
    title = Content.assemble(  # the size before the description, which may wrap
        display(preview.name or "", style="bold"),
        (f"  {size}" if size else "", MUTED), "  ",
        display(preview.title, style="$text-accent"),
    )
    notes = [n for n in preview.notes if n]
    if preview.resume is not None:
        notes.append("L loads more")
    if has_raw_view(preview):
        notes.append("m shows " + ("rendered" if raw else "raw"))
    if notes:
        title = Content.assemble(title, "\n", display(" · ".join(notes), multiline=True,
                                                      style=MUTED))
    return title

CATCH_UP_LINES = 300
"""Lines the highlighter advances per idle slice when it is behind the view."""


class FilePreview(ScrollView, can_focus=True):
    """Shows a :class:`Document`; arrows, page keys, ``g``/``G`` and ``h``/``l`` scroll."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("k", "scroll_up", "Up", show=False),
        Binding("j", "scroll_down", "Down", show=False),
        Binding("g", "scroll_home", "Top", show=False),
        Binding("G", "scroll_end", "Bottom", show=False),
        Binding("h", "scroll_left", "Left", show=False),
        Binding("l", "scroll_right", "Right", show=False),
    ]

    DEFAULT_CSS = """
    FilePreview { background: $surface; }
    """

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._document = Document([LinesPart([Content.styled("No file selected.",
                                                             "$foreground-muted")])])
        self._cache: OrderedDict[tuple[object, ...], Strip] = OrderedDict()
        self._version = 0
        self._catching_up = False
        self._styles: dict[str, VisualStyle] = {}
        self._base: VisualStyle | None = None

    # --- data in ------------------------------------------------------------------------------

    @property
    def document(self) -> Document:
        """What is shown."""
        return self._document

    def show_document(self, document: Document, *, keep_position: bool = False) -> None:
        """Show ``document`` from the top (or where the reader was, for "load more")."""
        if document is not self._document:
            close_pictures(self._document.parts)  # frees them in the terminal's memory
            attach_pictures(document.parts, kitty_output(self.app))
        self._document = document
        self._invalidate()
        if not keep_position:
            self.scroll_to(0, 0, animate=False, immediate=True)

    def show_message(self, text: Content) -> None:
        """Show one message (``loading…``, an explanation) instead of a file."""
        self.show_document(Document([LinesPart(text.split("\n"))]))

    def refresh_document(self) -> None:
        """Redraw after the document changed in place (more lines appended)."""
        self._invalidate()

    # --- geometry and rendering ---------------------------------------------------------------

    @property
    def _width(self) -> int:
        return max(1, self.scrollable_content_region.width)

    def _invalidate(self) -> None:
        self._version += 1
        self._cache.clear()
        self._update_virtual_size()
        self.refresh()

    def _update_virtual_size(self) -> None:
        width = self._width
        self._document.fit_view(self.scrollable_content_region.height)
        self.virtual_size = Size(
            max(width, self._document.max_width()), self._document.height(width)
        )

    def on_resize(self) -> None:
        self._invalidate()

    def on_unmount(self) -> None:
        close_pictures(self._document.parts)

    def notify_style_update(self) -> None:
        self._styles.clear()
        self._base = None
        self._cache.clear()
        super().notify_style_update()

    def render_line(self, y: int) -> Strip:
        width = self._width
        index = int(self.scroll_offset.y) + y
        scroll_x = int(self.scroll_offset.x)
        key = (self._version, index, width, scroll_x)
        strip = self._cache.get(key)
        if strip is None:
            content = self._document.line(index, width)
            if self._base is None:
                self._base = self.get_visual_style()
            strip = content_strip(self, content, width, self._base, offset=scroll_x,
                                  styles=self._styles)
            self._cache[key] = strip
            if len(self._cache) > 300:
                self._cache.popitem(last=False)
            if not self._catching_up and any(
                part.pending for part in self._document.text_parts()
            ):
                self._catching_up = True
                self.set_timer(0.02, self._catch_up)
        return strip

    def _catch_up(self) -> None:
        """Advance the highlighter a slice at a time while the reader waits for colours."""
        parts = [part for part in self._document.text_parts() if part.pending]
        if not parts:
            self._catching_up = False
            return
        parts[0].advance(CATCH_UP_LINES)
        self._version += 1
        self._cache.clear()
        self.refresh()
        self.set_timer(0.01, self._catch_up)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self.refresh()

    def watch_scroll_x(self, old: float, new: float) -> None:
        super().watch_scroll_x(old, new)
        self.refresh()

    # --- for tests and screen readers ---------------------------------------------------------

    def visible_text(self) -> list[str]:
        """The plain text of the lines on screen."""
        return [self.render_line(y).text for y in range(self.size.height)]

    def document_text(self, limit: int = 10_000) -> list[str]:
        """The plain text of the first ``limit`` lines of the document (unscrolled)."""
        width = self._width
        count = min(limit, self._document.height(width))
        return [self._document.line(i, width).plain for i in range(count)]
