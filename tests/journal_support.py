"""Building journals and window activity with known moments, for the telemetry tests: no
sleeping, every figure known in advance."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from annotator.model import SUGGESTIONS, Decision, Span, SpanKind, Status
from annotator.store import Store
from annotator.store_activity import stamp

#: A Monday, so that ISO weeks in the tests are easy to read.
START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)

def span_json(span: Span) -> dict:
    return {"id": span.id, "document_id": span.doc_id, "layer": span.layer,
            "kind": span.kind.value, "start": span.start, "end": span.end, "label": span.label,
            "origin": span.origin, "decision": span.decision.value, "score": span.score,
            "suggestion_id": span.suggestion_id}


class Journal:
    """Writes journal entries and activity rows at `START` + seconds."""

    def __init__(self, store: Store, start: datetime = START):
        self.store, self.start = store, start

    def at(self, seconds: float) -> datetime:
        return self.start + timedelta(seconds=seconds)

    def entry(self, who: str, doc: int | None, seconds: float, operation: str = "add",
              edit: dict | None = None, action: str = "apply", entry_of: int | None = None,
              description: str = "") -> int:
        cursor = self.store.db.execute(
            "INSERT INTO journal (at, annotator, document_id, action, operation, description,"
            " edit, entry_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [stamp(self.at(seconds)), who, doc, action, operation,
             description or operation, json.dumps(edit or {}, sort_keys=True), entry_of])
        return cursor.lastrowid

    def undo(self, who: str, doc: int | None, seconds: float, of: int) -> int:
        return self.entry(who, doc, seconds, "add", action="undo", entry_of=of)

    def redo(self, who: str, doc: int | None, seconds: float, of: int) -> int:
        return self.entry(who, doc, seconds, "add", action="redo", entry_of=of)

    def status(self, who: str, doc: int, seconds: float, after: Status = Status.DONE,
               before: Status = Status.IN_PROGRESS, store_it: bool = True) -> int:
        if store_it:
            self.store.set_status(doc, who, after)
        return self.entry(who, doc, seconds, "set_status", {"status": {
            "document_id": doc, "annotator": who, "before": before.value,
            "after": after.value}})

    def window(self, who: str, doc: int | None, seconds: float, kind: str) -> None:
        self.store.record_activity(who, doc, kind, at=self.at(seconds))

    def accept(self, who: str, suggestion: Span, seconds: float, **changes) -> int:
        """Decide on a suggestion in the store (accepted, or edited with `changes`) and
        journal it."""
        decision = Decision.EDITED if changes else Decision.ACCEPTED
        copy = self.store.add_span(suggestion.with_(layer=who, decision=decision, id=None,
                                                    suggestion_id=suggestion.id, **changes))
        operation = ("relabel" if "label" in changes else "resize") if changes else "accept"
        return self.entry(who, suggestion.doc_id, seconds, operation,
                          {"spans_added": [span_json(copy)]})

    def reject(self, who: str, suggestion: Span, seconds: float) -> int:
        copy = self.store.add_span(suggestion.with_(layer=who, decision=Decision.REJECTED,
                                                    id=None, suggestion_id=suggestion.id))
        return self.entry(who, suggestion.doc_id, seconds, "reject",
                          {"spans_added": [span_json(copy)]})

    def add(self, who: str, doc: int, start: int, end: int, label: str, seconds: float,
            kind: SpanKind = SpanKind.ENTITY) -> int:
        span = self.store.add_span(Span(doc, start, end, label, who, kind))
        return self.entry(who, doc, seconds, "add", {"spans_added": [span_json(span)]})


def suggest(store: Store, doc: int, start: int, end: int, label: str,
            origin: str = "model:en_test@1.0", kind: SpanKind = SpanKind.ENTITY) -> Span:
    return store.add_span(Span(doc, start, end, label, SUGGESTIONS, kind, origin,
                               Decision.SUGGESTED, 0.9))
