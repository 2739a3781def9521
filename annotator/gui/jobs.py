"""Project-level commands of the File menu: open and recent projects, and the background jobs
(import, export, pre-annotation) that run through `workers.run_job` and then refresh the window."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from annotator.gui import main_window as windows
from annotator.gui.workers import run_job
from annotator.importing import import_documents
from annotator.store import Store, StoreError

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow

RECENT = "recentProjects"
MAX_RECENT = 8
#: top-level windows, kept alive here (Qt would otherwise lose them to garbage collection)
OPEN_WINDOWS: list[QWidget] = []


def recent_projects(settings: QSettings) -> list[str]:
    value = settings.value(RECENT) or []
    paths = [value] if isinstance(value, str) else list(value)
    return [p for p in paths if Path(p).exists()]


def remember_project(settings: QSettings, path: Path) -> None:
    path_text = str(path.resolve())
    paths = [path_text] + [p for p in recent_projects(settings) if p != path_text]
    settings.setValue(RECENT, paths[:MAX_RECENT])
    settings.setValue("lastProject", path_text)


def open_window(path: Path, annotator: str, settings: QSettings) -> MainWindow:
    window = windows.MainWindow(Store(path), annotator, settings)
    remember_project(settings, path)
    OPEN_WINDOWS.append(window)
    window.destroyed.connect(lambda: OPEN_WINDOWS.remove(window)
                             if window in OPEN_WINDOWS else None)
    return window


def open_project_window(path: Path, current: MainWindow) -> None:
    """Replace the current window by one on `path` (a new file becomes an empty project)."""
    try:
        window = open_window(path, current.session.annotator, current.settings)
    except StoreError as exc:
        QMessageBox.warning(current, "Cannot open project", str(exc))
        return
    window.setGeometry(current.geometry())
    window.show()
    current.close()


def _finished(window: MainWindow, title: str):
    def success(result) -> None:
        window.reload_project()
        lines = getattr(result, "summary", None) or [f"{title}: done"]
        window.statusBar().showMessage("; ".join(lines), 10000)

    def failure(message: str) -> None:
        window.reload_project()
        QMessageBox.warning(window, title, message)

    return success, failure


def import_dialog(window: MainWindow) -> None:
    paths, _ = QFileDialog.getOpenFileNames(
        window, "Import documents", "", "Text and JSONL (*.txt *.jsonl);;All files (*)")
    if not paths:
        return

    def work(store: Store, progress) -> object:
        progress(0, 1)
        report = import_documents(store, [Path(p) for p in paths], "auto")
        progress(1, 1)
        return [f"imported {len(report.added)} documents"
                + (f", {len(report.duplicates)} already present" if report.duplicates else "")]

    success, failure = _finished(window, "Import")
    run_job(window, "Importing", window.session.store.path, work,
            lambda lines: success(_Summary(lines)), failure)


def export_dialog(window: MainWindow) -> None:
    QMessageBox.information(window, "Export", "Use `annotator export` for now.")


def preannotate(window: MainWindow) -> None:
    QMessageBox.information(window, "Pre-annotate", "Use `annotator preannotate` for now.")


class _Summary:
    def __init__(self, lines: list[str]):
        self.summary = lines
