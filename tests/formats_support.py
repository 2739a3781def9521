"""A sample project with realistic annotations, for the exchange-format tests: every occurrence
of a few names in the four sample articles, nested spans, and meeting events with arguments."""

from __future__ import annotations

import re

from annotator.model import Argument, Span, SpanKind, Status
from annotator.store import Store

NAMES = {
    "Mike Pompeo": "PERSON", "Pompeo": "PERSON", "Kim Yong Chol": "PERSON", "Trump": "PERSON",
    "Kim Jong Un": "PERSON", "North Korea": "GPE", "Pyongyang": "GPE", "New York": "GPE",
    "Pakistan": "GPE", "Afghanistan": "GPE", "Kabul": "GPE", "Washington": "GPE",
    "State Department": "ORG", "Thursday": "DATE", "February": "DATE", "North Korean": "NORP",
}
TRIGGERS = {"meet": "Contact:Meet", "talks": "Contact:Meet", "summit": "Contact:Meet",
            "visit": "Movement:Transport", "sanctions": "Policy:Sanction"}


def annotate_sample(store: Store, annotator: str, *, done: bool = True) -> None:
    """Annotate every document of `store` in `annotator`'s layer (names, nested ones included,
    and events whose Participant is the nearest PERSON before the trigger)."""
    for doc_id in store.document_ids():
        text = store.document(doc_id).text
        people: list[Span] = []
        for name, label in NAMES.items():
            for match in re.finditer(rf"\b{re.escape(name)}\b", text):
                span = store.add_span(Span(doc_id, match.start(), match.end(), label, annotator))
                if label == "PERSON":
                    people.append(span)
        for word, event_type in TRIGGERS.items():
            for match in re.finditer(rf"\b{word}\b", text):
                trigger = store.add_span(Span(doc_id, match.start(), match.end(), event_type,
                                              annotator, SpanKind.TRIGGER))
                before = [p for p in people if p.end <= match.start()]
                if event_type == "Contact:Meet" and before:
                    nearest = max(before, key=lambda p: p.end)
                    store.add_argument(Argument(trigger.id, "Participant", nearest.id))
        if done:
            store.set_status(doc_id, annotator, Status.DONE)
