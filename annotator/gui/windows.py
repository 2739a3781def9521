"""Main windows with their features installed: what `app.run` and File → Open make.

`MainWindow` is the workbench itself; the features (`annotator.gui.features`) are installed
here, so the window never imports them.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget

from annotator.gui.features import FEATURES
from annotator.gui.main_window import MainWindow
from annotator.store import Store

#: top-level windows, kept alive here (Qt would otherwise lose them to garbage collection)
OPEN_WINDOWS: list[QWidget] = []


def install_features(window: MainWindow) -> MainWindow:
    for name in FEATURES:
        module = import_module(f"annotator.gui.features.{name}")
        window.features[name] = module.install(window.context)
    return window


def build_window(store: Store, annotator: str, settings: QSettings | None = None) -> MainWindow:
    """A main window on `store` with every feature installed (not yet shown)."""
    return install_features(MainWindow(store, annotator, settings))


def open_window(path: Path, annotator: str, settings: QSettings) -> MainWindow:
    """A window on the project at `path`, remembered as the last project opened."""
    from annotator.gui.features.project import remember_project

    window = build_window(Store(path), annotator, settings)
    remember_project(settings, path)
    OPEN_WINDOWS.append(window)
    window.destroyed.connect(lambda: OPEN_WINDOWS.remove(window)
                             if window in OPEN_WINDOWS else None)
    return window
