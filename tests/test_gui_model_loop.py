"""Annotate → Train Model… in a child process with its progress dialog, the comparison and the
switch; Project Lexicon…; Open Most Informative Document."""

from __future__ import annotations

import pytest
from gui_support import make_project
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from review_windows import close_window, open_window

from annotator import lexicon
from annotator.gui.features import model_loop
from annotator.model import GOLD, SUGGESTIONS, Span, SpanKind, Status
from annotator.model_registry import models
from annotator.nlp.loading import MODEL_SETTING
from annotator.queue import informative_order
from annotator.store import Store


@pytest.fixture
def window(qtbot, tmp_path):
    path = make_project(tmp_path / "p.db")
    with Store(path) as store:
        for doc_id in store.document_ids()[:3]:
            text = store.document(doc_id).text
            for words, label in (("Pompeo", "PERSON"), ("Pakistan", "GPE"), ("Trump", "PERSON")):
                if words in text:
                    start = text.index(words)
                    store.add_span(Span(doc_id, start, start + len(words), label, GOLD))
            start = text.index(" ") + 1
            store.add_span(Span(doc_id, start, start + 3, "Contact:Meet", GOLD,
                                SpanKind.TRIGGER))
    win = open_window(qtbot, path, tmp_path, "alice", None)
    yield win
    close_window(win)


def test_gui_model_loop_trains_in_a_child_process_and_switches(qtbot, window, monkeypatch):
    loop = window.features["model_loop"]
    shown = []
    monkeypatch.setattr(model_loop.ComparisonDialog, "exec",
                        lambda self: shown.append(self) or QDialog.Accepted)
    loop.start(GOLD, "blank", 2, 0.34)
    assert loop.dialog.isVisible()
    qtbot.waitUntil(lambda: bool(shown), timeout=120000)
    store = window.session.store
    [model] = models(store)
    assert store.get_setting(MODEL_SETTING) == model.name
    assert shown[0].table.rowCount() == len(model_loop.ComparisonDialog.ROWS)
    assert loop.dialog.bar.value() == 2 and not loop.dialog.isVisible()
    # switching re-suggests at once: the new model's suggestions replace the undecided ones
    # (the test project's own suggestions come from "test:regex", not from a model)
    qtbot.waitUntil(lambda: "pre-annotated 4 documents" in window.statusBar().currentMessage(),
                    timeout=120000)
    assert any(s.origin.startswith("model:") for doc_id in store.document_ids()
               for s in store.spans(doc_id, SUGGESTIONS))


def test_gui_model_loop_lexicon_dialog_lists_adds_and_clears(qtbot, window):
    dialog = window.features["model_loop"].show_lexicon()
    phrases = {dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())}
    assert {"Pompeo", "Trump"} <= phrases
    dialog.phrase.setText("Kim Yong Chol")
    dialog.label.setCurrentText("PERSON")
    dialog._add()
    assert lexicon.entries(window.session.store)["Kim Yong Chol"].label == "PERSON"
    lexicon.clear(window.session.store)
    dialog.refresh()
    assert dialog.table.rowCount() == 0
    dialog.close()


def test_gui_model_loop_opens_the_most_informative_document(window):
    """The head of the queue is the first document to do in the list's informative order."""
    store = window.session.store
    store.set_status(window.session.doc_id, "alice", Status.IN_PROGRESS)
    window.documents.reload()
    todo = [row.id for row in window.documents.model.rows if row.status is Status.TODO]
    window.features["model_loop"].next_document()
    assert window.session.doc_id == todo[0]
    assert [item.doc_id for item in informative_order(store, "alice")] == todo


def test_gui_model_loop_threshold_hides_unsure_suggestions(window):
    session = window.session
    doc_id = session.store.document_ids()[0]
    session.open_document(doc_id)
    target = session.view.pending()[0]
    session.store.update_span(target.id, score=0.2)  # an unsure suggestion
    session.open_document(session.store.document_ids()[1])
    session.open_document(doc_id)
    scored = [target]
    before = len(session.view.pending())
    window.features["model_loop"].set_threshold(0.5)
    assert len(session.view.pending()) < before
    assert scored[0].id not in {s.id for s in session.view.pending()}
    window.features["model_loop"].set_threshold(0.0)
    assert len(session.view.pending()) == before


def test_gui_model_loop_model_choice_sets_the_project_model_and_resuggests(window,
                                                                          monkeypatch):
    loop = window.features["model_loop"]
    assert loop.model_choices() == [model_loop.STOCK_CHOICE]
    runs = []
    monkeypatch.setattr(window.features["nlp"], "run", lambda: runs.append(
        window.session.store.get_setting(MODEL_SETTING)))
    loop.use_model("somewhere")
    assert window.session.store.get_setting(MODEL_SETTING) == "somewhere"
    loop.use_model(model_loop.STOCK_CHOICE)
    assert window.session.store.get_setting(MODEL_SETTING) == ""
    assert runs == ["somewhere", ""]  # pre-annotation ran with each choice in place


def test_gui_lexicon_suggestions_show_once_the_opened_document_is_on_screen(qtbot, window):
    """The lexicon refresh runs just after a document opens: what the gold layer marked in
    other articles (Trump, Pompeo) then shows as lexicon suggestions in this one."""
    session = window.session
    store = session.store
    last = store.document_ids()[-1]
    text = store.document(last).text
    # the list's background refresh of the documents to do may have got there first: stop it
    # and take its suggestions out, so this shows the refresh on opening
    window.documents.refresher.stop()
    with store.atomic():
        store.db.execute("DELETE FROM spans WHERE document_id = ? AND origin = ?",
                         [last, lexicon.ORIGIN])
    assert "Trump" in text
    window.open_document(last)

    def lexicon_words() -> set[str]:
        return {s.text_in(text) for s in session.view.spans if s.origin == lexicon.ORIGIN}

    qtbot.waitUntil(lambda: "Trump" in lexicon_words(), timeout=5000)
    assert {s.text_in(text) for s in store.spans(last) if s.origin == lexicon.ORIGIN} \
        == lexicon_words()


def test_gui_span_table_shows_each_suggestions_probability_or_lexicon_evidence(qtbot, window):
    session = window.session
    store = session.store
    last = store.document_ids()[-1]
    text = store.document(last).text
    window.open_document(last)
    qtbot.waitUntil(lambda: any(s.origin == lexicon.ORIGIN for s in session.view.spans),
                    timeout=5000)
    table = window.span_panel.model()
    shown = {}
    for row, span in enumerate(table.spans):
        shown.setdefault((span.text_in(text), span.origin), table.index(row, 3).data())
    assert shown[("North Korea", "test:regex")] == "0.90"  # gui_support: 0.9
    assert shown[("Trump", lexicon.ORIGIN)] == "×2"  # gold accepts in two others
    row = next(r for r, s in enumerate(table.spans)
               if s.origin == lexicon.ORIGIN and s.text_in(text) == "Trump")
    tip = table.index(row, 1).data(Qt.ToolTipRole)
    assert "2 more accepts of it than rejections: PERSON 2<" in tip  # with the split
