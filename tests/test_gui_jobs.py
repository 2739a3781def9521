"""Background work and dialogs of the workbench: real pre-annotation in a worker thread (the
window stays responsive), annotate-all with a skipped hit, and the offscreen screenshot command."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from gui_support import make_project
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QListWidget
from review_windows import open_active_window

from annotator.model import Document
from annotator.paths import CORPUS
from annotator.store import Store

POMPEO = "pompeo-to-meet-counterpart-new-york"


def test_gui_preannotate_runs_in_a_worker_and_shows_suggestions(qtbot, tmp_path):
    path = tmp_path / "fresh.db"
    with Store(path) as store:
        store.add_documents(Document(p.stem, p.read_text(encoding="utf-8"))
                            for p in sorted(CORPUS.glob("*.txt")))
    window = open_active_window(qtbot, path, tmp_path / "settings.ini")
    assert window.session.view.pending() == []
    QTest.keyClick(window, Qt.Key_P, Qt.ControlModifier | Qt.ShiftModifier)
    # the event loop keeps running while spaCy works: the wait below is served by it
    qtbot.waitUntil(lambda: bool(window.session.view.pending()), timeout=60_000)
    with Store(path) as store:
        doc = store.document_by_name(POMPEO)
        suggested = {(doc.text[s.start:s.end], s.label)
                     for s in store.pending_suggestions(doc.id, "alice").spans}
        assert store.tokens(doc.id)
    assert ("Pompeo", "PERSON") in suggested or ("Mike Pompeo", "PERSON") in suggested
    assert all(row.pending > 0 for row in window.documents.model.rows)
    window.close()
    window.session.store.close()


def test_gui_first_run_opens_the_most_informative_document_once_suggested(qtbot, tmp_path):
    """The first run's window opens before pre-annotation has made suggestions, on the first
    document; once they exist it opens the head of the informative list."""
    from annotator.gui.app import open_head

    path = tmp_path / "fresh.db"
    with Store(path) as store:
        store.add_documents(Document(p.stem, p.read_text(encoding="utf-8"))
                            for p in sorted(CORPUS.glob("*.txt")))
    window = open_active_window(qtbot, path, tmp_path / "settings.ini")
    opened_first = window.session.doc_id
    window.features["nlp"].run(then=lambda: open_head(window))
    qtbot.waitUntil(lambda: window.session.doc_id != opened_first, timeout=60_000)
    head = window.documents.model.rows[0]
    assert window.session.doc_id == head.id and head.pending > 0
    assert head.id == window.documents.first()
    window.close()
    window.session.store.close()


def test_gui_annotate_all_occurrences_skips_unchecked_hits(qtbot, tmp_path):
    path = make_project(tmp_path / "project.db")
    window = open_active_window(qtbot, path, tmp_path / "settings.ini")
    doc = window.session.store.document_by_name(POMPEO)
    window.open_document(doc.id)
    text = doc.text
    start = text.index("Kim Yong-chol")
    window.view.select_text(start, start + len("Kim Yong-chol"))
    occurrences = text.count("Kim Yong-chol")
    assert occurrences >= 2

    def decide() -> None:
        dialog = QApplication.activeModalWidget()
        hits = dialog.findChild(QListWidget, "occurrences")
        hits.item(0).setCheckState(Qt.Unchecked)  # skip the first hit
        dialog.label.setCurrentText("PERSON")
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok)
        qtbot.mouseClick(ok, Qt.LeftButton)

    QTimer.singleShot(200, decide)
    QTest.keyClick(window.view, Qt.Key_L, Qt.ControlModifier | Qt.ShiftModifier)
    with Store(path) as store:
        spans = store.spans(doc.id, "alice")
    assert sorted(s.start for s in spans) == [
        i for i in range(len(text)) if text.startswith("Kim Yong-chol", i)][1:]
    assert {s.label for s in spans} == {"PERSON"}
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    QTest.keyClick(window, Qt.Key_Z, Qt.ControlModifier)  # one undo step for all of them
    with Store(path) as store:
        assert store.spans(doc.id, "alice") == []
    window.close()
    window.session.store.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_gui_screenshot_command_renders_offscreen(tmp_path, theme):
    path = make_project(tmp_path / "project.db")
    out = tmp_path / f"shot-{theme}.png"
    # this checkout's code, not whatever the `annotator` console script was installed from
    command = [sys.executable, "-m", "annotator"]
    result = subprocess.run(
        command + ["gui", str(path), "--screenshot", str(out), "--doc", POMPEO,
                   "--annotator", "alice", "--theme", theme],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen",
             "XDG_CONFIG_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1600, 1000)
    page = image.pixelColor(image.width() // 2, image.height() - 60)
    assert (page.lightness() < 80) == (theme == "dark")
