"""The open project as the window sees it: one store, one annotator, one document, one history.

Every change goes through `Session.apply`, which runs an `annotator.edits` edit against SQLite
(so it is on disk before anything repaints), records it on the `QUndoStack`, reloads what the
annotator sees on the document and tells the views by signal. The widgets never write to the
store themselves, so undo, the "saved" indicator and the repaint can never disagree.

What a key press means lives in `annotator.gui.session_intents` (mixed into `Session`), the
read model in `annotator.gui.document_view`, and noticing other programs' writes in
`annotator.gui.outside_writes`.
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack

from annotator import edits, journal, lexicon
from annotator.changes import ChangeSet
from annotator.gui.document_view import DocumentView
from annotator.gui.outside_writes import OutsideWrites
from annotator.gui.session_intents import Intents
from annotator.gui.undo import EditCommand
from annotator.journal import Performed, perform
from annotator.model import GOLD, SUGGESTIONS, Annotations, Decision, Span, SpanKind, Status
from annotator.presence import HEARTBEAT_SECONDS, Instance, Presence
from annotator.queue import hide_unsure
from annotator.store import Store, StoreError, undecided

#: how long a key press may wait for another program writing to the project: past this the
#: edit is refused with a message, rather than the window freezing for the store's 30 s
LOCK_WAIT_SECONDS = 2.0
#: how often an idle window looks whether another window or program wrote to the project
WATCH_MS = 1000
#: how long after the last edit the window copies the write-ahead log into the `.db`, so the
#: file alone holds the work even while the window stays open
CHECKPOINT_IDLE_MS = 3000


class Session(Intents, QObject):
    documentOpened = Signal(int)
    annotationsChanged = Signal()
    selectionChanged = Signal()
    statusChanged = Signal(int)
    saved = Signal(str)
    message = Signal(str)
    pendingRoleChanged = Signal(str)
    annotatorChanged = Signal(str)
    #: another connection (a second window, the CLI, a job) wrote to the project; the open
    #: document is shown afresh already, lists and counts should re-read
    projectChanged = Signal()
    #: this window refreshed the open document's lexicon suggestions: the list's pending count
    #: and the document's place in the informative order may have moved (nobody else wrote)
    suggestionsRefreshed = Signal()

    def __init__(self, store: Store, annotator: str, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        store.set_busy_timeout(LOCK_WAIT_SECONDS)
        self.annotator = annotator
        self.undo_stack = QUndoStack(self)
        self.view: DocumentView | None = None
        self.selected_id: int | None = None
        #: the trigger whose frame the event panel shows; stays while its arguments are picked
        self.event_id: int | None = None
        #: a role chosen in the event panel, waiting for the span that fills it
        self.pending_role: str | None = None
        self._suggestions = Annotations()
        #: pending suggestions with a probability below this are hidden (Annotate → Hide
        #: Unsure Suggestions); unscored ones and lexicon evidence counts always show
        self.min_score = 0.0
        #: the project lexicon as its last refresh here saw it: the evidence behind a lexicon
        #: suggestion ("PERSON 5, ORG 1"), shown with it
        self.lexicon: dict[str, lexicon.Entry] = {}
        #: the annotator's layer on the open document as stored, kept so that an edit re-reads
        #: only the spans it wrote: re-reading a thousand spans per key press costs milliseconds
        self._layer: dict[int, Span] = {}
        #: what this window last saw of the file, to notice other connections' writes
        self.outside = OutsideWrites(store)
        self.watch = QTimer(self)
        self.watch.setInterval(WATCH_MS)
        self.watch.timeout.connect(self.sync)
        self.watch.start()
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.setInterval(CHECKPOINT_IDLE_MS)
        self.idle.timeout.connect(self._checkpoint)
        #: this window's row among the programs that have the project open, and the other live
        #: ones of the same annotator when it opened (the window tells the person)
        self.presence: Presence | None = None
        self.same_annotator_elsewhere: list[Instance] = []
        with suppress(sqlite3.Error, StoreError):  # locked or read-only: work without it
            self.presence, self.same_annotator_elsewhere = Presence.register(store, annotator)
        self.heartbeat = QTimer(self)
        self.heartbeat.setInterval(HEARTBEAT_SECONDS * 1000)
        self.heartbeat.timeout.connect(self._beat)
        self.heartbeat.start()

    # --- documents ---------------------------------------------------------------------------
    @property
    def schema(self):
        return self.store.schema

    @property
    def doc_id(self) -> int | None:
        return self.view.doc.id if self.view else None

    def open_document(self, doc_id: int) -> None:
        if self.doc_id == doc_id:
            return
        doc = self.store.document(doc_id)
        self.view = DocumentView(doc, lambda: self.store.tokens(doc_id))
        self._suggestions = self._suggestions_on(doc_id)
        self.selected_id = self.event_id = None
        self.set_pending_role(None)
        self._load()
        self._restore_history(doc_id)
        QTimer.singleShot(0, self, self._warm_tokens)  # after the first paint
        if self.annotator != GOLD:
            QTimer.singleShot(0, self, self._refresh_lexicon)
        self.documentOpened.emit(doc_id)
        self.annotationsChanged.emit()
        self.selectionChanged.emit()

    def _suggestions_on(self, doc_id: int) -> Annotations:
        """The proposals this window shows on a document: none for gold (settled from the
        annotators' layers in curation, not from the models), none where an A/B experiment
        withholds them (`annotator experiment`)."""
        if self.annotator == GOLD or self.store.suggestions_withheld(doc_id):
            return Annotations()
        return self.store.annotations(doc_id, SUGGESTIONS)

    def _refresh_lexicon(self) -> None:
        """Bring the project lexicon's suggestions on the open document up to date with what
        was decided elsewhere (`annotator.lexicon`). It runs just after the document is on
        screen, since matching a large lexicon over a long article costs more than opening it;
        what it changed then shows. When another program holds the write lock the suggestions
        stay as they were."""
        if self.view is None:
            return
        doc_id = self.doc_id
        with suppress(sqlite3.OperationalError, sqlite3.ProgrammingError, StoreError):
            report = lexicon.refresh(self.store, [doc_id])
            self.lexicon = report.entries
            if not report.written:
                return
            self.outside.own_write_seen()
            self._suggestions = self._suggestions_on(doc_id)
            self._load()
            self.annotationsChanged.emit()
            self.suggestionsRefreshed.emit()  # the list's pending counts and order

    def _restore_history(self, doc_id: int) -> None:
        """The undo history is the annotator's on this document, as the journal keeps it: it
        survives switching documents, closing the window and restarting the program."""
        stack = self.undo_stack
        stack.clear()
        try:
            kept = journal.history(self.store, self.annotator, doc_id)
        except (StoreError, sqlite3.DatabaseError, KeyError, ValueError) as exc:
            self.message.emit(f"The undo history of this document could not be read: {exc}")
            return
        commands = [EditCommand(edit, doc_id, entry.id)
                    for entry, edit in kept.undo + kept.redo[::-1]]
        for command in commands:
            stack.push(command)  # already applied: push's redo() does nothing
        for command in commands[len(kept.undo):]:
            command.settled = True  # moving the index back "undoes" them: they are undone
        stack.setIndex(len(kept.undo))
        stack.setClean()

    # --- other windows and programs ----------------------------------------------------------
    def _beat(self) -> None:
        if self.presence is not None:
            with suppress(sqlite3.Error, StoreError):
                self.presence.heartbeat(self.annotator)

    def _checkpoint(self) -> None:
        with suppress(sqlite3.Error):
            self.store.checkpoint()

    def close(self) -> None:
        """The window is closing: stop looking at the file and close it (checkpointed, so the
        `.db` alone holds every edit). Safe to call twice."""
        self.watch.stop()
        self.idle.stop()
        self.heartbeat.stop()
        if self.presence is not None:
            with suppress(sqlite3.Error, StoreError):
                self.presence.release()
            self.presence = None
        self.store.close()

    def sync(self) -> bool:
        """Look whether another window or program wrote to the project since this window last
        looked; if so, show the open document afresh (its suggestions, the annotator's layer,
        the undo history the journal now holds) and tell the lists. True if something changed.
        Runs on a short timer and before every edit."""
        if not self.outside.changed():
            return False
        if self.view is not None:
            doc_id = self.doc_id
            self._suggestions = self._suggestions_on(doc_id)
            self._load()
            self._restore_history(doc_id)
            if self.event_id not in self.view.by_id:
                self.event_id = None
            if self.selected_id not in self.view.by_id:
                self.selected_id = None
            self.annotationsChanged.emit()
            self.selectionChanged.emit()
        self.projectChanged.emit()
        return True

    def seen_outside_changes(self) -> None:
        """This window has re-read the project itself (after its own background job)."""
        self.outside.seen()

    def _warm_tokens(self) -> None:
        if self.view is None:
            return
        with suppress(sqlite3.ProgrammingError):  # the project was closed before this moment
            self.view.tokens  # noqa: B018 - reading them is the point

    def _load(self, written: set[int] | None = None) -> None:
        """Re-read the annotator's layer, all of it or only the spans in `written`; the
        document's suggestions were read on opening (only a pre-annotation run changes them,
        and the window reopens the document after one)."""
        doc_id = self.view.doc.id
        if written is None:
            self._layer = {s.id: s for s in self.store.spans(doc_id, self.annotator)}
        else:
            for span_id in written:
                self._layer.pop(span_id, None)
            self._layer.update((s.id, s) for s in self.store.spans_by_id(written)
                               if s.doc_id == doc_id and s.layer == self.annotator)
        layer = list(self._layer.values())
        pending = undecided(self._suggestions, layer)
        if self.min_score > 0:
            pending = hide_unsure(pending, self.min_score)
        mine = [s for s in layer if s.decision is not Decision.REJECTED]
        keep = {s.id for s in mine}
        arguments = [a for a in self.store.arguments(doc_id, self.annotator)
                     if a.trigger_id in keep and a.argument_id in keep]
        spans = sorted(mine + pending.spans, key=lambda s: (s.start, -s.end, s.id))
        self.view = DocumentView(self.view.doc, self.view.token_source, spans,
                                 arguments + pending.arguments)

    def set_min_score(self, value: float) -> None:
        """Hide pending suggestions less sure than `value` (0 shows all) and repaint."""
        self.min_score = value
        if self.view is not None:
            self._load()
            self.annotationsChanged.emit()

    def set_annotator(self, name: str) -> None:
        self.annotator = name
        self._beat()
        if self.presence is not None:
            with suppress(sqlite3.Error, StoreError):
                if self.presence.others():
                    self.message.emit(f"{name} also has this project open in another window "
                                      "or program: edits there show here within a second")
        self.undo_stack.clear()
        doc_id, self.view = self.doc_id, None
        self.annotatorChanged.emit(name)
        if doc_id is not None:
            self.open_document(doc_id)

    # --- edits: the one guarded path for apply, undo and redo ------------------------------
    def _write(self, edit: edits.Edit, action: str, refused: str, *, doc_id: int | None,
               entry_of: int | None = None) -> Performed | None:
        """Apply, undo or redo `edit` through `journal.perform` (the edit and its journal row
        in one transaction, a replay checked against the file first). The journal row's id, or
        None with the reason in the status bar if the store refused: then nothing was written,
        and the caller leaves the undo history where it was."""
        try:
            done = perform(self.store, edit, action, annotator=self.annotator,
                           document_id=doc_id, entry_of=entry_of)
        except StoreError as exc:
            self.message.emit(f"{refused}: {exc}")
            return None
        except sqlite3.IntegrityError as exc:  # another program changed what the edit needs
            self.message.emit(f"{refused}: the project changed under this edit ({exc})")
            return None
        except sqlite3.OperationalError as exc:  # locked by another program, disk full...
            self.message.emit(f"{refused}, nothing changed: {exc}")
            return None
        return done

    def apply(self, edit: edits.Edit, select: Callable[[edits.Edit], int | None] | None = None,
              doc_id: int | None = None, operation: str | None = None) -> bool:
        """Run `edit` now, in one transaction with its journal row, and put it on the undo
        history (`operation` names the intent in the journal, when the edit does not)."""
        doc_id = doc_id or self.doc_id
        if operation:
            edit.operation = operation
        done = self._write(edit, "apply", "Not saved", doc_id=doc_id)
        if done is None:
            return False
        self.undo_stack.push(EditCommand(edit, doc_id, done.entry_id))
        self._mark_started(doc_id)
        self._changed(edit, done.changes, select)
        return True

    def undo(self) -> bool:
        """Revert the edit before the history's index, then move the index: a revert the store
        refuses (locked file, disk full, an edit no longer valid) leaves both as they were."""
        return self._step(-1)

    def redo(self) -> bool:
        return self._step(1)

    def _step(self, direction: int) -> bool:
        stack = self.undo_stack
        index = stack.index()
        if not 0 <= index + min(direction, 0) < stack.count():
            return False
        command = stack.command(index + min(direction, 0))
        action = "undo" if direction < 0 else "redo"
        verb = "Not undone" if direction < 0 else "Not redone"
        done = self._write(command.edit, action, f"{verb} ({command.text()})",
                           doc_id=command.doc_id, entry_of=command.entry_id)
        if done is None:
            return False
        command.settled = True
        stack.setIndex(index + direction)
        self._changed(command.edit, done.changes)
        return True

    def _mark_started(self, doc_id: int) -> None:
        """A document is in progress from its first edit: browsing through the corpus (or a
        screenshot) leaves the statuses as they were."""
        if self.store.status(doc_id, self.annotator) is Status.TODO:
            self.store.set_status(doc_id, self.annotator, Status.IN_PROGRESS)
            self.statusChanged.emit(doc_id)

    def _changed(self, edit: edits.Edit, changes: ChangeSet,
                 select: Callable[[edits.Edit], int | None] | None = None) -> None:
        """Reload what `changes` says the edit touched, then choose what to select: `select`
        sees the document as the edit left it."""
        self._load(set(changes.spans))
        self.outside.own_write_seen()
        self.idle.start()
        for doc_id in sorted({d for d, who in changes.statuses if who == self.annotator}):
            self.statusChanged.emit(doc_id)
        chosen = select(edit) if select else self.selected_id
        self.saved.emit(datetime.now().strftime("Saved %H:%M:%S"))
        if self.event_id not in self.view.by_id:
            self.event_id = None
        self.annotationsChanged.emit()
        self.select(chosen if chosen in self.view.by_id else None)

    # --- selection ---------------------------------------------------------------------------
    def select(self, span_id: int | None) -> None:
        """Select a span; the event frame follows to a trigger, or to the event of a selected
        argument, and otherwise stays: moving on from an event leaves it at hand to complete."""
        self.selected_id = span_id
        span = self.selected()
        if span is not None and span.kind is SpanKind.TRIGGER:
            self.event_id = span.id
        elif span is not None and self.event_id is not None and self.pending_role is None:
            events = [t.id for t in self.view.events_using(span)]
            if events and self.event_id not in events:
                self.event_id = events[0]
        self.selectionChanged.emit()

    def close_event(self) -> None:
        self.event_id = None
        self.set_pending_role(None)
        self.selectionChanged.emit()

    def selected(self) -> Span | None:
        return self.view.by_id.get(self.selected_id) if self.view else None

    def current_event(self) -> Span | None:
        return self.view.by_id.get(self.event_id) if self.view else None

    def neighbour(self, direction: int, position: int = 0, *, pending_only: bool = False
                  ) -> Span | None:
        """The span after (1) or before (-1) the selected one, or else after `position`."""
        spans = self.view.pending() if pending_only else self.view.spans
        if not spans:
            return None
        current = self.selected()
        order = [(s.start, -s.end, s.id) for s in spans]
        # without a selection, a span that starts at `position` is the next one, not skipped
        here = ((current.start, -current.end, current.id) if current
                else (position, -10**12, 0))
        i = bisect_right(order, here) if direction > 0 else bisect_left(order, here) - 1
        return spans[i] if 0 <= i < len(spans) else None

    def set_pending_role(self, role: str | None) -> None:
        self.pending_role = role
        self.pendingRoleChanged.emit(role or "")
