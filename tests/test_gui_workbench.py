"""The workbench driven like a person drives it: mouse clicks and key presses on the real window,
then a second connection to the SQLite file checks what was stored."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from gui_support import make_project
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QTextBrowser

from annotator.gui.document_list import ORDER_SETTING
from annotator.gui.main_window import MainWindow
from annotator.gui.windows import build_window
from annotator.model import SUGGESTIONS, Decision, ListOrder, SpanKind, Status
from annotator.store import Store

POMPEO = "pompeo-to-meet-counterpart-new-york"


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return make_project(tmp_path_factory.mktemp("template") / "template.db")


@pytest.fixture
def project(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "project.db"
    shutil.copy(template, path)
    return path


@pytest.fixture
def window(project: Path, tmp_path: Path, qtbot):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    # these tests step through the documents as they were added (the informative order,
    # which moves a document when its status changes, has its own tests in test_queue_gui.py)
    settings.setValue(ORDER_SETTING, ListOrder.DOCUMENT.value)
    store = Store(project)
    win = build_window(store, "alice", settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    doc = store.document_by_name(POMPEO)
    win.documents.table.setFocus()
    row = win.documents.ids_in_order().index(doc.id)
    qtbot.mouseClick(win.documents.table.viewport(), Qt.LeftButton,
                     pos=win.documents.table.visualRect(win.documents.proxy.index(row, 0))
                     .center())
    assert win.session.doc_id == doc.id
    yield win
    win.close()
    store.close()


def stored(project: Path, layer: str = "alice"):
    """What a fresh connection to the file sees: the proof that an edit is durable."""
    with Store(project) as store:
        doc = store.document_by_name(POMPEO)
        return doc, store.spans(doc.id, layer), store.arguments(doc.id, layer)


def point(win: MainWindow, offset: int, dx: int = 0) -> QPoint:
    """Where the text position `offset` is on the article's viewport (`dx` pixels right)."""
    cursor = QTextCursor(win.view.document())
    cursor.setPosition(win.view.offsets.to_qt(offset))
    rect = win.view.cursorRect(cursor)
    return QPoint(rect.center().x() + dx, rect.center().y())


def find(win: MainWindow, needle: str, occurrence: int = 0) -> int:
    text = win.session.view.doc.text
    at = -1
    for _ in range(occurrence + 1):
        at = text.index(needle, at + 1)
    return at


def select_words(qtbot, win: MainWindow, needle: str, occurrence: int = 0) -> int:
    """Click before `needle` and extend the selection with Shift+Right, as a keyboard user
    would; the view snaps it to whole tokens."""
    start = find(win, needle, occurrence)
    click_at(qtbot, win, start, dx=0)
    for _ in range(len(needle)):
        QTest.keyClick(win.view, Qt.Key_Right, Qt.ShiftModifier)
    assert win.view.selection() == (start, start + len(needle))
    return start


def click_at(qtbot, win: MainWindow, offset: int, dx: int = 3) -> None:
    qtbot.mouseClick(win.view.viewport(), Qt.LeftButton, pos=point(win, offset, dx))


def key(win: MainWindow, key: Qt.Key, modifiers=Qt.NoModifier) -> None:
    QTest.keyClick(win.view, key, modifiers)


def test_gui_label_key_on_selected_words_creates_a_span(qtbot, window, project):
    start = select_words(qtbot, window, "Tuesday")
    key(window, Qt.Key_D)
    _, spans, _ = stored(project)
    assert [(s.start, s.end, s.label, s.origin) for s in spans] == [
        (start, start + len("Tuesday"), "DATE", "manual")]
    assert "Saved" in window.saved_label.text()


def test_gui_partial_selection_snaps_to_whole_tokens(qtbot, window, project):
    start = find(window, "Secretary of State")
    click_at(qtbot, window, start + 2)
    for _ in range(len("cretary of St")):
        QTest.keyClick(window.view, Qt.Key_Right, Qt.ShiftModifier)
    key(window, Qt.Key_O)
    _, spans, _ = stored(project)
    assert [(s.start, s.end, s.label) for s in spans] == [
        (start, start + len("Secretary of State"), "ORG")]


def test_gui_tab_then_enter_accepts_and_x_rejects_suggestions(qtbot, window, project):
    window.view.setFocus()
    key(window, Qt.Key_Tab)
    first = window.session.selected()
    assert first.layer == SUGGESTIONS
    key(window, Qt.Key_Return)
    second = window.session.selected()
    assert second is not None and second.layer == SUGGESTIONS and second.start > first.start
    key(window, Qt.Key_X)
    _, spans, _ = stored(project)
    decisions = {(s.start, s.end, s.label): s.decision for s in spans}
    assert decisions[(first.start, first.end, first.label)] is Decision.ACCEPTED
    assert decisions[(second.start, second.end, second.label)] is Decision.REJECTED
    # the rejected suggestion is no longer shown; the accepted one is the annotator's own
    shown = {(s.start, s.end, s.layer) for s in window.session.view.spans}
    assert (second.start, second.end, SUGGESTIONS) not in shown
    assert (first.start, first.end, "alice") in shown


def test_gui_click_on_suggestion_then_label_key_relabels_it(qtbot, window, project):
    at = find(window, "New York")
    click_at(qtbot, window, at + 2)
    assert window.session.selected().label == "GPE"
    key(window, Qt.Key_L)
    _, spans, _ = stored(project)
    assert [(s.start, s.label, s.decision) for s in spans] == [(at, "LOC", Decision.EDITED)]


def test_gui_clicks_find_spans_where_the_text_went_after_the_window_narrows(qtbot, window):
    """The view remembers where span texts lie; a narrower window rewraps them elsewhere."""
    at = find(window, "Pompeo and")
    before = point(window, at + 2)
    click_at(qtbot, window, at + 2)
    assert window.session.selected().start == at
    window.resize(window.width() // 2, window.height())
    qtbot.waitUntil(lambda: point(window, at + 2) != before)
    window.view.viewport().repaint()
    click_at(qtbot, window, at + 2)
    assert window.session.selected().start == at
    click_at(qtbot, window, find(window, "multiple") + 2)  # plain text: nothing selected
    assert window.session.selected() is None


def test_gui_click_on_a_label_tag_selects_its_span_in_a_scrolled_article(qtbot, window):
    window.view.setFocus()
    key(window, Qt.Key_End, Qt.ControlModifier)
    assert window.view.verticalScrollBar().value() > 0
    at = find(window, "Pompeo", 3)  # a suggestion near the end of the article
    cursor = QTextCursor(window.view.document())
    cursor.setPosition(window.view.offsets.to_qt(at))
    text = window.view.cursorRect(cursor)
    below = QPoint(text.left() + 6, text.bottom() + 10)  # on the tag under the word
    qtbot.mouseClick(window.view.viewport(), Qt.LeftButton, pos=below)
    assert window.session.selected() is not None and window.session.selected().start == at


def test_gui_bracket_keys_grow_and_shrink_a_span_by_tokens(qtbot, window, project):
    at = find(window, "New York")
    click_at(qtbot, window, at + 2)
    key(window, Qt.Key_BracketLeft)                    # grow the start: "in New York"
    key(window, Qt.Key_BracketRight, Qt.ControlModifier)  # shrink the end: "in New"
    key(window, Qt.Key_BracketRight)                   # grow the end: "in New York"
    key(window, Qt.Key_Right, Qt.AltModifier)          # shrink the start: "New York"
    key(window, Qt.Key_Left, Qt.AltModifier)           # and grow it again: "in New York"
    key(window, Qt.Key_BracketLeft, Qt.ControlModifier)  # shrink the start: "New York"
    key(window, Qt.Key_BracketRight, Qt.ControlModifier)  # "New"
    _, spans, _ = stored(project)
    text = window.session.view.doc.text
    assert [text[s.start:s.end] for s in spans] == ["New"]
    assert spans[0].decision is Decision.EDITED


def test_gui_event_trigger_and_role_filled_by_clicking_an_argument(qtbot, window, project):
    select_words(qtbot, window, "discussions")
    key(window, Qt.Key_M, Qt.ShiftModifier)
    trigger = window.session.current_event()
    assert trigger.kind is SpanKind.TRIGGER and trigger.label == "Contact:Meet"
    key(window, Qt.Key_1, Qt.AltModifier)              # role 1 of Contact:Meet: Entity
    assert window.session.pending_role == "Entity"
    click_at(qtbot, window, find(window, "Mike Pompeo") + 2)   # a suggested PERSON
    select_words(qtbot, window, "Seoul")                # a new entity for the Place
    key(window, Qt.Key_3, Qt.AltModifier)
    key(window, Qt.Key_G)
    _, spans, arguments = stored(project)
    by_id = {s.id: s for s in spans}
    text = window.session.view.doc.text
    assert sorted((a.role, text[by_id[a.argument_id].start:by_id[a.argument_id].end])
                  for a in arguments) == [("Entity", "Mike Pompeo"), ("Place", "Seoul")]
    assert {by_id[a.trigger_id].label for a in arguments} == {"Contact:Meet"}
    rows = [window.event_panel.tree.topLevelItem(i).text(1)
            for i in range(window.event_panel.tree.topLevelItemCount())]
    assert "Mike Pompeo  [PERSON]" in rows and "Seoul  [GPE]" in rows


def test_gui_accepting_a_suggested_event_brings_its_arguments(qtbot, window, project):
    click_at(qtbot, window, find(window, "meet with") + 1)
    suggested = window.session.selected()
    assert suggested.kind is SpanKind.TRIGGER
    proposed = sorted((a.role, s.start) for a, s in window.session.view.arguments_of(suggested))
    assert proposed
    key(window, Qt.Key_Return)
    _, spans, arguments = stored(project)
    by_id = {s.id: s for s in spans}
    assert sorted((a.role, by_id[a.argument_id].start) for a in arguments) == proposed
    assert {by_id[a.trigger_id].decision for a in arguments} == {Decision.ACCEPTED}
    # the review moves on to the next suggestion, the accepted event stays in the frame...
    event = window.session.current_event()
    assert window.session.selected().layer == SUGGESTIONS
    assert (event.start, event.layer) == (suggested.start, "alice")
    # ...so a role can be added to it at once: Alt+1 (Entity), click the filler
    key(window, Qt.Key_1, Qt.AltModifier)
    click_at(qtbot, window, find(window, "Pompeo and") + 2)
    _, spans, arguments = stored(project)
    by_id = {s.id: s for s in spans}
    assert ("Entity", "Pompeo") in {
        (a.role, window.session.view.doc.text[by_id[a.argument_id].start:
                                              by_id[a.argument_id].end]) for a in arguments
        if a.trigger_id == event.id}
    # Escape clears the selection first, then closes the frame
    key(window, Qt.Key_Escape)
    assert window.session.selected() is None and window.session.current_event() is not None
    key(window, Qt.Key_Escape)
    assert window.session.current_event() is None


def test_gui_deleting_an_argument_span_and_undo_restores_both(qtbot, window, project):
    test_gui_event_trigger_and_role_filled_by_clicking_an_argument(qtbot, window, project)
    click_at(qtbot, window, find(window, "Seoul") + 1)
    key(window, Qt.Key_Delete)
    _, spans, arguments = stored(project)
    assert [a.role for a in arguments] == ["Entity"]
    assert "GPE" not in {s.label for s in spans}
    QTest.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    _, spans, arguments = stored(project)
    assert sorted(a.role for a in arguments) == ["Entity", "Place"]
    QTest.keyClick(window, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    _, _, arguments = stored(project)
    assert [a.role for a in arguments] == ["Entity"]


def test_gui_undo_redo_of_accept_all(qtbot, window, project):
    pending = len(window.session.view.pending())
    key(window, Qt.Key_A, Qt.ControlModifier | Qt.ShiftModifier)
    _, spans, _ = stored(project)
    assert len(spans) == pending and not window.session.view.pending()
    assert window.documents.model.rows[1].pending == 0
    QTest.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert stored(project)[1] == []
    assert len(window.session.view.pending()) == pending
    QTest.keyClick(window, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert len(stored(project)[1]) == pending


def test_gui_next_document_and_mark_done(qtbot, window, project):
    first = window.session.doc_id
    QTest.keyClick(window, Qt.Key_PageDown, Qt.ControlModifier)
    second = window.session.doc_id
    assert second != first
    QTest.keyClick(window, Qt.Key_A, Qt.ControlModifier | Qt.ShiftModifier)  # decide them all
    QTest.keyClick(window, Qt.Key_Return, Qt.ControlModifier)
    assert window.session.doc_id not in (first, second)
    with Store(project) as store:
        # only browsed, never edited: still to do
        assert store.status(first, "alice") is Status.TODO
        assert store.status(second, "alice") is Status.DONE
        assert store.status(window.session.doc_id, "alice") is Status.TODO
    QTest.keyClick(window.view, Qt.Key_Tab)
    QTest.keyClick(window.view, Qt.Key_Return)  # accepting a suggestion starts the document
    with Store(project) as store:
        assert store.status(window.session.doc_id, "alice") is Status.IN_PROGRESS
    assert window.progress_label.text() == "1 of 4 documents done"
    QTest.keyClick(window, Qt.Key_PageUp, Qt.ControlModifier)
    assert window.session.doc_id == second


def test_gui_shortcut_sheet_lists_the_real_keys(qtbot, window):
    QTest.keyClick(window, Qt.Key_F1)
    browser = window.findChild(QTextBrowser, "shortcutSheet")
    text = browser.toPlainText()
    for expected in ("Accept Suggestion", "Return", "Ctrl+Z", "PERSON", "Shift+M", "Alt+Left"):
        assert expected in text
