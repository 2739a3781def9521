"""Two windows on one project (issue 10 item 2): each sees the other's writes, on a short timer
and before it acts, so a stale window never writes a second decision on a suggestion."""

from __future__ import annotations

import test_gui_workbench as workbench
from gui_support import analysis
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from test_gui_workbench import POMPEO, click_at, find, key, stored

from annotator.gui.windows import build_window
from annotator.model import Decision, Status
from annotator.store import Store

template, project = workbench.template, workbench.project


def open_window(project, settings_file, qtbot, *, dismiss: bool = True):
    """A window of alice's; the warning that she has the project open already is closed
    unless the test looks at it."""
    store = Store(project)
    win = build_window(store, "alice", QSettings(str(settings_file), QSettings.IniFormat))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    if dismiss and win.session.same_annotator_elsewhere:
        qtbot.waitUntil(lambda: bool(warnings_shown()))
        for box in warnings_shown():
            box.close()
    win.open_document(store.document_by_name(POMPEO).id)
    return win


def focus(qtbot, win) -> None:
    win.activateWindow()
    win.raise_()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    win.view.setFocus()


def close(*windows) -> None:
    for win in windows:
        win.close()
        win.session.store.close()


def test_gui_a_stale_window_does_not_reject_what_the_other_accepted(qtbot, project, tmp_path):
    first = open_window(project, tmp_path / "one.ini", qtbot)
    second = open_window(project, tmp_path / "two.ini", qtbot)
    first.session.watch.stop()  # stale: it has not looked at the file since it opened
    at = find(first, "New York")
    focus(qtbot, first)
    click_at(qtbot, first, at + 2)
    suggestion = first.session.selected()
    focus(qtbot, second)
    click_at(qtbot, second, at + 2)
    key(second, Qt.Key_Return)            # window 2 accepts the suggestion
    focus(qtbot, first)
    key(first, Qt.Key_X)                  # window 1 still shows it pending and rejects it
    spans = [s for s in stored(project)[1] if s.suggestion_id == suggestion.id]
    assert [s.decision for s in spans] == [Decision.ACCEPTED]
    assert "another window" in first.statusBar().currentMessage()
    # ...and window 1 now shows the accepted span, not the suggestion
    shown = [(s.layer, s.decision) for s in first.session.view.spans if s.start == at]
    assert shown == [("alice", Decision.ACCEPTED)]
    close(first, second)


def test_gui_a_window_shows_the_other_windows_edits_on_its_own(qtbot, project, tmp_path):
    first = open_window(project, tmp_path / "one.ini", qtbot)
    second = open_window(project, tmp_path / "two.ini", qtbot)
    doc_id = first.session.doc_id
    focus(qtbot, second)
    key(second, Qt.Key_A, Qt.ControlModifier | Qt.ShiftModifier)   # accept all, in window 2
    with Store(project) as store:
        assert store.status(doc_id, "alice") is Status.IN_PROGRESS
    # window 1 was not touched: its timer brings the change in
    qtbot.waitUntil(lambda: not first.session.view.pending(), timeout=5000)
    row = next(r for r in first.documents.model.rows if r.id == doc_id)
    assert row.pending == 0 and row.status is Status.IN_PROGRESS
    # the journal's history came along: window 1 can undo what the annotator did in window 2
    assert first.act_undo.isEnabled()
    close(first, second)


def warnings_shown() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)
            and w.objectName() == "sameAnnotatorWarning" and w.isVisible()]


def test_gui_a_second_window_of_the_same_annotator_is_told_at_start(qtbot, project, tmp_path):
    first = open_window(project, tmp_path / "one.ini", qtbot)
    assert not warnings_shown()
    second = open_window(project, tmp_path / "two.ini", qtbot, dismiss=False)
    qtbot.waitUntil(lambda: bool(warnings_shown()))
    [box] = warnings_shown()
    assert "alice already has this project open" in box.text()
    assert box.parent() is second
    box.close()
    # another annotator on the same project is not warned; a closed window no longer counts
    store = Store(project)
    bob = build_window(store, "bob", QSettings(str(tmp_path / "three.ini"),
                                                QSettings.IniFormat))
    qtbot.addWidget(bob)
    bob.show()
    assert bob.session.same_annotator_elsewhere == []
    close(first, second, bob)
    third = open_window(project, tmp_path / "four.ini", qtbot)
    assert third.session.same_annotator_elsewhere == []
    close(third)


def test_gui_heartbeats_of_another_window_do_not_reload_this_one(qtbot, project, tmp_path):
    first = open_window(project, tmp_path / "one.ini", qtbot)
    second = open_window(project, tmp_path / "two.ini", qtbot)
    first.session.watch.stop()               # this test does the looking
    reloads = []
    first.session.projectChanged.connect(lambda: reloads.append(1))
    second.session._beat()                    # bookkeeping only: nothing to show afresh
    assert first.session.sync() is False
    focus(qtbot, second)
    key(second, Qt.Key_A, Qt.ControlModifier | Qt.ShiftModifier)   # an edit is news
    assert first.session.sync() is True and reloads == [1]
    close(first, second)


def test_gui_accepting_a_suggestion_another_program_replaced_writes_nothing_and_says_so(
        qtbot, project, tmp_path):
    """Issue 10 item 5: after another program's `preannotate --force`, Enter on a suggestion
    the window still shows used to raise FOREIGN KEY constraint failed into the event loop."""
    win = open_window(project, tmp_path / "one.ini", qtbot)
    win.session.watch.stop()                 # it has not looked since
    at = find(win, "New York")
    focus(qtbot, win)
    click_at(qtbot, win, at + 2)
    shown = win.session.selected()
    with Store(project) as other:            # the other program re-runs pre-annotation
        doc = other.document_by_name(POMPEO)
        other.save_analyses([analysis(doc)])
    key(win, Qt.Key_Return)
    assert stored(project)[1] == []
    assert "another window or program" in win.statusBar().currentMessage()
    # the window shows the new suggestion there (another id), ready for another Enter
    [fresh] = [s for s in win.session.view.pending() if s.start == at]
    assert fresh.id != shown.id
    close(win)
