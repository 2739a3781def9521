"""Long jobs off the GUI thread, with a progress dialog and Cancel.

The threading rule (as Anki states it for its operations): a job runs in a `QThread` on its own
`Store` opened on the project's path, because an SQLite connection belongs to one thread. It
reports through the core's `progress(done, total) -> bool` callback; returning False is how
Cancel reaches the core function, which then stops after the batch it is writing. Results and
errors come back by signal, so the window never waits.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from annotator.store import Store

Work = Callable[[Store, Callable[[int, int], bool]], Any]


class Worker(QThread):
    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, project: Path, work: Work, parent: QWidget | None = None):
        super().__init__(parent)
        self.project, self.work = project, work
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True

    def _progress(self, done: int, total: int) -> bool:
        self.progressed.emit(done, total)
        return not self.cancelled

    def run(self) -> None:
        try:
            with Store(self.project) as store:
                result = self.work(store, self._progress)
        except Exception as exc:  # noqa: BLE001 - any failure must reach the user, not a log
            self.failed.emit(str(exc) or type(exc).__name__)
        else:
            self.succeeded.emit(result)


def run_job(parent: QWidget, title: str, project: Path, work: Work,
            on_success: Callable[[Any], None], on_failure: Callable[[str], None]) -> Worker:
    """Start `work` in a worker thread behind a window-modal progress dialog with Cancel."""
    dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModal)
    dialog.setMinimumDuration(0)
    dialog.setMinimumWidth(380)
    worker = Worker(project, work, parent)

    def progressed(done: int, total: int) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, max(total, 1)))
        dialog.setLabelText(f"{title}: {done:,} of {total:,}")

    worker.progressed.connect(progressed)
    worker.succeeded.connect(on_success)
    worker.failed.connect(on_failure)
    worker.finished.connect(dialog.close)
    worker.finished.connect(worker.deleteLater)
    dialog.canceled.connect(worker.cancel)
    dialog.show()
    worker.start()
    return worker
