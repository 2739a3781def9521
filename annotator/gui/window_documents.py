"""Moving through the project's documents in the window: opening, stepping, finishing one
(asking first when suggestions are still pending), and the status bar's progress and annotator.

Mixed into `annotator.gui.main_window.MainWindow`, whose session, document list and status bar
it uses.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from annotator.model import Status
from annotator.store import StoreError


class DocumentNavigation:
    """Which document the window shows, and what happens when it is done."""

    def open_document(self, doc_id: int) -> None:
        self.session.open_document(doc_id)
        self.view.setFocus()

    def _document_opened(self, doc_id: int) -> None:
        doc = self.session.view.doc
        words = len(doc.text.split())
        self.doc_title.setText(f"<span style='font-size:13pt;font-weight:600'>{escape(doc.name)}"
                               "</span>"
                               f"&nbsp;&nbsp;<span style='color:gray'>{words:,} words</span>")
        self.settings.setValue(f"lastDocument/{self.session.store.path}", doc_id)

    def _warn_same_annotator(self) -> None:
        """A second window (or program) of the same annotator on this project: say so once.
        Both may edit; each shows the other's edits within a second."""
        others = self.session.same_annotator_elsewhere
        box = QMessageBox(QMessageBox.Warning, "Project already open",
                          f"{self.session.annotator} already has this project open:\n"
                          + "\n".join(f"• {other.describe()}" for other in others),
                          QMessageBox.Ok, self)
        box.setObjectName("sameAnnotatorWarning")
        box.setTextFormat(Qt.PlainText)
        box.setInformativeText("You can go on in both: each window shows the other's edits "
                               "within a second. Closing one of them is simpler.")
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.open()
        self.statusBar().showMessage(f"{self.session.annotator} also has this project open "
                                     "elsewhere", 10000)

    def _last_document(self) -> int | None:
        """The document this project was left on, if it is still there."""
        value = self.settings.value(f"lastDocument/{self.session.store.path}")
        try:
            doc_id = int(value)
            self.session.store.document(doc_id)
        except (TypeError, ValueError, StoreError):
            return None
        return doc_id

    def step_document(self, direction: int) -> None:
        target = self.documents.neighbour(direction)
        if target is None:
            self.statusBar().showMessage("No more documents in this list", 4000)
            return
        self.open_document(target)

    def mark_done_and_next(self) -> None:
        """Ctrl+Enter. With suggestions still pending it asks first: accept them all, reject
        them all, or go back to them (a document is never done with open questions)."""
        pending = len(self.session.view.pending()) if self.session.view else 0
        if pending:
            self._ask_before_done(pending)
            return
        self._finish_document()

    def _ask_before_done(self, pending: int) -> None:
        text = ("1 suggestion on this document is" if pending == 1 else
                f"{pending} suggestions on this document are") + " not decided yet."
        box = QMessageBox(QMessageBox.Question, "Suggestions still pending", text,
                          QMessageBox.NoButton, self)
        box.setObjectName("pendingBeforeDone")
        box.setTextFormat(Qt.PlainText)
        box.setInformativeText("Decide them all before marking the document done?")
        accept = box.addButton("&Accept All and Finish", QMessageBox.AcceptRole)
        reject = box.addButton("&Reject All and Finish", QMessageBox.DestructiveRole)
        box.addButton(QMessageBox.Cancel)
        box.setDefaultButton(QMessageBox.Cancel)
        box.setAttribute(Qt.WA_DeleteOnClose)

        def chosen(button) -> None:
            if button in (accept, reject):
                if self.session.decide_all(accept=button is accept):
                    self._finish_document()
            else:
                self.view.setFocus()

        box.buttonClicked.connect(chosen)
        box.open()

    def _finish_document(self) -> None:
        # the document after this one in the list as it is now: marking it done may move it
        # (to the done part of the informative order, out of a status filter)
        following = self.documents.neighbour(1)
        if not self.session.set_status(Status.DONE):
            return
        if following is not None:
            self.open_document(following)
        else:
            self.statusBar().showMessage("Done — that was the last document in the list", 5000)

    def _project_changed(self) -> None:
        """Another window or program wrote: statuses and pending counts may have moved. (When
        the writer was this window's own background refresh of the list's order, the window
        does not say that someone else changed the project.)"""
        self.documents.reload()
        self._update_progress()
        if not self.documents.refresher.explains_outside_writes():
            self.statusBar().showMessage("Shown afresh: another window or program changed "
                                         "this project", 5000)

    def _update_progress(self) -> None:
        done, total = self.documents.counts()
        self.progress_label.setText(f"{done} of {total} documents done")

    def _update_annotator(self) -> None:
        self.annotator_label.setText(f"Annotator: <b>{escape(self.session.annotator)}</b>")

    def _annotator_changed(self) -> None:
        self._update_annotator()
        self.documents.reload()
        self._update_progress()

    # --- projects -------------------------------------------------------------------------
    def reload_project(self) -> None:
        """After a background job changed the file: fresh list, fresh view of the document."""
        doc_id = self.session.doc_id
        self.session.seen_outside_changes()  # this re-read covers what the job wrote
        self.session.store.reread_schema()  # an import may have added labels
        if self._add_label_actions():
            self._fill_label_menus()
            self._add_palette()
        self.documents.reload()
        self._update_progress()
        if doc_id is not None:
            self.session.view = None
            self.session.open_document(doc_id)
        self.view.setFocus()
