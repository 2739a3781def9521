"""Keeping the "most informative first" order live while the lexicon learns.

The project lexicon's suggestions in a document are brought up to date only when something
looks at it (opening it, pre-annotation, `annotator queue`). So when a project opens and
after an annotator finishes a document (what the lexicon learns from), a worker thread
(`annotator.gui.workers.Worker`, on its own connection) runs `annotator.queue.refresh_queue`
over the documents still to do, one short transaction per document, and the list is then read
again, keeping the document that is open selected. The window never waits for it: a key press
meanwhile at worst waits for one document's write. A request while a run is under way is
remembered and runs after it, once.

The suggestions it inserts never take the id of a span an undo or redo will put back: span
ids are never given out again (`migrations._ids_never_reused`).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from annotator.errors import Progress
from annotator.gui.session import Session
from annotator.gui.workers import Worker
from annotator.model import GOLD
from annotator.store import Store

#: how long closing the window waits for a run to stop at its next document
STOP_WAIT_MS = 5000


class QueueRefresher(QObject):
    #: a run changed values or suggestions: the list should be read again
    refreshed = Signal()

    def __init__(self, session: Session, parent: QObject | None = None):
        super().__init__(parent)
        self.session = session
        self.worker: Worker | None = None
        #: another run was asked for while one was under way
        self.waiting = False
        #: the window closed: a run's outcome, still on its way by signal, is dropped
        self.stopped = False
        #: a finished run wrote, and the window has not yet noticed it as an outside write
        self.unnoticed = False

    def request(self) -> None:
        """Refresh the lexicon's suggestions and the values of the documents to do, now or
        after the run under way."""
        if self.stopped:
            return
        if self.worker is not None:
            self.waiting = True
            return
        session = self.session
        annotator = session.annotator

        def is_open(doc_id: int) -> bool:
            """Whether the window shows `doc_id` now (the session refreshes that one itself);
            asked from the worker thread, so the view is read once (it may be replaced)."""
            view = session.view
            return view is not None and view.doc.id == doc_id

        def work(store: Store, progress: Progress) -> int:
            from annotator.queue import refresh_queue

            if annotator == GOLD:
                return store.fill_queue_values()  # gold is never shown suggestions
            return refresh_queue(store, annotator, progress=progress, skip=is_open)

        self.worker = Worker(session.store.path, work, self)
        self.worker.succeeded.connect(self._succeeded)
        self.worker.failed.connect(self._failed)
        self.worker.finished.connect(self._finished)
        self.worker.start()

    def _succeeded(self, computed: int) -> None:
        if computed and not self.stopped:
            self.unnoticed = True
            self.refreshed.emit()

    def explains_outside_writes(self) -> bool:
        """Whether the writes the window just noticed from another connection may be this
        refresher's (a run under way, or one that wrote since the window last looked): the
        window then does not tell the annotator that someone else changed the project."""
        explained = self.worker is not None or self.unnoticed
        if self.worker is None:
            self.unnoticed = False
        return explained

    def _failed(self, error: BaseException) -> None:
        if not self.stopped:
            self.session.message.emit(f"The list's order could not be brought up to date: "
                                      f"{error}")

    def _finished(self) -> None:
        worker, self.worker = self.worker, None
        if worker is not None:
            worker.deleteLater()
        if self.waiting:
            self.waiting = False
            self.request()

    def stop(self) -> None:
        """The window is closing: stop the run under way at its next document."""
        self.stopped = True
        self.waiting = False
        if self.worker is not None:
            self.worker.cancel()
            self.worker.wait(STOP_WAIT_MS)
