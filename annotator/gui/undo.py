"""Undo commands: a `QUndoCommand` around one invertible `annotator.edits` edit.

The command never touches widgets (as in orange-canvas-core): it asks the session to run the
edit against the store, and the session tells the views what changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from annotator.edits import Edit

if TYPE_CHECKING:
    from annotator.gui.session import Session


class EditCommand(QUndoCommand):
    """redo = `edit.apply(store)`, undo = `edit.revert(store)`, on the document it was made on."""

    def __init__(self, session: Session, edit: Edit, doc_id: int, *, applied: bool = False,
                 entry_id: int | None = None):
        super().__init__(edit.description)
        self.session, self.edit, self.doc_id = session, edit, doc_id
        #: the journal row of the edit's apply, which undo and redo rows point back at
        self.entry_id = entry_id
        # The session applies an edit before pushing it, so a store error never enters the
        # history; the first redo that push() calls then has nothing left to do.
        self._skip_redo = applied

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
            return
        self.session.run_edit(self.doc_id, self.edit, undo=False, entry_id=self.entry_id)

    def undo(self) -> None:
        self.session.run_edit(self.doc_id, self.edit, undo=True, entry_id=self.entry_id)
