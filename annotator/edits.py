"""Invertible edits: every change a person makes to annotations, as a small object.

Each edit applies itself to a `Store` in one transaction and knows how to revert itself exactly
(deleted rows come back with their ids, so later edits in an undo history still point at the
right spans). The GUI wraps them in `QUndoCommand`s; the CLI and the adjudication code apply
them directly. The functions at the bottom turn an annotator's intent ("accept this suggestion",
"relabel that span") into the right edit for the layer the span lives in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from annotator.model import (
    MANUAL,
    SUGGESTIONS,
    Argument,
    Decision,
    Span,
    SpanKind,
    Status,
)
from annotator.store import Store, StoreError


class Edit(Protocol):
    description: str

    def apply(self, store: Store) -> None: ...

    def revert(self, store: Store) -> None: ...

    def span_ids(self) -> set[int]:
        """The spans that applying or reverting wrote, so a view re-reads only those (the
        arguments of a document are few and are always re-read)."""
        ...


class _NoSpans:
    """For edits of arguments and statuses."""

    def span_ids(self) -> set[int]:
        return set()


@dataclass
class AddSpan:
    span: Span
    description: str = "Add span"
    #: the stored span (with its id) once applied
    added: Span | None = None

    def apply(self, store: Store) -> None:
        # A redo re-inserts with the id the first apply got, so later edits still match.
        self.added = store.add_span(self.added or self.span)

    def revert(self, store: Store) -> None:
        store.delete_span(self.added.id)

    def span_ids(self) -> set[int]:
        return {self.added.id} if self.added else set()


@dataclass
class RemoveSpan:
    span_id: int
    description: str = "Delete span"
    removed: Span | None = None
    removed_arguments: list[Argument] = field(default_factory=list)

    def apply(self, store: Store) -> None:
        self.removed, self.removed_arguments = store.delete_span(self.span_id)

    def revert(self, store: Store) -> None:
        with store.atomic():
            store.add_span(self.removed)
            for argument in self.removed_arguments:
                store.add_argument(argument)

    def span_ids(self) -> set[int]:
        return {self.span_id}


@dataclass
class UpdateSpan:
    span_id: int
    changes: dict
    description: str = "Change span"
    before: dict = field(default_factory=dict)

    def apply(self, store: Store) -> None:
        old = store.get_span(self.span_id)
        self.before = {name: getattr(old, name) for name in self.changes}
        store.update_span(self.span_id, **self.changes)

    def revert(self, store: Store) -> None:
        store.update_span(self.span_id, **self.before)

    def span_ids(self) -> set[int]:
        return {self.span_id}


@dataclass
class AddArgument(_NoSpans):
    argument: Argument
    description: str = "Add argument"
    added: Argument | None = None

    def apply(self, store: Store) -> None:
        self.added = store.add_argument(self.added or self.argument)

    def revert(self, store: Store) -> None:
        store.delete_argument(self.added.id)


@dataclass
class RemoveArgument(_NoSpans):
    argument_id: int
    description: str = "Remove argument"
    removed: Argument | None = None

    def apply(self, store: Store) -> None:
        self.removed = store.delete_argument(self.argument_id)

    def revert(self, store: Store) -> None:
        store.add_argument(self.removed)


@dataclass
class SetStatus(_NoSpans):
    doc_id: int
    annotator: str
    status: Status
    description: str = "Set document status"
    before: Status | None = None

    def apply(self, store: Store) -> None:
        self.before = store.status(self.doc_id, self.annotator)
        store.set_status(self.doc_id, self.annotator, self.status)

    def revert(self, store: Store) -> None:
        store.set_status(self.doc_id, self.annotator, self.before)


@dataclass
class Compound:
    """Several edits as one step: applied in one transaction, reverted in reverse order."""

    edits: list
    description: str = "Edit"

    def apply(self, store: Store) -> None:
        with store.atomic():
            for edit in self.edits:
                edit.apply(store)

    def revert(self, store: Store) -> None:
        with store.atomic():
            for edit in reversed(self.edits):
                edit.revert(store)

    def span_ids(self) -> set[int]:
        return set().union(*(edit.span_ids() for edit in self.edits))


class LateArgument(_NoSpans):
    """An argument between spans that earlier edits of the same compound create.

    Their ids are only known once those edits have run, so the argument resolves them then.
    """

    def __init__(self, trigger: AddSpan | int, role: str, argument: AddSpan | int,
                 origin: str = MANUAL, decision: Decision = Decision.ACCEPTED,
                 score: float | None = None, frame: int = 0):
        self.trigger, self.role, self.argument = trigger, role, argument
        self.origin, self.decision, self.score, self.frame = origin, decision, score, frame
        self.description = f"Set {role}"
        self.added: Argument | None = None

    @staticmethod
    def _id(ref: AddSpan | int) -> int:
        return ref if isinstance(ref, int) else ref.added.id

    def apply(self, store: Store) -> None:
        self.added = store.add_argument(self.added or Argument(
            self._id(self.trigger), self.role, self._id(self.argument), self.origin,
            self.decision, self.score, frame=self.frame))

    def revert(self, store: Store) -> None:
        store.delete_argument(self.added.id)


# --- intents -> edits ------------------------------------------------------------------------


def new_span(doc_id: int, start: int, end: int, label: str, annotator: str,
             kind: SpanKind = SpanKind.ENTITY) -> AddSpan:
    return AddSpan(Span(doc_id, start, end, label, annotator, kind),
                   f"Add {label} span")


def _decide(store: Store, suggestion: Span, annotator: str, decision: Decision,
            **changes) -> AddSpan:
    """The annotator's copy of a suggestion, carrying its provenance and the decision."""
    copy = suggestion.with_(layer=annotator, decision=decision, suggestion_id=suggestion.id,
                            id=None, **changes)
    return AddSpan(copy, f"{decision.value.capitalize()} {copy.label}")


def accept(store: Store, span: Span, annotator: str) -> Edit:
    """Accept a suggestion; for a trigger, its suggested arguments come along with their spans.

    An argument span the annotator has already decided on is linked to their copy, so accepting
    an event never duplicates entities they accepted before.
    """
    if span.layer != SUGGESTIONS:
        if span.decision is Decision.SUGGESTED:
            return UpdateSpan(span.id, {"decision": Decision.ACCEPTED}, f"Accept {span.label}")
        raise StoreError("only suggestions can be accepted")
    head = _decide(store, span, annotator, Decision.ACCEPTED)
    if span.kind is not SpanKind.TRIGGER:
        return head
    edits: list = [head]
    mine = store.spans(span.doc_id, annotator)
    by_suggestion = {s.suggestion_id: s for s in mine if s.suggestion_id is not None}
    by_key = {s.key: s for s in mine}
    added: dict[int, AddSpan] = {}
    for argument in store.arguments(span.doc_id, SUGGESTIONS):
        if argument.trigger_id != span.id:
            continue
        target = store.get_span(argument.argument_id)
        existing = by_suggestion.get(target.id) or by_key.get(target.key)
        if existing is not None and existing.decision is Decision.REJECTED:
            continue
        if existing is not None:
            ref: AddSpan | int = existing.id
        else:
            ref = added.get(target.id) or _decide(store, target, annotator, Decision.ACCEPTED)
            if target.id not in added:
                added[target.id] = ref
                edits.append(ref)
        edits.append(LateArgument(head, argument.role, ref, argument.origin,
                                  Decision.ACCEPTED, argument.score))
    return Compound(edits, f"Accept {span.label} event")


def reject(store: Store, span: Span, annotator: str) -> Edit:
    """Reject a suggestion (a tombstone in the annotator's layer) or delete one's own span."""
    if span.layer == SUGGESTIONS:
        return _decide(store, span, annotator, Decision.REJECTED)
    return RemoveSpan(span.id, f"Delete {span.label}")


def relabel(store: Store, span: Span, label: str, annotator: str) -> Edit:
    kind = SpanKind.TRIGGER if label in store.schema.events else SpanKind.ENTITY
    if span.layer == SUGGESTIONS:
        decision = Decision.ACCEPTED if label == span.label else Decision.EDITED
        return _decide(store, span, annotator, decision, label=label, kind=kind)
    decision = span.decision if span.origin == MANUAL else Decision.EDITED
    return UpdateSpan(span.id, {"label": label, "kind": kind, "decision": decision},
                      f"Relabel {span.label} as {label}")


def resize(store: Store, span: Span, start: int, end: int, annotator: str) -> Edit:
    if span.layer == SUGGESTIONS:
        return _decide(store, span, annotator, Decision.EDITED, start=start, end=end)
    decision = span.decision if span.origin == MANUAL else Decision.EDITED
    return UpdateSpan(span.id, {"start": start, "end": end, "decision": decision},
                      f"Resize {span.label}")


def accept_all(store: Store, doc_id: int, annotator: str) -> Compound:
    """Accept every suggestion still pending for `annotator`, events with their arguments."""
    pending = store.pending_suggestions(doc_id, annotator)
    edits: list = []
    copies: dict[int, AddSpan] = {}
    for span in pending.spans:
        copies[span.id] = _decide(store, span, annotator, Decision.ACCEPTED)
        edits.append(copies[span.id])
    mine = store.spans(doc_id, annotator)
    by_suggestion = {s.suggestion_id: s.id for s in mine if s.suggestion_id is not None}
    for argument in pending.arguments:
        target = copies.get(argument.argument_id) or by_suggestion.get(argument.argument_id)
        if target is None:
            continue
        edits.append(LateArgument(copies[argument.trigger_id], argument.role, target,
                                  argument.origin, Decision.ACCEPTED, argument.score))
    return Compound(edits, f"Accept {len(copies)} suggestions")


def set_argument(store: Store, trigger: Span, role: str, argument: Span) -> Edit:
    """Fill a role of an event; a role may have several fillers (two participants meet)."""
    if argument.layer != trigger.layer:
        raise StoreError("the argument span must be in the trigger's layer")
    return AddArgument(Argument(trigger.id, role, argument.id), f"Set {role}")
