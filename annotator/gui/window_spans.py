"""What the article's keys and clicks do in the window: label the selection, step between
spans, describe the selected one, pick an event's roles, the context menu, find and annotate all.

The meaning of each edit is `Session`'s (`annotator.gui.session_intents`); this is the window's
side: the text selection, focus, the status bar and the dialogs. Mixed into
`annotator.gui.main_window.MainWindow`.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QInputDialog, QMenu

from annotator.gui.cells import place_over
from annotator.gui.find import AnnotateAll, CorpusSearch
from annotator.model import SpanKind


class SpanCommands:
    """The article's commands: spans, event roles, find."""

    def apply_label(self, label: str) -> None:
        if self.session.label(label, self.view.selection()):
            self._clear_text_selection()

    def _clear_text_selection(self) -> None:
        cursor = self.view.textCursor()
        if cursor.hasSelection():
            cursor.clearSelection()
            self.view.setTextCursor(cursor)

    def step_span(self, direction: int, pending_only: bool = False) -> None:
        position = self.view.offsets.to_py(self.view.textCursor().position())
        span = self.session.neighbour(direction, position, pending_only=pending_only)
        if span is not None:
            self.choose_span(span.id)

    def choose_span(self, span_id: int) -> None:
        self.session.select(span_id)
        span = self.session.selected()
        if span is not None:
            self.view.show_span(span)
            self.view.setFocus()

    def span_clicked(self, span_id: int) -> None:
        span = self.session.view.by_id.get(span_id) if self.session.view else None
        if self.session.pending_role and span is not None:
            self.session.fill_role(self.session.pending_role, span)
            return
        self.session.select(span_id if span is not None else None)

    def _selection_changed(self) -> None:
        span = self.session.selected()
        if span is None:
            # an undo or a delete took the span away: stop describing it
            if self.statusBar().currentMessage() == self._described:
                self.statusBar().clearMessage()
            return
        text = span.text_in(self.session.view.doc.text)
        what = "suggested " if self.session.view.is_suggestion(span) else ""
        hint = ("Enter accepts, X rejects, a label key relabels" if what
                else f"a label key relabels, Delete deletes, {self._resize_keys()} resize")
        self._described = f"{what}{span.label} “{text[:60]}” — {hint}"
        self.statusBar().showMessage(self._described, 8000)

    def _resize_keys(self) -> str:
        """The keys that grow a span, as the user has them: "[ ]" by default."""
        keys = [a.shortcut().toString(QKeySequence.NativeText)
                for a in (self.act_grow_start, self.act_grow_end)]
        return " ".join(k for k in keys if k) or "Annotate › Resize Span"

    def cancel(self) -> None:
        """Escape steps back one thing at a time: the role being picked, the selection, then
        the event frame."""
        if self.session.pending_role:
            self.session.set_pending_role(None)
            return
        if self.session.selected_id is None and not self.view.textCursor().hasSelection():
            self.session.close_event()
            return
        self._clear_text_selection()
        self.session.select(None)

    def context_menu(self, span_id: int, where: QPoint) -> None:
        span = self.session.view.by_id.get(span_id) if self.session.view else None
        menu = QMenu(self)
        if span is not None:
            self.session.select(span.id)
            if self.session.view.is_suggestion(span):
                menu.addAction(self.act_accept)
            menu.addAction(self.act_reject)
            if not self.session.view.is_suggestion(span):
                menu.addAction(self.act_delete)
            event = self.session.current_event()
            if event is not None and span.kind is SpanKind.ENTITY:
                for argument, filler in self.session.view.arguments_of(event):
                    if filler.id == span.id:
                        remove = menu.addAction(f"Remove as {argument.role} of {event.label}")
                        remove.triggered.connect(
                            lambda _c=False, arg=argument: self.session.remove_argument(arg))
            menu.addSeparator()
            relabel = menu.addMenu("Relabel as")
        else:
            relabel = menu.addMenu("Label selection as")
        entity_menu = relabel.addMenu("Entity")
        entity_menu.addActions([self.label_actions[lb] for lb in self.session.schema.entities])
        event_menu = relabel.addMenu("Event")
        event_menu.addActions([self.label_actions[lb] for lb in self.session.schema.events])
        menu.addSeparator()
        menu.addActions([self.act_all, self.act_accept_all])
        menu.exec(where)

    def choose_event_type(self) -> None:
        types = list(self.session.schema.events)
        current = self.session.selected()
        start = types.index(current.label) if current and current.label in types else 0
        label, ok = QInputDialog.getItem(self, "Event type", "Make an event trigger of type:",
                                         types, start, False)
        if ok:
            self.apply_label(label)

    # --- events ------------------------------------------------------------------------------
    def choose_role_number(self, number: int) -> None:
        roles = self.event_panel.roles()
        if number <= len(roles):
            self.choose_role(roles[number - 1])

    def choose_role(self, role: str) -> None:
        if self.session.current_event() is None:
            return
        self.session.set_pending_role(role)
        self.view.setFocus()

    def _pending_role_changed(self, role: str) -> None:
        event = self.session.current_event()
        if role and event is not None:
            self.statusBar().showMessage(
                f"Pick the {role} of {event.label}: click a span, or select text and press a "
                f"label key. Esc cancels.")
        else:
            self.statusBar().clearMessage()

    # --- find --------------------------------------------------------------------------------
    def find_in_document(self) -> None:
        selection = self.view.selection()
        text = self.session.view.doc.text[slice(*selection)] if selection else ""
        self.find_bar.open(text if "\n" not in text else "")

    def find_in_corpus(self) -> None:
        dialog = CorpusSearch(self.session.store, self)
        dialog.opened.connect(self._open_hit)
        dialog.show()

    def _open_hit(self, doc_id: int, query: str) -> None:
        self.open_document(doc_id)
        self.find_bar.open(query)
        self.find_bar.step(1)

    def annotate_all(self) -> None:
        selection = self.view.selection()
        span = self.session.selected()
        if selection is not None:
            start, end = self.session.view.snap(*selection) or selection
            label = span.label if span else next(iter(self.session.schema.entities))
        elif span is not None:
            start, end, label = span.start, span.end, span.label
        else:
            self.statusBar().showMessage("Select a span or some text first", 4000)
            return
        needle = self.session.view.doc.text[start:end]
        dialog = AnnotateAll(self.session, needle, label, self)
        place_over(dialog, self.view)
        if dialog.exec():
            self.session.annotate_all(dialog.checked(), dialog.chosen_label())
