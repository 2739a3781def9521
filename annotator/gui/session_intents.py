"""What a key press means: each intent turns the selection into an `annotator.operations`
edit and hands it to `Session.apply`, the one guarded write path.

Kept apart from `annotator.gui.session` (documents, selection, the write and undo path) because
these are the policy of the keys (what Enter does on an already-decided span, where the
selection goes after a reject), while the session is the mechanism they all share.
"""

from __future__ import annotations

import functools

from annotator import edits, operations
from annotator.model import Argument, Span, SpanKind, Status
from annotator.store import StoreError


def _acting(method):
    """An intent that looks at the file first: when another window or program changed the
    span it would act on, the span is shown afresh and nothing is written (the person sees
    what is there now and decides again)."""
    @functools.wraps(method)
    def act(self: Intents, *args, **kwargs):
        before = self.selected()
        if self.sync() and before is not None and self.view.by_id.get(before.id) != before:
            self.message.emit("Not changed: another window or program changed this span; "
                              "it is shown as it is now")
            return False
        return method(self, *args, **kwargs)
    return act


class Intents:
    """The intents of `Session`, mixed into it: they use its view, selection, signals and
    `apply`, and every one that writes looks at the file first (`_acting`)."""

    @_acting
    def label(self, label: str, selection: tuple[int, int] | None) -> bool:
        """A label key: a new span on the selected text, or relabel the selected span. False
        if nothing was stored (so the window keeps the selection for another try)."""
        kind = operations.kind_of(self.schema, label)
        if selection is not None:
            snapped = self.view.snap(*selection)
            if snapped is None:
                self.message.emit("Select some words first")
                return False
            same = self.view.find_same_place(*snapped, kind)
            if same is None and self.pending_role and kind is SpanKind.ENTITY:
                return self._link(self.pending_role, None,
                                  operations.new_span(self.doc_id, *snapped, label,
                                                      self.annotator))
            if same is None:
                return self.apply(
                    operations.label(self.store, self.doc_id, *snapped, label, self.annotator,
                                     self.view.pending()),
                    select=_chosen)
            target = same
        else:
            target = self.selected()
            if target is None:
                self.message.emit("Select text or a span first, then press a label key")
                return False
        if target.label == label and not self.view.is_suggestion(target):
            return True  # already so
        return self.apply(operations.relabel(self.store, target, label, self.annotator),
                          select=_chosen)

    @_acting
    def accept(self) -> None:
        span = self.selected()
        if span is not None and not self.view.is_suggestion(span):
            # already decided (a relabelled suggestion, say): Enter confirms it and moves on
            following = self._next_pending_after(span)
            if following is not None:
                self.select(following.id)
            else:
                self.message.emit("No suggestions left after this one")
            return
        if span is None:
            self.message.emit("Select a suggestion to accept (Ctrl+Tab moves between them)")
            return

        def chosen(edit: edits.Edit) -> int | None:
            if span.kind is SpanKind.TRIGGER:  # its frame stays open while the review goes on
                self.event_id = _chosen(edit)
            following = self._next_pending_after(span)  # not the event's arguments, now mine
            return following.id if following else _chosen(edit)

        self.apply(operations.accept(self.store, span, self.annotator), select=chosen)

    @_acting
    def reject(self) -> None:
        span = self.selected()
        if span is None:
            self.message.emit("Select a span or suggestion first")
            return

        def following(_edit: edits.Edit) -> int | None:
            after = self._next_pending_after(span)
            return after.id if after else None

        self.apply(operations.reject(self.store, span, self.annotator), select=following)

    @_acting
    def delete(self) -> None:
        span = self.selected()
        if span is None:
            return
        if self.view.is_suggestion(span):
            self.reject()
            return
        self.apply(operations.delete(span), select=lambda e: None)

    def accept_all(self) -> bool:
        return self.decide_all(accept=True)

    @_acting
    def decide_all(self, *, accept: bool) -> bool:
        """Accept (or reject) every suggestion still pending on this document, as one step."""
        decide = operations.accept_all if accept else operations.reject_all
        edit = decide(self.store, self.doc_id, self.annotator)
        if not edit.edits or self.store.suggestions_withheld(self.doc_id):
            self.message.emit("No suggestions left on this document")
            return True
        return self.apply(edit, select=lambda e: None)

    @_acting
    def resize(self, edge: str, direction: int) -> None:
        span = self.selected()
        if span is None:
            return
        extent = self.view.step(span, edge, direction)
        if extent is None:
            self.message.emit("A span keeps at least one token")
            return
        self.apply(operations.resize(self.store, span, *extent, self.annotator), select=_chosen)

    @_acting
    def fill_role(self, role: str, span: Span) -> None:
        """Make `span` the `role` argument of the current event (accepting suggestions used)."""
        trigger = self.current_event()
        if trigger is None or span.id == trigger.id:
            return
        if span.kind is SpanKind.TRIGGER:
            self.message.emit("An argument must be an entity, not an event trigger")
            return
        self._link(role, span)

    def _link(self, role: str, span: Span | None, new_entity: edits.AddSpan | None = None
              ) -> bool:
        """One undo step: accept the suggested trigger and argument if need be, then link."""
        edit = operations.link_role(self.store, self.current_event(), role, span,
                                    self.annotator, new_entity)
        self.set_pending_role(None)

        def keep_event(_edit) -> int:
            self.event_id = operations.link_head(edit)
            return self.event_id

        return self.apply(edit, select=keep_event)

    @_acting
    def remove_argument(self, argument: Argument) -> None:
        try:
            edit = operations.remove_argument(argument)
        except StoreError as exc:
            self.message.emit(str(exc).capitalize())
            return
        self.apply(edit)

    @_acting
    def set_status(self, status: Status) -> bool:
        applied = self.apply(operations.set_status(self.doc_id, self.annotator, status))
        self.statusChanged.emit(self.doc_id)
        return applied

    @_acting
    def annotate_all(self, places: list[tuple[int, int, int]], label: str) -> None:
        """New spans at (doc_id, start, end) places, as one undo step."""
        if places:
            self.apply(operations.annotate_all(self.schema, places, label, self.annotator))
            for doc_id in {d for d, _, _ in places}:
                self.statusChanged.emit(doc_id)

    def _next_pending_after(self, span: Span) -> Span | None:
        """The first suggestion still pending after where `span` is (or was)."""
        return next((s for s in self.view.pending() if s.id != span.id
                     and (s.start, -s.end) > (span.start, -span.end)), None)


def _chosen(edit: edits.Edit) -> int | None:
    """The span an edit leaves the annotator looking at."""
    if isinstance(edit, edits.Compound):
        edit = edit.edits[0]
    if isinstance(edit, edits.AddSpan):
        return edit.added.id
    if isinstance(edit, edits.UpdateSpan):
        return edit.span_id
    return None
