"""Start-up: the QApplication, settings, who is annotating, which project, and screenshots.

`run()` is what `annotator` (no arguments) and `annotator gui PROJECT` call. With no project it
reopens the last one, or on first run builds a sample project from `corpus/` in the user's
data directory and pre-annotates it in the background while the window is already usable.
"""

from __future__ import annotations

import getpass
import importlib
import os
import sys
import threading
from pathlib import Path

import platformdirs
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog

from annotator.gui import styles, windows
from annotator.gui.main_window import MainWindow
from annotator.importing import import_documents
from annotator.paths import CORPUS
from annotator.store import Store

ORGANIZATION = "annotator"
APPLICATION = "Annotator"


def sample_project_path() -> Path:
    return Path(platformdirs.user_data_dir(APPLICATION, ORGANIZATION)) / "sample.db"


def create_sample_project(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with Store(path) as store:
        import_documents(store, [CORPUS], "txt")


def application(theme: str | None = None, *, offscreen: bool = False) -> QApplication:
    if offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    settings = QSettings()
    styles.apply_theme(app, theme or str(settings.value("theme", "system")))
    return app


def annotator_name(settings: QSettings, *, ask: bool) -> str:
    """The name kept in settings; asked once (default: the OS user) when there is none."""
    name = str(settings.value("annotator", "") or "")
    if name:
        return name
    name = getpass.getuser()
    if ask:
        answer, ok = QInputDialog.getText(
            None, "Who is annotating?",
            "Your name. Each annotator has their own layer; change it later in the File menu.",
            text=name)
        if ok and answer.strip():
            name = answer.strip()
    settings.setValue("annotator", name)
    return name


def run(project: Path | None = None, *, screenshot: Path | None = None, doc: str | None = None,
        annotator: str | None = None, theme: str | None = None) -> int:
    app = application(theme, offscreen=screenshot is not None)
    settings = QSettings()
    who = annotator or annotator_name(settings, ask=screenshot is None)
    fresh_sample = False
    if project is None:
        last = settings.value("lastProject")
        project = Path(last) if last and Path(str(last)).exists() else sample_project_path()
        if not project.exists():
            create_sample_project(project)
            fresh_sample = True
    window = windows.open_window(project, who, settings)
    if doc is not None:
        found = window.session.store.document_by_name(doc)
        if found is None:
            raise SystemExit(f"error: no document named {doc!r} in {project}")
        window.open_document(found.id)
    if screenshot is not None:
        return save_screenshot(app, window, screenshot)
    window.restore_geometry()
    window.show()
    warm_up()
    if fresh_sample:
        # once the sample has suggestions, the head of the (most informative first) list
        QTimer.singleShot(0, lambda: window.features["nlp"].run(then=lambda: open_head(window)))
    return app.exec()


def open_head(window: MainWindow) -> None:
    """Open the document at the head of the list: on the first run, the sample document its
    new suggestions make most worth labelling (the window opened before they existed)."""
    first = window.documents.first()
    if first is not None and first != window.session.doc_id:
        window.open_document(first)


def warm_up() -> threading.Thread:
    """Import spaCy's pieces that opening a document may need (the lexicon links its
    suggestions to events on the stored parse) in a thread, while the annotator looks at the
    window: imported on the GUI thread the first time, they froze it for most of a second."""
    thread = threading.Thread(target=importlib.import_module,
                              args=("annotator.nlp.stored_parse",), daemon=True)
    thread.start()
    return thread


def save_screenshot(app: QApplication, window: MainWindow, path: Path) -> int:
    window.resize(1600, 1000)
    window.show()
    for _ in range(3):
        app.processEvents()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(path)):
        raise SystemExit(f"error: cannot write {path}")
    window.close()
    return 0
