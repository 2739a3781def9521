"""Project-level commands of the File menu: open and recent projects, and the background jobs
(import, export, pre-annotation) that run through `workers.run_job` and then refresh the window."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.gui import exchange_dialogs
from annotator.gui import main_window as windows
from annotator.gui.cells import plain
from annotator.gui.workers import run_job
from annotator.store import Store, StoreError

# The formats and the NLP code import spaCy, which takes seconds: they are imported when a job
# first needs them, so the window opens at once.

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
        QMessageBox.warning(current, "Cannot open project", plain(str(exc)))
        return
    window.setGeometry(current.geometry())
    window.show()
    current.close()


def _finished(window: MainWindow, title: str):
    """Callbacks for a job that returns summary lines: refresh the window, show the outcome."""

    def success(lines: list[str]) -> None:
        window.reload_project()
        warnings = [line for line in lines if line.startswith("warning")]
        window.statusBar().showMessage("; ".join(lines[:2]), 15000)
        if warnings:
            QMessageBox.information(window, title, plain("\n".join(lines)))

    def failure(message: str) -> None:
        window.reload_project()
        QMessageBox.warning(window, title, plain(message))

    return success, failure


def import_dialog(window: MainWindow) -> None:
    """File → Import…: the dialog and its job live in `exchange_dialogs`."""
    exchange_dialogs.import_dialog(window)


def export_dialog(window: MainWindow) -> None:
    """File → Export…: the dialog and its job live in `exchange_dialogs`."""
    exchange_dialogs.export_dialog(window)


def preannotate(window: MainWindow) -> None:
    from annotator.nlp.loading import project_pipeline
    from annotator.nlp.preannotate import preannotate as run_preannotation

    def work(store: Store, progress) -> list[str]:
        pipeline = project_pipeline(store)
        report = run_preannotation(store, pipeline, progress=progress)
        lines = [f"{'Stopped: ' if report.cancelled else ''}pre-annotated {report.documents} "
                 f"documents with {report.model} ({report.skipped} already done): "
                 f"{sum(report.entities.values())} entities, "
                 f"{sum(report.triggers.values())} event triggers, "
                 f"{sum(report.arguments.values())} arguments"]
        return lines + [f"warning: {w}" for w in report.warnings]

    run_job(window, "Pre-annotating", window.session.store.path, work,
            *_finished(window, "Pre-annotate"))
