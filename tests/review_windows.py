"""Opening and closing the main window on a project, for the GUI tests."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from annotator.gui.main_window import MainWindow
from annotator.gui.windows import build_window
from annotator.store import Store

POMPEO = "pompeo-to-meet-counterpart-new-york"


def open_window(qtbot, project: Path, settings_dir: Path, annotator: str = "lead",
                document: str | None = POMPEO) -> MainWindow:
    """The main window on `project`, shown and active, with `document` open (if given)."""
    settings = QSettings(str(settings_dir / f"{project.stem}.ini"), QSettings.IniFormat)
    win = build_window(Store(project), annotator, settings)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    if document is not None:
        win.open_document(win.session.store.document_by_name(document).id)
    return win


def open_active_window(qtbot, project: Path, settings_file: Path, annotator: str = "alice"
                       ) -> MainWindow:
    """The main window on `project` (settings in the ini file `settings_file`), shown, on the
    document it chooses itself, and waited for until it is the active window: key presses sent
    to the application reach it, and what it reopens can be checked."""
    settings = QSettings(str(settings_file), QSettings.IniFormat)
    win = build_window(Store(project), annotator, settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    return win


def close_window(win: MainWindow) -> None:
    win.close()
    win.session.store.close()
