"""Long jobs off the GUI thread, with a progress dialog and Cancel.

The threading rule (as Anki states it for its operations): a job runs in a `QThread` on its own
`Store` opened on the project's path, because an SQLite connection belongs to one thread. It
reports through the core's `progress(done, total) -> bool` callback (`annotator.errors.Progress`);
returning False is how Cancel reaches the core function, which then stops after the batch it is
writing and raises `Cancelled`. Results and failures come back by signal, so the window never
waits: a failure is the exception object itself (an `InputError` keeps its path and line, a
`Cancelled` says the user stopped it), never a string to parse.

A job that cannot report progress from a thread, or cannot be stopped there (spaCy's training
loop), runs in a child process instead (`ProcessWorker`): the same signals, the same callback in
the child, and Cancel ends the process if the job does not stop by itself.
"""

from __future__ import annotations

import gc
import multiprocessing
import queue
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from annotator.errors import Cancelled, Progress
from annotator.store import Store

Work = Callable[[Store, Progress], Any]
#: how long a cancelled child process may take to stop by itself before it is ended
PROCESS_GRACE_SECONDS = 3.0


class Worker(QThread):
    progressed = Signal(int, int)
    succeeded = Signal(object)
    #: the exception the job raised (`Cancelled` when the user stopped it)
    failed = Signal(object)

    def __init__(self, project: Path, work: Work, parent: QWidget | None = None):
        super().__init__(parent)
        self.project, self.work = project, work
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True

    def _progress(self, done: int, total: int) -> bool:
        self.progressed.emit(done, total)
        return not self.cancelled

    def start(self) -> None:
        # garbage that holds Qt objects (a closed window's) is freed here, on the GUI thread,
        # not by a collection the job's allocations would set off in its thread: Qt objects
        # deleted there leave their timers registered here, and the next one crashes
        gc.collect()
        super().start()

    def run(self) -> None:
        # and no automatic collection while the job runs (it could free what was dropped on
        # the GUI thread meanwhile); the GUI thread collects again once the job is done
        paused = gc.isenabled()
        gc.disable()
        try:
            with Store(self.project) as store:
                result = self.work(store, self._progress)
        except Exception as exc:  # noqa: BLE001 - any failure must reach the user, not a log
            self.failed.emit(exc)
        else:
            self.succeeded.emit(result)
        finally:
            if paused:
                gc.enable()


def _child(target: Callable[..., Any], args: tuple, messages, stop) -> None:
    """The child process: run `target(*args, progress)`, send progress, then the outcome."""
    def progress(done: int, total: int) -> bool:
        messages.put(("progress", (done, total)))
        return not stop.is_set()

    try:
        result = target(*args, progress)
    except BaseException as exc:  # noqa: BLE001 - handed to the window, which says what failed
        try:
            messages.put(("failed", exc))
        except Exception:  # noqa: BLE001 - an exception that cannot be pickled
            messages.put(("failed", RuntimeError(str(exc) or type(exc).__name__)))
    else:
        messages.put(("succeeded", result))


class ProcessWorker(QObject):
    """`target(*args, progress)` in a child process, with the signals of a `Worker`.

    `target` must be a module-level function (the child imports it; it never imports Qt). Its
    result and any exception it raises are pickled back. Cancel makes `progress` return False
    in the child; a job that does not stop within `PROCESS_GRACE_SECONDS` is terminated and
    reported as `Cancelled`.
    """

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, target: Callable[..., Any], args: tuple = (),
                 parent: QObject | None = None):
        super().__init__(parent)
        context = multiprocessing.get_context("spawn")  # never fork a process running Qt
        self.messages = context.Queue()
        self.stop = context.Event()
        self.process = context.Process(target=_child, args=(target, args, self.messages,
                                                            self.stop), daemon=True)
        self.cancelled = False
        self._ended = False
        self.timer = QTimer(self)
        self.timer.setInterval(50)
        self.timer.timeout.connect(self._poll)

    def start(self) -> None:
        self.process.start()
        self.timer.start()

    def cancel(self) -> None:
        if self.cancelled or self._ended:
            return
        self.cancelled = True
        self.stop.set()
        QTimer.singleShot(int(PROCESS_GRACE_SECONDS * 1000), self, self._terminate)

    def isRunning(self) -> bool:  # noqa: N802 - as QThread names it
        return not self._ended

    def _terminate(self) -> None:
        if not self._ended and self.process.is_alive():
            self.process.terminate()
            self.process.join(1)
            self._end("failed", Cancelled("stopped"))

    def _poll(self) -> None:
        while not self._ended:
            try:
                kind, value = self.messages.get_nowait()
            except queue.Empty:
                break
            if kind == "progress":
                self.progressed.emit(*value)
            else:
                self._end(kind, value)
        if not self._ended and not self.process.is_alive() and self.messages.empty():
            code = self.process.exitcode
            self._end("failed", Cancelled("stopped") if self.cancelled else
                      RuntimeError(f"the job's process ended unexpectedly (exit code {code})"))

    def _end(self, kind: str, value: Any) -> None:
        self._ended = True
        self.timer.stop()
        self.process.join(1)
        (self.succeeded if kind == "succeeded" else self.failed).emit(value)
        self.finished.emit()


def _with_progress_dialog(parent: QWidget, title: str, worker: Worker | ProcessWorker,
                          on_success: Callable[[Any], None],
                          on_failure: Callable[[BaseException], None]) -> None:
    dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModal)
    dialog.setMinimumDuration(0)
    dialog.setMinimumWidth(380)

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


def run_job(parent: QWidget, title: str, project: Path, work: Work,
            on_success: Callable[[Any], None],
            on_failure: Callable[[BaseException], None]) -> Worker:
    """Start `work` in a worker thread behind a window-modal progress dialog with Cancel."""
    worker = Worker(project, work, parent)
    _with_progress_dialog(parent, title, worker, on_success, on_failure)
    return worker


def run_process(parent: QWidget, title: str, target: Callable[..., Any], args: tuple,
                on_success: Callable[[Any], None],
                on_failure: Callable[[BaseException], None]) -> ProcessWorker:
    """Start `target(*args, progress)` in a child process behind the same progress dialog."""
    worker = ProcessWorker(target, args, parent)
    _with_progress_dialog(parent, title, worker, on_success, on_failure)
    return worker
