"""Which document to annotate next: the "to do" documents, most informative first; and which
suggestions to hide as too unsure.

A document teaches the model most where its suggestions are unsure or disagree: each
suggestion with a probability (the NER's for entities, a trained trigger component's for
triggers) adds its uncertainty, 1 - p, and each place where the project lexicon and a model
suggest different things (another label, or another extent of overlapping text) adds one.
Ties keep document order. The value depends on the `suggestions` layer only (an annotator has
decided nothing on a document still to do), so it is kept per document in the project
(`store_queue`) and the document list is ordered by it in SQL; the CLI (`annotator queue`) and
the GUI read the same order through `informative_order` and `Store.document_summaries`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from annotator import lexicon
from annotator.errors import Cancelled, Progress
from annotator.model import Annotations, ListOrder, Status
from annotator.store import Store


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


def refresh_queue(store: Store, annotator: str, *, skip: Callable[[int], bool] = lambda _: False,
                  progress: Progress | None = None) -> int:
    """Bring the lexicon suggestions of the documents `annotator` has not started up to date
    (as opening each would; not those `skip` names, such as the one a window has open), then
    compute the values their suggestions changed. Each document is written in its own short
    transaction (`lexicon.refresh`), so a window working meanwhile is never kept waiting long.
    Returns how many values were computed; `progress` returning False raises `Cancelled`."""
    statuses = store.statuses(annotator)
    todo = [d for d in store.document_ids() if statuses.get(d, Status.TODO) is Status.TODO]
    known = lexicon.entries(store)
    for done, doc_id in enumerate(todo):
        if progress is not None and done % 20 == 0 and progress(done, len(todo)) is False:
            raise Cancelled("the queue refresh was stopped")
        if not skip(doc_id):
            lexicon.refresh(store, [doc_id], known)
    return store.fill_queue_values()


def informative_order(store: Store, annotator: str, limit: int | None = None, *,
                      refresh_lexicon: bool = True) -> list[QueueItem]:
    """The documents `annotator` has not started, most informative first (the "to do" part
    of the document list in `ListOrder.INFORMATIVE`). Their lexicon suggestions are brought up
    to date first (`refresh_lexicon`, see `refresh_queue`); the values their suggestions
    changed are computed again in any case."""
    if refresh_lexicon:
        refresh_queue(store, annotator)
    else:
        store.fill_queue_values()
    rows = store.document_summaries(annotator, status=Status.TODO, order=ListOrder.INFORMATIVE,
                                    limit=-1 if limit is None else limit)
    return [QueueItem(r.id, r.name, r.value or 0.0, r.disagreements, r.uncertainty, r.pending)
            for r in rows]
