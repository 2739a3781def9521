"""Data is shown as written, never read as HTML (issue 10, item 9): a document, an annotator or
a label named `<img src=…>` shows those characters; the image it names is never loaded."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QImage, QTextDocument
from PySide6.QtGui import Qt as QtText
from PySide6.QtTest import QTest

from annotator.gui.main_window import MainWindow
from annotator.model import Document, Span, SpanKind
from annotator.store import Store

TEXT = "Kim Jong-un will meet Donald Trump in Singapore on June 12.\n"


def shown(text: str) -> str:
    """What Qt shows for a label's, tooltip's or message's text: rich text when it guesses so."""
    if not QtText.mightBeRichText(text):
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


@pytest.fixture
def evil(tmp_path: Path) -> dict:
    picture = tmp_path / "big.png"
    image = QImage(400, 400, QImage.Format_RGB32)
    image.fill(QColor("red"))
    assert image.save(str(picture))
    tag = f'<img src="{picture}">'
    names = {"document": f"{tag}report", "annotator": f"{tag}eve", "label": f"{tag}Meet"}
    project = tmp_path / "p.db"
    with Store(project) as store:
        (doc_id,) = store.add_documents([Document(names["document"], TEXT)]).added
        start = TEXT.index("meet")
        store.add_span(Span(doc_id, start, start + 4, names["label"], names["annotator"],
                            SpanKind.TRIGGER))
    return {**names, "project": project, "tag": tag}


@pytest.fixture
def window(qtbot, evil, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    store = Store(evil["project"])
    win = MainWindow(store, evil["annotator"], settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.open_document(store.document_by_name(evil["document"]).id)
    yield win
    win.close()
    store.close()


def test_gui_names_and_labels_show_as_plain_text(qtbot, window, evil):
    tag = evil["tag"]
    assert tag in shown(window.doc_title.text())
    assert window.doc_title.sizeHint().height() < 200  # a loaded 400 px image would be taller
    assert tag in shown(window.annotator_label.text())
    assert window.annotator_label.sizeHint().height() < 200

    QTest.keyClick(window.view, Qt.Key_Tab)  # select the event trigger
    assert window.session.current_event() is not None
    assert tag in shown(window.event_panel.title.text())
    assert window.event_panel.title.sizeHint().height() < 200


def test_gui_tooltips_show_data_as_plain_text(qtbot, window, evil):
    documents = window.documents.proxy
    tip = documents.index(0, 0).data(Qt.ToolTipRole)
    assert evil["document"] in shown(tip)
    spans = window.span_panel.model()
    tip = spans.index(0, 1).data(Qt.ToolTipRole)
    assert evil["label"] in shown(tip)


def test_gui_schema_colours_reach_styles_only_as_colours():
    from annotator.gui.cells import FALLBACK_COLOR, css_color

    assert css_color("#AABBCC") == "#aabbcc" and css_color("tomato") == "#ff6347"
    assert css_color("red; background-image: url(/etc/passwd)") == FALLBACK_COLOR
    assert css_color("url(x)") == FALLBACK_COLOR
