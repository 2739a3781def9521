"""Reading what agreement compares out of a project: each document's text, tokens and the
effective annotations of every compared annotator who worked on it.

Which documents: by default those every compared annotator marked done, since half-finished
work is not disagreement. With `include_all`, every document at least one of them worked on
(status in progress or done, or any span in their layer); an annotator who did not work on a
document is *missing* there, not "marked nothing", which is what Krippendorff's α is built for.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from annotator.agreement.matching import regex_tokens
from annotator.model import Annotations, Status
from annotator.store import Store


@dataclass
class DocumentLayers:
    """One document as the measures see it."""

    doc_id: int
    name: str
    text: str
    tokens: list[tuple[int, int]]
    #: "stored" (the pipeline's tokens) or "regex" (fallback: the document was never analysed)
    tokenisation: str
    #: compared annotator -> effective annotations, only for annotators who worked on it
    layers: dict[str, Annotations]


def comparison_documents(store: Store, annotators: Sequence[str], *,
                         include_all: bool = False) -> list[int]:
    """Ids of the documents to compare, in id order (see the module docstring)."""
    if not annotators:
        return []
    if not include_all:
        done = set.intersection(*(store.done_ids(a) for a in annotators))
        return sorted(done)
    return [doc_id for doc_id in store.document_ids()
            if any(_worked_on(store, doc_id, a) for a in annotators)]


def _worked_on(store: Store, doc_id: int, annotator: str) -> bool:
    return (store.status(doc_id, annotator) is not Status.TODO
            or bool(store.spans(doc_id, annotator)))


def collect(store: Store, annotators: Sequence[str], *, include_all: bool = False,
            doc_ids: Sequence[int] | None = None) -> Iterator[DocumentLayers]:
    """The documents to compare, one at a time (constant memory over large projects)."""
    if doc_ids is None:
        doc_ids = comparison_documents(store, annotators, include_all=include_all)
    for doc_id in doc_ids:
        doc = store.document(doc_id)
        stored = store.tokens(doc_id)
        tokens = [(t.start, t.end) for t in stored] if stored else regex_tokens(doc.text)
        layers = {
            a: store.annotations(doc_id, a, effective=True)
            for a in annotators
            if not include_all or _worked_on(store, doc_id, a)
        }
        yield DocumentLayers(doc_id, doc.name, doc.text, tokens,
                             "stored" if stored else "regex", layers)
