"""What a newcomer hit on the workbench (issue 12), each driven with real keys and clicks on the
real window and checked against a fresh connection to the file."""

from __future__ import annotations

import test_gui_workbench as workbench
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from review_windows import open_active_window
from test_gui_workbench import POMPEO, click_at, find, key, select_words, stored

from annotator.model import SUGGESTIONS, Decision, Status
from annotator.store import Store

template, project, window = workbench.template, workbench.project, workbench.window


def pending_box(qtbot) -> QMessageBox:
    qtbot.waitUntil(lambda: any(w.isVisible() for w in _boxes()))
    return next(w for w in _boxes() if w.isVisible())


def _boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == "pendingBeforeDone"]


def button(box: QMessageBox, text: str) -> QPushButton:
    return next(b for b in box.findChildren(QPushButton) if b.text().replace("&", "") == text)


# --- 2: Ctrl+Enter with suggestions still pending asks ----------------------------------------
def test_gui_done_with_pending_suggestions_asks_and_cancel_changes_nothing(qtbot, window,
                                                                           project):
    doc_id = window.session.doc_id
    QTest.keyClick(window, Qt.Key_Return, Qt.ControlModifier)
    box = pending_box(qtbot)
    assert "not decided yet" in box.text()
    qtbot.mouseClick(button(box, "Cancel"), Qt.LeftButton)
    assert window.session.doc_id == doc_id
    with Store(project) as store:
        assert store.status(doc_id, "alice") is Status.TODO
    assert stored(project)[1] == []


def test_gui_done_with_pending_suggestions_can_reject_all_and_finish(qtbot, window, project):
    doc_id = window.session.doc_id
    pending = len(window.session.view.pending())
    QTest.keyClick(window, Qt.Key_Return, Qt.ControlModifier)
    qtbot.mouseClick(button(pending_box(qtbot), "Reject All and Finish"), Qt.LeftButton)
    assert window.session.doc_id != doc_id  # went on to the next document
    with Store(project) as store:
        assert store.status(doc_id, "alice") is Status.DONE
        mine = store.spans(doc_id, "alice")
        assert store.pending_suggestions(doc_id, "alice").spans == []
    assert len(mine) == pending and {s.decision for s in mine} == {Decision.REJECTED}


def test_gui_done_with_pending_suggestions_can_accept_all_and_finish(qtbot, window, project):
    doc_id = window.session.doc_id
    QTest.keyClick(window, Qt.Key_Return, Qt.ControlModifier)
    qtbot.mouseClick(button(pending_box(qtbot), "Accept All and Finish"), Qt.LeftButton)
    with Store(project) as store:
        assert store.status(doc_id, "alice") is Status.DONE
        assert {s.decision for s in store.spans(doc_id, "alice")} == {Decision.ACCEPTED}


# --- 3: Tab / Ctrl+Tab from the start of a document -----------------------------------------
def test_gui_tab_from_the_start_selects_the_first_span(qtbot, window):
    first = window.session.view.spans[0]
    assert first.start == 0  # "Pompeo likely to meet ...": a suggestion at the very start
    window.view.setFocus()
    key(window, Qt.Key_Home, Qt.ControlModifier)
    key(window, Qt.Key_Tab)
    assert window.session.selected() == first
    key(window, Qt.Key_Escape)
    key(window, Qt.Key_Home, Qt.ControlModifier)
    key(window, Qt.Key_Tab, Qt.ControlModifier)
    assert window.session.selected() == first


# --- 4: X on an accepted suggestion rejects it -----------------------------------------------
def test_gui_x_on_an_accepted_suggestion_rejects_it(qtbot, window, project):
    at = find(window, "New York")
    click_at(qtbot, window, at + 2)
    key(window, Qt.Key_Return)                        # accept: the review moves on
    click_at(qtbot, window, at + 2)
    assert window.session.selected().layer == "alice"
    key(window, Qt.Key_X)
    decisions = {(s.start, s.label): s.decision for s in stored(project)[1]}
    assert decisions == {(at, "GPE"): Decision.REJECTED}
    shown = [(s.start, s.layer) for s in window.session.view.spans if s.start == at]
    assert shown == []                                # not back as a pending suggestion


# --- 5: Enter after relabelling; the hint names Ctrl+Tab -------------------------------------
def test_gui_enter_after_relabelling_a_suggestion_moves_on(qtbot, window, project):
    at = find(window, "New York")
    click_at(qtbot, window, at + 2)
    key(window, Qt.Key_L)                             # relabel the GPE suggestion as LOC
    relabelled = window.session.selected()
    assert (relabelled.start, relabelled.label, relabelled.layer) == (at, "LOC", "alice")
    key(window, Qt.Key_Return)
    following = window.session.selected()
    assert following is not None and following.layer == SUGGESTIONS
    assert following.start > at
    assert [(s.start, s.decision) for s in stored(project)[1]] == [(at, Decision.EDITED)]


def test_gui_accept_with_nothing_selected_names_ctrl_tab(qtbot, window):
    key(window, Qt.Key_Escape)
    key(window, Qt.Key_Return)
    assert "Ctrl+Tab" in window.statusBar().currentMessage()


# --- 6: a new span inside a pending suggestion of the same label supersedes it ---------------
def test_gui_new_span_inside_a_pending_suggestion_supersedes_it_in_one_step(qtbot, window,
                                                                            project):
    at = find(window, "New York")
    york = select_words(qtbot, window, "York")
    assert york == at + len("New ")
    key(window, Qt.Key_G)                             # GPE, the suggestion's label
    spans = {(s.start, s.end, s.decision) for s in stored(project)[1]}
    assert spans == {(york, york + 4, Decision.ACCEPTED), (at, at + 8, Decision.REJECTED)}
    assert not [s for s in window.session.view.pending() if s.start == at]
    QTest.keyClick(window, Qt.Key_Z, Qt.ControlModifier)   # one step undoes both
    assert stored(project)[1] == []
    assert [s.start for s in window.session.view.pending() if s.start == at] == [at]


# --- 7: the app reopens the document the user was on -----------------------------------------
def test_gui_reopens_the_document_the_user_was_on(qtbot, window, project, tmp_path):
    QTest.keyClick(window, Qt.Key_PageDown, Qt.ControlModifier)
    left_on = window.session.doc_id
    window.close()
    window.session.store.close()
    again = open_active_window(qtbot, project, tmp_path / "settings.ini")
    assert again.session.doc_id == left_on
    again.close()
    again.session.store.close()


# --- 9: the status bar stops describing a span that is gone ----------------------------------
def test_gui_status_bar_forgets_a_span_that_delete_or_undo_removed(qtbot, window):
    select_words(qtbot, window, "Tuesday")
    key(window, Qt.Key_D)
    assert "Tuesday" in window.statusBar().currentMessage()
    key(window, Qt.Key_Delete)
    assert "Tuesday" not in window.statusBar().currentMessage()
    QTest.keyClick(window, Qt.Key_Z, Qt.ControlModifier)   # the span is back...
    click_at(qtbot, window, find(window, "Tuesday") + 2)
    assert "Tuesday" in window.statusBar().currentMessage()
    QTest.keyClick(window, Qt.Key_Z, Qt.ControlModifier)   # ...and undone again: gone
    QTest.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert window.session.selected() is None
    assert "Tuesday" not in window.statusBar().currentMessage()


# --- persistent undo: Ctrl+Z after a restart -------------------------------------------------
def test_gui_undo_works_after_closing_and_reopening_the_project(qtbot, window, project,
                                                                tmp_path):
    start = select_words(qtbot, window, "Tuesday")
    key(window, Qt.Key_D)
    click_at(qtbot, window, find(window, "New York") + 2)
    key(window, Qt.Key_X)
    assert len(stored(project)[1]) == 2
    window.close()
    window.session.store.close()
    again = open_active_window(qtbot, project, tmp_path / "settings.ini")
    assert again.session.view.doc.name == POMPEO
    assert again.act_undo.isEnabled() and "Reject" in again.act_undo.text()
    QTest.keyClick(again, Qt.Key_Z, Qt.ControlModifier)    # the reject
    QTest.keyClick(again, Qt.Key_Z, Qt.ControlModifier)    # the new DATE span
    assert stored(project)[1] == []
    QTest.keyClick(again, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert [s.start for s in stored(project)[1]] == [start]
    again.close()
    again.session.store.close()


def test_gui_undo_of_mark_done_shows_the_document_in_progress_again(qtbot, window, project):
    doc_id = window.session.doc_id
    key(window, Qt.Key_A, Qt.ControlModifier | Qt.ShiftModifier)
    QTest.keyClick(window, Qt.Key_Return, Qt.ControlModifier)
    assert window.progress_label.text() == "1 of 4 documents done"
    QTest.keyClick(window, Qt.Key_PageUp, Qt.ControlModifier)
    assert window.session.doc_id == doc_id
    QTest.keyClick(window, Qt.Key_Z, Qt.ControlModifier)     # undo "Mark done"
    with Store(project) as store:
        assert store.status(doc_id, "alice") is Status.IN_PROGRESS
    assert window.progress_label.text() == "0 of 4 documents done"
    row = next(r for r in window.documents.model.rows if r.id == doc_id)
    assert row.status is Status.IN_PROGRESS


def test_gui_redo_works_after_closing_and_reopening_the_project(qtbot, window, project,
                                                                tmp_path):
    start = select_words(qtbot, window, "Tuesday")
    key(window, Qt.Key_D)
    select_words(qtbot, window, "Seoul")
    key(window, Qt.Key_G)
    QTest.keyClick(window, Qt.Key_Z, Qt.ControlModifier)    # Seoul undone: a redo is left
    window.close()
    again = open_active_window(qtbot, project, tmp_path / "settings.ini")
    assert "Add GPE" in again.act_redo.text() and "Add DATE" in again.act_undo.text()
    QTest.keyClick(again, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert sorted(s.label for s in stored(project)[1]) == ["DATE", "GPE"]
    QTest.keyClick(again, Qt.Key_Z, Qt.ControlModifier)
    QTest.keyClick(again, Qt.Key_Z, Qt.ControlModifier)
    assert stored(project)[1] == [] and not again.act_undo.isEnabled()
    QTest.keyClick(again, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert [s.start for s in stored(project)[1]] == [start]
    again.close()
