"""Where file dialogs start: the folder the user last chose, else their home folder.

Never the project's own folder by default: the sample project lives in the hidden per-user data
folder, where nobody looks for an export or a report. Kept per user in the window's QSettings.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

KEY = "lastFolder"


class Folders:
    def __init__(self, settings: QSettings):
        self.settings = settings

    def start(self) -> Path:
        """The folder a file dialog opens in."""
        last = self.settings.value(KEY)
        if last and Path(str(last)).is_dir():
            return Path(str(last))
        return Path.home()

    def chose(self, path: str | Path) -> None:
        """The user picked `path` (a file or a folder): dialogs start beside it from now on."""
        path = Path(path)
        folder = path if path.is_dir() else path.parent
        if str(folder) and folder.is_dir():
            self.settings.setValue(KEY, str(folder.resolve()))
