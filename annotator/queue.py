"""Which document to annotate next: the "to do" documents, most informative first; and which
suggestions to hide as too unsure.

A document teaches the model most where its suggestions are unsure or disagree: each pending
suggestion with a probability (the NER's for entities, a trained trigger component's for
triggers) adds its uncertainty, 1 - p, and each place where the project lexicon and a model
suggest different things (another label, or another extent of overlapping text) adds one.
Ties keep document order. The GUI orders its list with this and the CLI prints it
(`annotator queue`).
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator import lexicon
from annotator.lexicon import ORIGIN as LEXICON
from annotator.model import SUGGESTIONS, Annotations, Span, SpanKind, Status
from annotator.store import Store, undecided


@dataclass
class QueueItem:
    doc_id: int
    name: str
    #: disagreements + uncertainty: what the order is by
    value: float
    disagreements: int
    uncertainty: float
    pending: int


def hide_unsure(suggestions: Annotations, min_score: float) -> Annotations:
    """The suggestions without those whose probability is below `min_score` (and their
    arguments). Unscored suggestions and scores above 1 (lexicon evidence counts) stay."""
    spans = [s for s in suggestions.spans
             if s.score is None or s.score > 1.0 or s.score >= min_score]
    keep = {s.id for s in spans}
    return Annotations(spans, [a for a in suggestions.arguments
                               if a.trigger_id in keep and a.argument_id in keep])


def _disagreements(spans: list[Span]) -> int:
    lexicon = [s for s in spans if s.origin == LEXICON]
    models = [s for s in spans if s.origin != LEXICON and s.kind is SpanKind.ENTITY]
    return sum(1 for x in lexicon if any(
        x.overlaps(m) and (m.start, m.end, m.label) != (x.start, x.end, x.label)
        for m in models))


def document_value(store: Store, doc_id: int, annotator: str) -> tuple[int, float, int]:
    """(disagreements, uncertainty, pending suggestions) of a document for `annotator`."""
    pending = undecided(store.annotations(doc_id, SUGGESTIONS), store.spans(doc_id, annotator))
    uncertainty = sum(1.0 - s.score for s in pending.spans
                      if s.score is not None and 0.0 <= s.score <= 1.0)
    return _disagreements(pending.spans), round(uncertainty, 4), len(pending.spans)


def informative_order(store: Store, annotator: str, limit: int | None = None, *,
                      refresh_lexicon: bool = True) -> list[QueueItem]:
    """The documents `annotator` has not started, most informative first; their lexicon
    suggestions are brought up to date first (`refresh_lexicon`), as opening them would."""
    statuses = store.statuses(annotator)
    todo = [d for d in store.document_ids() if statuses.get(d, Status.TODO) is Status.TODO]
    if refresh_lexicon:
        lexicon.refresh(store, todo)
    items = []
    for doc_id in todo:
        disagreements, uncertainty, pending = document_value(store, doc_id, annotator)
        items.append(QueueItem(doc_id, store.document(doc_id).name,
                               round(disagreements + uncertainty, 4), disagreements,
                               uncertainty, pending))
    items.sort(key=lambda item: (-item.value, item.doc_id))
    return items if limit is None else items[:limit]
