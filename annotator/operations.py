"""What an annotator means, as edits: "accept this suggestion", "relabel that span", "make this
the Place of that event".

Each function reads what it needs from the store and returns an `annotator.edits` edit, not yet
applied; the caller applies it (the GUI's session through its undo history, the CLI and the
adjudication code directly). The right edit depends on the layer the span lives in: deciding on
a suggestion writes a copy into the annotator's layer that points back at it, while changing
one's own span updates it in place. Nothing here knows about Qt.
"""

from __future__ import annotations

from collections.abc import Iterable

from annotator.edits import (
    AddArgument,
    AddSpan,
    Compound,
    Edit,
    LateArgument,
    RemoveArgument,
    RemoveSpan,
    SetStatus,
    UpdateSpan,
)
from annotator.model import MANUAL, SUGGESTIONS, Argument, Decision, Span, SpanKind, Status
from annotator.schema import Schema
from annotator.store import Store, StoreError


def kind_of(schema: Schema, label: str) -> SpanKind:
    """Event types make triggers, every other label an entity."""
    return SpanKind.TRIGGER if label in schema.events else SpanKind.ENTITY


def new_span(doc_id: int, start: int, end: int, label: str, annotator: str,
             kind: SpanKind = SpanKind.ENTITY) -> AddSpan:
    return AddSpan(Span(doc_id, start, end, label, annotator, kind),
                   f"Add {label} span")


def label(store: Store, doc_id: int, start: int, end: int, label: str, annotator: str,
          pending: Iterable[Span] = ()) -> Edit:
    """A new span of `label` at start..end. An undecided suggestion of the same label that it
    overlaps (`White House` drawn inside the suggested `the White House`) is superseded: it is
    rejected in the same step, so it does not stay pending beside the span that replaces it."""
    kind = kind_of(store.schema, label)
    added = new_span(doc_id, start, end, label, annotator, kind)
    superseded = [s for s in pending if s.layer == SUGGESTIONS and s.label == label
                  and s.kind is kind and s.start < end and start < s.end]
    if not superseded:
        return added
    return _named(Compound([added] + [decide(s, annotator, Decision.REJECTED)
                                      for s in superseded],
                           f"Add {label} span (replacing the suggestion)"), "supersede")


def decide(suggestion: Span, annotator: str, decision: Decision, **changes) -> AddSpan:
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
    head = decide(span, annotator, Decision.ACCEPTED)
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
            ref = added.get(target.id) or decide(target, annotator, Decision.ACCEPTED)
            if target.id not in added:
                added[target.id] = ref
                edits.append(ref)
        edits.append(LateArgument(head, argument.role, ref, argument.origin,
                                  Decision.ACCEPTED, argument.score))
    return Compound(edits, f"Accept {span.label} event")


def reject(store: Store, span: Span, annotator: str) -> Edit:
    """Reject a suggestion (a tombstone in the annotator's layer), or delete one's own span.

    A suggestion the annotator had accepted (or edited) before is rejected too: its copy gives
    way to a tombstone, so the suggestion does not come back as pending.
    """
    if span.layer == SUGGESTIONS:
        return decide(span, annotator, Decision.REJECTED)
    if span.suggestion_id is not None and span.decision is not Decision.REJECTED:
        tombstone = AddSpan(span.with_(id=None, decision=Decision.REJECTED))
        return _named(Compound([RemoveSpan(span.id), tombstone], f"Reject {span.label}"),
                      "reject")
    return delete(span)


def delete(span: Span) -> Edit:
    """Delete a span of one's own layer (the arguments that use it go with it)."""
    return RemoveSpan(span.id, f"Delete {span.label}")


def relabel(store: Store, span: Span, label: str, annotator: str) -> Edit:
    kind = kind_of(store.schema, label)
    if span.layer == SUGGESTIONS:
        decision = Decision.ACCEPTED if label == span.label else Decision.EDITED
        return decide(span, annotator, decision, label=label, kind=kind)
    decision = span.decision if span.origin == MANUAL else Decision.EDITED
    return UpdateSpan(span.id, {"label": label, "kind": kind, "decision": decision},
                      f"Relabel {span.label} as {label}")


def resize(store: Store, span: Span, start: int, end: int, annotator: str) -> Edit:
    if span.layer == SUGGESTIONS:
        return decide(span, annotator, Decision.EDITED, start=start, end=end)
    decision = span.decision if span.origin == MANUAL else Decision.EDITED
    return UpdateSpan(span.id, {"start": start, "end": end, "decision": decision},
                      f"Resize {span.label}")


def accept_all(store: Store, doc_id: int, annotator: str) -> Compound:
    """Accept every suggestion still pending for `annotator`, events with their arguments."""
    return _decide_all(store, doc_id, annotator, Decision.ACCEPTED)


def reject_all(store: Store, doc_id: int, annotator: str) -> Compound:
    """Reject every suggestion still pending for `annotator`."""
    return _decide_all(store, doc_id, annotator, Decision.REJECTED)


def _decide_all(store: Store, doc_id: int, annotator: str, decision: Decision) -> Compound:
    pending = store.pending_suggestions(doc_id, annotator)
    edits: list = []
    copies: dict[int, AddSpan] = {}
    for span in pending.spans:
        copies[span.id] = decide(span, annotator, decision)
        edits.append(copies[span.id])
    verb = "Accept" if decision is Decision.ACCEPTED else "Reject"
    operation = f"{verb.lower()}_all"
    if decision is not Decision.ACCEPTED:
        return _named(Compound(edits, f"{verb} {len(copies)} suggestions"), operation)
    mine = store.spans(doc_id, annotator)
    by_suggestion = {s.suggestion_id: s.id for s in mine if s.suggestion_id is not None}
    for argument in pending.arguments:
        target = copies.get(argument.argument_id) or by_suggestion.get(argument.argument_id)
        if target is None:
            continue
        edits.append(LateArgument(copies[argument.trigger_id], argument.role, target,
                                  argument.origin, Decision.ACCEPTED, argument.score))
    return _named(Compound(edits, f"{verb} {len(copies)} suggestions"), operation)


def set_argument(store: Store, trigger: Span, role: str, argument: Span) -> Edit:
    """Fill a role of an event; a role may have several fillers (two participants meet)."""
    if argument.layer != trigger.layer:
        raise StoreError("the argument span must be in the trigger's layer")
    return AddArgument(Argument(trigger.id, role, argument.id), f"Set {role}")


def link_role(store: Store, trigger: Span, role: str, filler: Span | None, annotator: str,
              new_entity: AddSpan | None = None) -> Compound:
    """Make `filler` (or the span `new_entity` adds) the `role` argument of `trigger`, as one
    step that first accepts the trigger and the filler where they are still suggestions.

    The trigger's own step comes first, so `link_head(edit)` finds the annotator's trigger.
    """
    steps: list = []
    head: AddSpan | int = trigger.id
    copies: dict[int, AddSpan] = {}
    if trigger.layer == SUGGESTIONS:
        accepted = accept(store, trigger, annotator)
        steps.append(accepted)
        parts = accepted.edits if isinstance(accepted, Compound) else [accepted]
        head = parts[0]
        # accepting an event brings its suggested arguments along: reuse those copies
        copies = {p.span.suggestion_id: p for p in parts[1:] if isinstance(p, AddSpan)}
    if new_entity is not None:
        target: AddSpan | int = new_entity
        steps.append(new_entity)
    elif filler.layer == SUGGESTIONS:
        target = copies.get(filler.id) or accept(store, filler, annotator)
        if filler.id not in copies:
            steps.append(target)
    else:
        target = filler.id
    link = LateArgument(head, role, target)
    steps.append(link)
    return _named(Compound(steps, f"Set {role} of {trigger.label}"), "link_role")


def link_head(edit: Compound) -> int:
    """The id of the annotator's trigger that a `link_role` edit filled a role of."""
    link = edit.edits[-1]
    return link.added.trigger_id


def remove_argument(argument: Argument) -> Edit:
    if argument.id is None or argument.decision is Decision.SUGGESTED:
        raise StoreError("accept the suggested event first to change its arguments")
    return RemoveArgument(argument.id, f"Remove {argument.role}")


def set_status(doc_id: int, annotator: str, status: Status) -> Edit:
    return SetStatus(doc_id, annotator, status, f"Mark {status.value.replace('_', ' ')}")


def annotate_all(schema: Schema, places: Iterable[tuple[int, int, int]], label: str,
                 annotator: str) -> Compound:
    """New spans of `label` at (doc_id, start, end) places, as one step."""
    kind = kind_of(schema, label)
    new = [new_span(d, s, e, label, annotator, kind) for d, s, e in places]
    return _named(Compound(new, f"Label {len(new)} occurrences as {label}"), "annotate_all")


def _named(edit, operation: str):
    """`edit` with the intent the journal records for it (`journal.operation_of` infers the
    rest from the edit's shape)."""
    edit.operation = operation
    return edit
