"""Undo commands: the `QUndoStack`'s record of one invertible `annotator.edits` edit.

A `QUndoCommand` cannot refuse to undo, but a revert can fail (the file locked by another
program, a full disk, an edit another window made invalid). So the command does no work: the
session runs the edit through its one guarded path first and moves the stack only when the
store took it (`Session.apply`, `Session.undo`, `Session.redo`). The stack is the history and
the undo menu's text, never a second way to write.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from annotator.edits import Edit


class EditCommand(QUndoCommand):
    """An edit already applied (or reverted) by the session, on the document it was made on."""

    def __init__(self, edit: Edit, doc_id: int, entry_id: int | None = None):
        super().__init__(edit.description)
        self.edit, self.doc_id = edit, doc_id
        #: the journal row of the edit's apply, which undo and redo rows point back at
        self.entry_id = entry_id
        # push() calls redo() once: the session applied the edit before pushing it
        self.settled = True

    def redo(self) -> None:
        self._expect_settled()

    def undo(self) -> None:
        self._expect_settled()

    def _expect_settled(self) -> None:
        if not self.settled:
            raise RuntimeError("move the undo history through Session.undo/redo, which "
                               "write the edit first")
        self.settled = False
