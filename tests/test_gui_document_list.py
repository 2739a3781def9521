"""The document list is lazy (issue 12, item 15): a big project opens by reading one page of
the list; scrolling reads more; "next document", the name filter and the counts reach every
document all the same."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest

from annotator.gui.document_list import DocumentModel
from annotator.gui.windows import build_window
from annotator.model import Document
from annotator.store import Store

DOCUMENTS = 1000


@pytest.fixture(scope="module")
def big_project(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.db"
    with Store(path) as store:
        store.add_documents(Document(f"doc-{n:04d}", f"Document number {n}. Kim met Pompeo.")
                            for n in range(DOCUMENTS))
    return path


@pytest.fixture
def window(qtbot, big_project, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    win = build_window(Store(big_project), "alice", settings)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()
    win.session.store.close()


def test_gui_big_project_opens_reading_one_page_of_the_list(qtbot, window):
    model = window.documents.model
    assert model.rowCount() < DOCUMENTS
    assert model.rowCount() == DocumentModel.PAGE and model.total == DOCUMENTS
    assert window.documents.counts() == (0, DOCUMENTS)
    assert f"0 of {DOCUMENTS} documents done" in window.progress_label.text().replace(",", "")

    table = window.documents.table
    table.setFocus()
    QTest.keyClick(table, Qt.Key_End, Qt.ControlModifier)  # to the last row read: the view
    qtbot.waitUntil(lambda: model.rowCount() > DocumentModel.PAGE)
    assert model.rowCount() < DOCUMENTS


def test_gui_next_document_and_the_filter_reach_unread_rows(qtbot, window):
    model = window.documents.model
    store = window.session.store
    window.open_document(store.document_by_name(f"doc-{DocumentModel.PAGE - 1:04d}").id)
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key_PageDown, Qt.ControlModifier)   # Review → Next Document
    assert window.session.view.doc.name == f"doc-{DocumentModel.PAGE:04d}"
    selected = window.documents.table.selectionModel().selectedRows()
    assert [index.data() for index in selected] == [f"doc-{DocumentModel.PAGE:04d}"]

    window.documents.search.setFocus()
    QTest.keyClicks(window.documents.search, "DOC-0999")
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["doc-0999"]
    window.documents.search.clear()
    assert model.total == DOCUMENTS and model.rowCount() <= 2 * DocumentModel.PAGE
