"""File → New Project…, Open Project…, Open Recent, Switch Annotator….

Opening a project replaces the window by one on the other file (a new file becomes an empty
project); the recent list and the last project live in the user's settings.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from annotator.gui.cells import plain
from annotator.gui.context import WindowContext
from annotator.store import StoreError

RECENT = "recentProjects"
MAX_RECENT = 8


def recent_projects(settings: QSettings) -> list[str]:
    value = settings.value(RECENT) or []
    paths = [value] if isinstance(value, str) else list(value)
    return [p for p in paths if Path(p).exists()]


def remember_project(settings: QSettings, path: Path) -> None:
    path_text = str(path.resolve())
    paths = [path_text] + [p for p in recent_projects(settings) if p != path_text]
    settings.setValue(RECENT, paths[:MAX_RECENT])
    settings.setValue("lastProject", path_text)


class ProjectCommands:
    def __init__(self, ctx: WindowContext):
        self.ctx = ctx
        self.act_new = ctx.add_action("&New Project…", self.new_project, ("Ctrl+N",),
                                      section="file/project")
        self.act_open = ctx.add_action("&Open Project…", self.choose_project, ("Ctrl+O",),
                                       section="file/project")
        self.recent_menu = ctx.add_menu("Open &Recent", menu="file", section="file/project")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.act_annotator = ctx.add_action("Switch &Annotator…", self.switch_annotator,
                                            section="file/annotator")

    def open_project(self, path: Path) -> None:
        """Replace this window by one on `path` (a new file becomes an empty project)."""
        from annotator.gui.windows import open_window

        current = self.ctx.parent
        try:
            window = open_window(path, self.ctx.session.annotator, self.ctx.settings)
        except StoreError as exc:
            QMessageBox.warning(current, "Cannot open project", plain(str(exc)))
            return
        window.setGeometry(current.geometry())
        window.show()
        current.close()

    def choose_project(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.ctx.parent, "Open project", "",
                                              "Annotator projects (*.db *.sqlite);;All files (*)")
        if path:
            self.open_project(Path(path))

    def new_project(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.ctx.parent, "New project", "project.db",
                                              "Annotator projects (*.db)")
        if path:
            self.open_project(Path(path))

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in recent_projects(self.ctx.settings):
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _c=False, p=path: self.open_project(Path(p)))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("No recent projects").setEnabled(False)

    def switch_annotator(self) -> None:
        session = self.ctx.session
        name, ok = QInputDialog.getText(self.ctx.parent, "Annotator", "Your name (each "
                                        "annotator has their own layer):",
                                        text=session.annotator)
        if ok and name.strip():
            self.ctx.settings.setValue("annotator", name.strip())
            session.set_annotator(name.strip())


def install(ctx: WindowContext) -> ProjectCommands:
    return ProjectCommands(ctx)
