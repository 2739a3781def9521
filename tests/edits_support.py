"""The small pre-annotated document the edit and journal tests work on."""

from __future__ import annotations

from annotator.model import SUGGESTIONS, Document, Sentence, Span, SpanKind
from annotator.store import Analysis, Store

TEXT = "Mike Pompeo met Kim Yong Chol in New York on Friday."


def talks(store: Store) -> int:
    """A document with suggested PERSON, PERSON, GPE and a Contact:Meet event using them."""
    doc_id = store.add_documents([Document("talks", TEXT)]).added[0]
    spans = [
        Span(doc_id, 0, 11, "PERSON", SUGGESTIONS, origin="model:sm@3.8"),
        Span(doc_id, 16, 28, "PERSON", SUGGESTIONS, origin="model:sm@3.8"),
        Span(doc_id, 12, 15, "Contact:Meet", SUGGESTIONS, SpanKind.TRIGGER, origin="rule:meet"),
        Span(doc_id, 32, 40, "GPE", SUGGESTIONS, origin="model:sm@3.8"),
    ]
    store.save_analyses([Analysis(doc_id, "sm@3.8", [], [Sentence(0, len(TEXT))], spans,
                                  [(2, "Participant", 0, None), (2, "Participant", 1, None),
                                   (2, "Place", 3, 0.5)])])
    return doc_id


def suggestion(store: Store, doc_id: int, label: str) -> Span:
    return next(s for s in store.spans(doc_id, SUGGESTIONS) if s.label == label)
