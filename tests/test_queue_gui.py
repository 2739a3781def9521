"""The document list in the informative order (issue 13, item 4): the documents to do whose
suggestions would teach most come first, "next document" follows that order, the choice of
order is remembered, and each row says why it is where it is."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest

from annotator.gui.document_list import ORDER_SETTING, TOOLTIP
from annotator.gui.windows import build_window
from annotator.model import SUGGESTIONS, Document, ListOrder, Span, SpanKind, Status
from annotator.store import Analysis, Store

#: name -> probabilities of its model suggestions: "c" is least sure, then "e", "a" ...
SCORES = {"a": [0.9], "b": [], "c": [0.1, 0.2, 0.3], "d": [0.95], "e": [0.3, 0.5]}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "queue.db"
    with Store(path) as store:
        ids = store.add_documents(Document(name, f"Kim met Trump and Pompeo in Hanoi ({name}).")
                                  for name in SCORES).added
        store.save_analyses(
            Analysis(doc_id, "m", [], [], [
                Span(doc_id, 4 * n, 4 * n + 3, "PERSON", SUGGESTIONS, SpanKind.ENTITY,
                     "model:m", score=p) for n, p in enumerate(SCORES[name])])
            for doc_id, name in zip(ids, SCORES, strict=True))
    return path


def open_window(qtbot, project: Path, settings: QSettings):
    window = build_window(Store(project), "alice", settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def names_listed(window) -> list[str]:
    model = window.documents.model
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def test_queue_gui_lists_the_most_informative_first_and_next_follows(qtbot, project,
                                                                    tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    window = open_window(qtbot, project, settings)
    documents = window.documents
    assert documents.order.currentText() == "Most informative first"
    qtbot.waitUntil(lambda: names_listed(window) == ["c", "e", "a", "d", "b"])
    tip = documents.model.index(0, 1).data(TOOLTIP)
    assert "value 2.40 = 0 lexicon/model disagreements + uncertainty 2.40" in tip
    assert window.session.view.doc.name == "c"          # the window opens on the top one
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key_PageDown, Qt.ControlModifier)  # Review → Next Document
    assert window.session.view.doc.name == "e"
    selected = documents.table.selectionModel().selectedRows()
    assert [index.data() for index in selected] == ["e"]

    # finishing a document goes on to the most informative one left, and it moves to the end
    window.session.set_status(Status.IN_PROGRESS)
    assert names_listed(window) == ["e", "c", "a", "d", "b"]
    selected = documents.table.selectionModel().selectedRows()
    assert [index.data() for index in selected] == ["e"]           # moved, still selected
    window.mark_done_and_next()                      # "e" has pending suggestions: ask first
    box = window.findChild(object, "pendingBeforeDone")
    box.buttons()[0].click()                         # Accept All and Finish
    assert window.session.view.doc.name == "c"
    assert names_listed(window)[-1] == "e"

    documents.order.setCurrentIndex(documents.order.findData(ListOrder.DOCUMENT.value))
    assert names_listed(window) == list(SCORES)
    assert settings.value(ORDER_SETTING) == ListOrder.DOCUMENT.value
    window.close()
    again = open_window(qtbot, project, settings)
    assert again.documents.order.currentData() == ListOrder.DOCUMENT.value
    assert names_listed(again) == list(SCORES)
    again.close()


def learning_project(path: Path) -> list[int]:
    """w: the model says "Trump" is a PERSON (p 0.5), x: an ORG (p 0.95), y: "Kim" a PERSON
    (p 0.9); no lexicon yet."""
    with Store(path) as store:
        ids = store.add_documents([Document("w", "Trump spoke."),
                                   Document("x", "Trump said no."),
                                   Document("y", "Kim said yes.")]).added
        guesses = {ids[0]: ("PERSON", 0.5), ids[1]: ("ORG", 0.95), ids[2]: ("PERSON", 0.9)}
        store.save_analyses(
            Analysis(doc_id, "m", [], [], [Span(doc_id, 0, 5 if label == "ORG" or doc_id ==
                                                ids[0] else 3, label, SUGGESTIONS,
                                                SpanKind.ENTITY, "model:m", score=p)])
            for doc_id, (label, p) in guesses.items())
    return ids


def test_queue_gui_reorders_when_a_finished_document_teaches_the_lexicon(qtbot, tmp_path):
    """Accepting "Trump" as PERSON and finishing the document teaches the lexicon; in the
    background it then suggests PERSON where the model says ORG, and that disagreement brings
    the document up the list."""
    path = tmp_path / "learn.db"
    learning_project(path)
    window = open_window(qtbot, path, QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat))
    assert names_listed(window) == ["w", "y", "x"] and window.session.view.doc.name == "w"
    said = []
    window.statusBar().messageChanged.connect(said.append)
    window.session.decide_all(accept=True)           # Trump: PERSON
    window.mark_done_and_next()
    assert window.session.view.doc.name == "y"       # the most informative left, then
    qtbot.waitUntil(lambda: names_listed(window) == ["x", "y", "w"], timeout=10000)
    qtbot.wait(1500)   # the window's look for other programs' writes has seen the refresh's
    assert not [text for text in said if "another window or program" in text]
    assert "= 1 lexicon/model disagreement + uncertainty 0.05" in \
        window.documents.model.index(0, 0).data(TOOLTIP)
    selected = window.documents.table.selectionModel().selectedRows()
    assert [index.data() for index in selected] == ["y"]       # the open one stays selected
    window.close()


def test_queue_gui_brings_the_lexicon_up_to_date_when_the_project_opens(qtbot, tmp_path):
    """What another annotator taught the lexicon meanwhile (bob's "Trump" as PERSON in w)
    reaches the documents to do when the project opens, without opening them."""
    path = tmp_path / "learn.db"
    ids = learning_project(path)
    with Store(path) as store:
        store.add_span(Span(ids[0], 0, 5, "PERSON", "bob"))
        store.set_status(ids[0], "alice", Status.DONE)
    window = open_window(qtbot, path, QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat))
    qtbot.waitUntil(lambda: names_listed(window)[0] == "x", timeout=10000)
    assert names_listed(window) == ["x", "y", "w"]
    window.close()
