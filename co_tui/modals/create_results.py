"""The run picker's results tree: a run's ``/results`` folder, listed one folder at a time.

:class:`ResultsTree` starts with the ``/results`` root only; a folder's items are fetched
(``POST /computations/{id}/results``) the first time it is opened (``enter``, or ``→``), in a
worker. ``space`` marks the one folder or file to capture: the API's
``source.computation.path`` takes a single path, so marking another moves the mark, and marking
the marked item again puts it back on the root ("every result file"). Every name and size from
the server is sanitised before it becomes a label.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from co_tui.api.errors import ApiError, NotFoundError
from co_tui.api.models import FolderItem
from co_tui.formatting import plural
from co_tui.operations.create_runs import size_text
from co_tui.safe_text import display, join, to_text
from co_tui.workers import worker

if TYPE_CHECKING:
    from co_tui.api.client import CodeOceanClient

__all__ = ["ResultsTree"]

Node = TreeNode["FolderItem | None"]
ROOT_NAME = "/results"
NAME_CELLS = 60


def _mark(ticked: bool) -> Content:
    return Content.styled("[✓] ", "bold") if ticked else Content("[ ] ")


class ResultsTree(Tree["FolderItem | None"]):
    """A run's result files; ``ticked`` is the path to capture (``""``: all of them)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "tick", "Mark to capture", key_display="space"),
        Binding("enter", "open", "Open folder", show=False),
        Binding("right", "open", "Open folder", show=False),
        Binding("left", "close", "Close folder", show=False),
    ]

    class Ticked(Message):
        """The path to capture changed to ``path`` (``""``: every result file)."""

        def __init__(self, path: str) -> None:
            super().__init__()
            self.path = path

    def __init__(self, client: CodeOceanClient, *, id: str | None = None) -> None:
        super().__init__(to_text(join(_mark(True), ROOT_NAME, "  (every result file)")),
                         data=None, id=id)
        self.client = client
        self.computation_id = ""
        self.ticked = ""
        self.loaded: set[str] = set()
        self.show_root = True
        self.auto_expand = False
        self.guide_depth = 3

    # --- what is shown ----------------------------------------------------------------------

    def _label(self, item: FolderItem | None) -> Content:
        """A node's label: its mark, its name (a folder ends in ``/``) and a file's size."""
        if item is None:
            return join(_mark(self.ticked == ""), ROOT_NAME, "  (every result file)")
        name = display(item.name or item.path, max_cells=NAME_CELLS)
        if item.is_folder:
            return join(_mark(self.ticked == item.path), name, "/")
        size = size_text(item.size)
        return join(_mark(self.ticked == item.path), name,
                    Content.styled(f"  {size}", "dim") if size else "")

    def show_run(self, computation_id: str) -> None:
        """Start over on the results of ``computation_id``: the root, marked, then its items."""
        self.workers.cancel_group(self, "results-list")
        self.computation_id = computation_id
        self.ticked = ""
        self.loaded.clear()
        self.clear()
        self.root.set_label(to_text(self._label(None)))
        self.root.data = None
        self.move_cursor(self.root)
        self._list(self.root)

    def _note(self, node: Node, text: Content) -> None:
        """A line under ``node`` that is no item (loading, empty, a failure)."""
        node.add_leaf(to_text(join("    ", text.stylize("dim"))), data=None)

    # --- listing ----------------------------------------------------------------------------

    def _list_raised(self, error: BaseException, node: Node) -> None:
        node.remove_children()
        self._note(node, Content("could not be listed (an unexpected error)"))

    @worker("listing the run's results", group="results-list", recover=_list_raised)
    async def _list(self, node: Node) -> None:
        """Fetch one folder's items and add them under ``node``."""
        path = "" if node.data is None else node.data.path
        computation_id = self.computation_id
        node.remove_children()
        self._note(node, Content("listing…"))
        node.expand()
        try:
            folder = await self.client.computations.list_computation_results(computation_id, path)
        except NotFoundError:
            folder, problem = None, "not found (the run or this folder is gone)"
        except ApiError as error:
            folder, problem = None, f"could not be listed: {error.message}"
        if computation_id != self.computation_id:
            return  # another run is shown now
        node.remove_children()
        if folder is None:
            self._note(node, display(problem, max_cells=200))
            return
        self.loaded.add(path)
        for item in folder.items:
            node.add(to_text(self._label(item)), data=item, allow_expand=item.is_folder)
        if not folder.items:
            self._note(node, Content("empty" if path else "this run has no result files"))
        if folder.unreadable:
            self._note(node, Content(f"{plural(folder.unreadable, 'item')} could not be read"))
        node.expand()

    # --- keys -------------------------------------------------------------------------------

    def action_open(self) -> None:
        """Open (and list, the first time) the folder under the cursor; close an open one."""
        node = self.cursor_node
        if node is None or not node.allow_expand:
            return
        item = node.data
        if node.is_expanded:
            node.collapse()
        elif (item.path if item is not None else "") in self.loaded:
            node.expand()
        elif node is self.root or item is not None:
            self._list(node)

    def action_close(self) -> None:
        """Close the folder under the cursor, or go to its parent folder."""
        node = self.cursor_node
        if node is None:
            return
        if node.is_expanded and node.allow_expand:
            node.collapse()
        elif node.parent is not None:
            self.move_cursor(node.parent)

    def action_tick(self) -> None:
        """Mark the item under the cursor to be captured (again: back to every file)."""
        node = self.cursor_node
        if node is None or (node is not self.root and node.data is None):
            return
        path = "" if node.data is None else node.data.path
        self.ticked = "" if path == self.ticked else path
        self._relabel(self.root)
        self.post_message(self.Ticked(self.ticked))

    def _relabel(self, node: Node) -> None:
        if node is self.root or node.data is not None:
            node.set_label(to_text(self._label(node.data)))
        for child in node.children:
            self._relabel(child)

    def action_toggle_node(self) -> None:
        """``space`` marks instead of toggling (Textual's default for it)."""
        self.action_tick()
