"""What a feature module may use of the window it is installed on.

A feature (`annotator.gui.features.<name>`) adds commands to the window's named menus and opens
its own dialogs; it never reaches into the window's widgets beyond this context. The main window
builds one `WindowContext` and knows nothing of the features; `annotator.gui.windows` installs
them. The context is the window's contract with its features: keep it small, and add to it only
what two features need.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QStatusBar

from annotator.gui import workers

if TYPE_CHECKING:
    from annotator.gui.article_view import ArticleView
    from annotator.gui.session import Session
    from annotator.store import Store

#: the window's menus, by name: "file", "edit", "annotate", "review", "view", "help"
MENUS = ("file", "edit", "annotate", "review", "view", "help")


@dataclass
class WindowContext:
    #: the main window, as the parent of a feature's dialogs and docks
    parent: QMainWindow
    session: Session
    settings: QSettings
    menus: dict[str, QMenu]
    status_bar: QStatusBar
    #: the article on screen (to show a place, to give back the focus)
    article: ArticleView
    #: open a document by id / select a span and scroll it into view
    open_document: Callable[[int], None]
    show_span: Callable[[int], None]
    #: re-read the project after another connection (a job) changed it
    reload: Callable[[], None]
    #: named insertion points inside menus ("file/data"): a separator that ends the section
    sections: dict[str, QAction] = field(default_factory=dict)
    #: commands a feature offers the others by name ("preannotate"), so that choosing a model
    #: can re-suggest without the model loop importing the pre-annotation feature
    commands: dict[str, Callable[[], None]] = field(default_factory=dict)

    @property
    def store(self) -> Store:
        return self.session.store

    @property
    def store_path(self) -> Path:
        return self.session.store.path

    def status(self, text: str, msecs: int = 5000) -> None:
        self.status_bar.showMessage(text, msecs)

    def add_action(self, text: str, slot: Callable[[], object], keys: Sequence[str] = (), *,
                   menu: str | None = None, section: str | None = None, tip: str = "",
                   checkable: bool = False) -> QAction:
        """A command of the window: its keys work wherever the window has the focus; it is put
        in `menu` (at the end of `section`, a name such as "file/data") when one is given."""
        action = QAction(text, self.parent)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.WindowShortcut)
        action.setCheckable(checkable)
        action.triggered.connect(lambda _checked=False: slot())
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        self.parent.addAction(action)
        if section is not None:
            menu = menu or section.split("/")[0]
            self.menus[menu].insertAction(self.sections[section], action)
        elif menu is not None:
            self.menus[menu].addAction(action)
        return action

    def add_menu(self, title: str, *, menu: str, section: str | None = None) -> QMenu:
        """A submenu of `menu` (at the end of `section` when one is given)."""
        sub = QMenu(title, self.parent)
        if section is not None:
            self.menus[menu].insertMenu(self.sections[section], sub)
        else:
            self.menus[menu].addMenu(sub)
        return sub

    def add_dock(self, dock: QDockWidget, area: Qt.DockWidgetArea = Qt.BottomDockWidgetArea
                 ) -> None:
        self.parent.addDockWidget(area, dock)

    def run_job(self, title: str, work: workers.Work, on_success: Callable[[Any], None],
                on_failure: Callable[[BaseException], None]) -> workers.Worker:
        """`work(store, progress)` in a thread on its own connection to the project, behind a
        progress dialog with Cancel; the outcome comes back to the callbacks on this thread."""
        return workers.run_job(self.parent, title, self.store_path, work, on_success,
                               on_failure)

    def run_process(self, title: str, target: Callable[..., Any], args: tuple,
                    on_success: Callable[[Any], None],
                    on_failure: Callable[[BaseException], None]) -> workers.ProcessWorker:
        """`target(*args, progress)` in a child process (for jobs a thread cannot stop), with
        the same dialog and callbacks as `run_job`."""
        return workers.run_process(self.parent, title, target, args, on_success, on_failure)


__all__ = ["MENUS", "WindowContext"]
