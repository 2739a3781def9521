"""Undo and redo through the session's one guarded path: a revert the store refuses (another
program holds the write lock, an edit no longer valid) leaves the undo history and the file as
they were and says why in the status bar; the keys work again once the file is free."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager

import test_gui_workbench as workbench
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from test_gui_workbench import key, select_words, stored

from annotator.store import Store

template, project, window = workbench.template, workbench.project, workbench.window


@contextmanager
def write_locked(path):
    """Another program in the middle of a write transaction on the project."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_gui_undo_on_a_locked_file_keeps_history_and_file_consistent(qtbot, window, project):
    window.session.store.set_busy_timeout(0.05)
    start = select_words(qtbot, window, "Tuesday")
    key(window, Qt.Key_D)
    assert [s.start for s in stored(project)[1]] == [start]
    stack = window.session.undo_stack
    assert (stack.index(), stack.count()) == (1, 1)
    with write_locked(project):
        QTest.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
        # refused: the span stays, the history did not move, the user is told
        assert (stack.index(), stack.count()) == (1, 1)
        assert "Not undone" in window.statusBar().currentMessage()
        assert "locked" in window.statusBar().currentMessage()
        assert window.act_undo.isEnabled()
    assert [s.start for s in stored(project)[1]] == [start]
    assert [s.start for s in window.session.view.spans if s.layer == "alice"] == [start]
    # the file is free again: undo and redo both work (no "UNIQUE constraint failed")
    QTest.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert stored(project)[1] == [] and stack.index() == 0
    with write_locked(project):
        QTest.keyClick(window, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
        assert stack.index() == 0 and "Not redone" in window.statusBar().currentMessage()
    assert stored(project)[1] == []
    QTest.keyClick(window, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert [s.start for s in stored(project)[1]] == [start] and stack.index() == 1


def test_gui_undo_of_an_edit_no_longer_valid_is_refused_before_the_stack_moves(
        qtbot, window, project):
    """Another window deleted the span this window's last edit relabelled: undoing the relabel
    cannot work, and says so instead of raising out of `QUndoCommand::undo()`."""
    at = select_words(qtbot, window, "Tuesday")
    key(window, Qt.Key_D)
    key(window, Qt.Key_T)  # relabel the new DATE span as TIME
    stack = window.session.undo_stack
    assert stack.index() == 2
    with Store(project) as other:
        [span] = stored(project)[1]
        assert span.start == at
        other.delete_span(span.id)
    QTest.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert stack.index() == 2
    assert "Not undone" in window.statusBar().currentMessage()
    assert stored(project)[1] == []


def test_gui_redo_after_a_span_drawn_in_another_document(qtbot, window, project):
    """Draw a span, undo it, draw one in another document, come back and redo: the span is
    back with its id (the new span, and the suggestions opening a document may add, never
    take it)."""
    select_words(qtbot, window, "Tuesday")
    key(window, Qt.Key_D)
    [drawn] = stored(project)[1]
    QTest.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert stored(project)[1] == []
    here = window.session.doc_id
    window.open_document(next(d for d in window.documents.ids_in_order() if d != here))
    select_words(qtbot, window, window.session.view.doc.text.split()[0])
    key(window, Qt.Key_D)
    [other] = [s for s in window.session.view.spans if s.layer == "alice"]
    assert other.id > drawn.id
    window.open_document(here)
    QTest.keyClick(window, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert stored(project)[1] == [drawn]
