"""A project two annotators worked on, for the review GUI tests (agreement, curation, export):
the sample corpus with suggestions (`gui_support`), and on one article alice's and bob's layers
written by hand so every kind of difference is there exactly once."""

from __future__ import annotations

from pathlib import Path

from gui_support import make_project
from layers_support import annotate, find
from PySide6.QtCore import QSettings

from annotator.gui.main_window import MainWindow
from annotator.store import Store

POMPEO = "pompeo-to-meet-counterpart-new-york"


def make_review_project(path: Path) -> Path:
    """alice and bob agree on Mike Pompeo (PERSON) and on the "meet" event with him as
    Participant; they differ on the headline's Pompeo (alice only), the event's Place (bob
    only), New York (GPE / LOC) and Kim Yong-chol (bob only), in that order of the text."""
    make_project(path)
    with Store(path) as store:
        doc = store.document_by_name(POMPEO)
        text = doc.text
        mike, york = find(text, "Mike Pompeo"), find(text, "New York")
        meet = find(text, "meet")
        annotate(store, doc.id, "alice",
                 [(*mike, "PERSON"), (*york, "GPE"), (*find(text, "Pompeo"), "PERSON")],
                 [(*meet, "Contact:Meet", [("Participant", 0)])])
        annotate(store, doc.id, "bob",
                 [(*mike, "PERSON"), (*york, "LOC"), (*find(text, "Kim Yong-chol"), "PERSON")],
                 [(*meet, "Contact:Meet", [("Participant", 0), ("Place", 1)])])
    return path


def open_window(qtbot, project: Path, settings_dir: Path, annotator: str = "lead",
                document: str | None = POMPEO) -> MainWindow:
    """The main window on `project`, shown and active, with `document` open (if given)."""
    settings = QSettings(str(settings_dir / f"{project.stem}.ini"), QSettings.IniFormat)
    win = MainWindow(Store(project), annotator, settings)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    if document is not None:
        win.open_document(win.session.store.document_by_name(document).id)
    return win
