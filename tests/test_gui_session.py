"""What the window's key presses rely on: offsets across emoji, snapping to tokens, growing and
shrinking by a token, the document list's filter and search, and a session that shows what is
stored."""

from __future__ import annotations

import re
import sqlite3
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest

from annotator.gui.article_view import Offsets
from annotator.gui.document_view import DocumentView
from annotator.gui.main_window import MainWindow
from annotator.gui.session import Session
from annotator.gui.span_panel import SpanModel
from annotator.model import SUGGESTIONS, Document, Span, SpanKind, Token
from annotator.store import Analysis, Store

TEXT = "Kim 😀 met Moon Jae-in in Seoul 🇰🇷 on Tuesday."


def test_gui_offsets_round_trip_across_astral_characters():
    offsets = Offsets(TEXT)
    for pos in range(len(TEXT) + 1):
        assert offsets.to_py(offsets.to_qt(pos)) == pos
    seoul = TEXT.index("Seoul")
    # one emoji before "Seoul" takes two UTF-16 units, the flag after it does not count
    assert offsets.to_qt(seoul) == seoul + 1
    assert offsets.to_qt(len(TEXT)) == len(TEXT.encode("utf-16-le")) // 2


@pytest.mark.parametrize("tokens", [[], "words"])
def test_gui_selection_snaps_to_whole_tokens(tokens):
    words = [Token(s, e) for s, e in ((0, 3), (6, 9), (10, 14), (15, 21), (22, 24), (25, 30))]
    view = DocumentView(Document("d", TEXT, id=1), words if tokens else [])
    moon = TEXT.index("Moon")
    # spaCy-like tokens keep "Jae-in" whole; the fallback splits words at the hyphen
    end = TEXT.index(" in Seoul") if tokens else TEXT.index("-in")
    assert view.snap(moon + 1, moon + 7) == (moon, end)
    assert view.snap(TEXT.index(" met"), TEXT.index(" met") + 1) is None


def test_gui_step_grows_and_shrinks_by_one_token():
    view = DocumentView(Document("d", TEXT, id=1), [])
    moon = TEXT.index("Moon")
    span = Span(1, moon, moon + 4, "PERSON", "alice")
    assert view.step(span, "end", 1) == (moon, TEXT.index("-in"))           # + "Jae"
    assert view.step(span, "start", -1) == (TEXT.index("met"), moon + 4)
    assert view.step(span, "start", 1) is None                               # would be empty


@pytest.fixture
def window(tmp_path, qtbot):
    path = tmp_path / "p.db"
    with Store(path) as store:
        store.add_documents([Document("emoji", TEXT), Document("second", "Pompeo flew."),
                             Document("third", "Kim waited.")])
    win = MainWindow(Store(path), "alice", QSettings(str(tmp_path / "s.ini"),
                                                     QSettings.IniFormat))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    yield win, path
    win.close()
    win.session.store.close()


def test_gui_span_after_an_emoji_is_stored_at_python_offsets(qtbot, window):
    win, path = window
    win.view.setFocus()
    QTest.keyClick(win.view, Qt.Key_End, Qt.ControlModifier)
    for _ in range(len("Tuesday.")):
        QTest.keyClick(win.view, Qt.Key_Left)
    for _ in range(len("Tuesday")):
        QTest.keyClick(win.view, Qt.Key_Right, Qt.ShiftModifier)
    QTest.keyClick(win.view, Qt.Key_D)
    with Store(path) as store:
        [span] = store.spans(store.document_by_name("emoji").id, "alice")
    assert TEXT[span.start:span.end] == "Tuesday"


def test_gui_document_list_filters_by_status_and_name(qtbot, window):
    win, _ = window
    documents = win.documents
    assert len(documents.ids_in_order()) == 3
    qtbot.keyClicks(documents.search, "sec")
    assert [documents.proxy.index(r, 0).data() for r in range(documents.proxy.rowCount())] == [
        "second"]
    documents.search.clear()
    documents.status.setCurrentIndex(documents.status.findData("in_progress"))
    assert documents.ids_in_order() == []  # opening a document is not starting it
    win.act_reopen.trigger()  # Annotate → Mark In Progress
    assert documents.ids_in_order() == [win.session.doc_id]
    documents.status.setCurrentIndex(documents.status.findData("todo"))
    assert len(documents.ids_in_order()) == 2


MEET = "Mike Pompeo met Kim Yong Chol in New York on Friday."
ACTIONS = ("label", "accept", "reject", "delete", "grow", "shrink", "accept_all", "undo", "redo")


def seen(session: Session) -> tuple:
    view = session.view
    return ([(s.id, s.start, s.end, s.label, s.layer, s.decision) for s in view.spans],
            sorted((a.trigger_id, a.role, a.argument_id) for a in view.arguments))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(0, 20),
                                st.sampled_from(["PERSON", "GPE", "Contact:Meet"])),
                      min_size=1, max_size=25))
def test_gui_session_after_any_edits_shows_what_a_fresh_read_of_the_project_shows(qapp, steps):
    """The session re-reads only the spans an edit wrote; what it shows must never drift from
    the database, through edits, undo and redo."""
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "p.db") as store:
        doc_id = store.add_documents([Document("talks", MEET)]).added[0]
        spans = [Span(doc_id, 0, 11, "PERSON", SUGGESTIONS), Span(doc_id, 16, 28, "PERSON",
                                                                  SUGGESTIONS),
                 Span(doc_id, 12, 15, "Contact:Meet", SUGGESTIONS, SpanKind.TRIGGER),
                 Span(doc_id, 32, 40, "GPE", SUGGESTIONS)]
        store.save_analyses([Analysis(doc_id, "sm", [], [], spans,
                                      [(2, "Participant", 0, None), (2, "Place", 3, None)])])
        session = Session(store, "alice")
        table = SpanModel(session)  # follows edits row by row: it must never drift either
        session.annotationsChanged.connect(table.reload)
        session.open_document(doc_id)
        for action, n, label in steps:
            spans = session.view.spans
            session.select(spans[n % len(spans)].id if spans else None)
            if action == "label":
                words = [m.span() for m in re.finditer(r"\w+", MEET)]
                session.label(label, words[n % len(words)] if n % 3 else None)
            elif action in ("grow", "shrink"):
                session.resize("end", 1 if action == "grow" else -1)
            elif action in ("undo", "redo"):
                getattr(session, action)()
            else:
                getattr(session, action)()
            fresh = Session(store, "alice")
            fresh.open_document(doc_id)
            assert seen(session) == seen(fresh), (action, n, label)
            rows = [(table.index(r, 0).data(Qt.UserRole), table.index(r, 1).data())
                    for r in range(table.rowCount())]
            assert rows == [(s.id, s.label) for s in session.view.spans], (action, n, label)


def test_gui_accepting_an_event_moves_past_its_arguments_and_keeps_its_frame(qapp, tmp_path):
    with Store(tmp_path / "p.db") as store:
        doc_id = store.add_documents([Document("talks", MEET)]).added[0]
        spans = [Span(doc_id, 12, 15, "Contact:Meet", SUGGESTIONS, SpanKind.TRIGGER),
                 Span(doc_id, 16, 28, "PERSON", SUGGESTIONS),
                 Span(doc_id, 32, 40, "GPE", SUGGESTIONS),
                 Span(doc_id, 45, 51, "DATE", SUGGESTIONS)]
        store.save_analyses([Analysis(doc_id, "sm", [], [], spans,
                                      [(0, "Participant", 1, None), (0, "Place", 2, None)])])
        session = Session(store, "alice")
        session.open_document(doc_id)
        session.select(next(s.id for s in session.view.spans if s.label == "Contact:Meet"))
        session.accept()
        # "Kim Yong Chol" and "New York" came along with the event: next is "Friday"
        assert session.selected().text_in(MEET) == "Friday"
        assert session.selected().layer == SUGGESTIONS
        event = session.current_event()
        assert (event.label, event.layer) == ("Contact:Meet", "alice")
        assert {a.role for a, _ in session.view.arguments_of(event)} == {"Participant", "Place"}


def test_gui_find_bar_counts_steps_and_wraps_across_emoji(qtbot, window):
    win, _ = window
    win.view.setFocus()
    QTest.keyClick(win, Qt.Key_F, Qt.ControlModifier)
    assert win.find_bar.isVisible()
    QTest.keyClicks(win.find_bar.edit, "in")
    first, second = TEXT.index("in"), TEXT.index(" in ") + 1
    assert win.find_bar.count.text() == "2 found"
    QTest.keyClick(win.find_bar.edit, Qt.Key_Return)
    assert (win.view.selection(), win.find_bar.count.text()) == ((first, first + 2), "1 of 2")
    QTest.keyClick(win.find_bar.edit, Qt.Key_Return)
    assert (win.view.selection(), win.find_bar.count.text()) == ((second, second + 2), "2 of 2")
    QTest.keyClick(win.find_bar.edit, Qt.Key_Return)          # wraps round
    assert win.find_bar.count.text() == "1 of 2"
    QTest.keyClick(win, Qt.Key_F3, Qt.ShiftModifier)          # and back, round again
    assert (win.view.selection(), win.find_bar.count.text()) == ((second, second + 2), "2 of 2")
    QTest.keyClick(win, Qt.Key_F3, Qt.ShiftModifier)
    assert (win.view.selection(), win.find_bar.count.text()) == ((first, first + 2), "1 of 2")
    win.find_bar.edit.selectAll()
    QTest.keyClicks(win.find_bar.edit, "zzz")
    assert win.find_bar.count.text() == "No match"


def test_gui_nested_spans_draw_their_tags_a_step_lower_each(qtbot, window):
    win, _ = window
    win.view.setFocus()
    moon = TEXT.index("Moon")
    for end in (TEXT.index(" in Seoul"), TEXT.index("-in"), moon + 4):  # outer to inner
        win.view.select_text(moon, end)
        QTest.keyClick(win.view, Qt.Key_P)
    win.view.select_text(TEXT.index("Seoul"), TEXT.index("Seoul") + 5)   # beside, not nested
    QTest.keyClick(win.view, Qt.Key_G)
    win.view.viewport().repaint()
    tops = {span.end - span.start: rect.top() for rect, span in win.view._tags}
    outer, middle, inner, seoul = len("Moon Jae-in"), len("Moon Jae"), len("Moon"), len("Seoul")
    assert tops[outer] < tops[middle] < tops[inner]
    assert tops[seoul] == tops[outer]


def test_gui_edit_on_a_locked_project_says_so_and_changes_nothing(qtbot, window):
    win, path = window
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        win.view.setFocus()
        win.view.select_text(TEXT.index("Seoul"), TEXT.index("Seoul") + 5)
        started = time.perf_counter()
        with qtbot.waitSignal(win.session.message, timeout=10000) as said:
            QTest.keyClick(win.view, Qt.Key_G)
        assert time.perf_counter() - started < 5  # the window waits a moment, not 30 s
        assert "Not saved" in said.args[0] and "locked" in said.args[0]
        assert win.session.view.spans == [] and win.session.undo_stack.count() == 0
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    QTest.keyClick(win.view, Qt.Key_G)  # the same key works once the lock is gone
    with Store(path) as store:
        assert [s.label for s in store.spans(store.document_by_name("emoji").id)] == ["GPE"]
