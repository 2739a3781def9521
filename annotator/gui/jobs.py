"""Project-level commands of the File menu: open and recent projects, and the background jobs
(import, export, pre-annotation) that run through `workers.run_job` and then refresh the window."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.gui import exchange_dialogs
from annotator.gui import main_window as windows
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
    """File → Import…: the dialog and its job live in `exchange_dialogs`."""
    exchange_dialogs.import_dialog(window)


def export_dialog(window: MainWindow) -> None:
    """File → Export…: the dialog and its job live in `exchange_dialogs`."""
    exchange_dialogs.export_dialog(window)


def preannotate(window: MainWindow) -> None:
    QMessageBox.information(window, "Pre-annotate", "Use `annotator preannotate` for now.")
