"""Opening and closing the main window on a project, for the review GUI tests."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

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


def close_window(win: MainWindow) -> None:
    win.close()
    win.session.store.close()
