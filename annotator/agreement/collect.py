"""Reading what agreement compares out of a project: each document's text, tokens and the
effective annotations (accepted or edited; no tombstones, no suggestions) of every compared
annotator who worked on it.

Which documents: by default those every compared annotator marked done, since half-finished
work is not disagreement. With `include_all`, every document at least one of them worked on
(status in progress or done, or an effective span in their layer); an annotator who did not
work on a document is *missing* there, not "marked nothing", which is what Krippendorff's α is
built for.

A corpus is read in batches with a few queries each (`Store.layer_rows`), as light records
(`Mark`, `Link`) with the attributes of `Span` and `Argument` that the measures use: building
full model objects for a million spans would cost more than measuring them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

from annotator.agreement.matching import regex_tokens
from annotator.model import Annotations, SpanKind, Status
from annotator.store import Store

BATCH = 500
_KINDS = {k.value: k for k in SpanKind}


@dataclass(slots=True, eq=False)
class Mark:
    """A span as the measures see it (the attributes of `Span` they use).

    A class with slots: the measures read these attributes millions of times, and a slot is
    read several times faster than a named tuple's field (a descriptor call); it is made
    faster too. Marks are told apart by identity, like the rows they come from.
    """

    start: int
    end: int
    label: str
    kind: SpanKind
    id: int


@dataclass(slots=True, eq=False)
class Link:
    """An event argument as the measures see it."""

    trigger_id: int
    role: str
    argument_id: int
    frame: int = 0


@dataclass
class DocumentLayers:
    """One document as the measures see it."""

    doc_id: int
    name: str
    text: str
    #: (start, end, ...) of each token, in text order
    tokens: Sequence[Sequence[int]]
    #: "stored" (the pipeline's tokens) or "regex" (fallback: the document was never analysed)
    tokenisation: str
    #: compared annotator -> effective annotations (of `Mark`s and `Link`s, or of `Span`s and
    #: `Argument`s), only for the annotators who worked on the document
    layers: dict[str, Annotations]


def coverage(store: Store, annotators: Sequence[str], *,
             include_all: bool = False) -> dict[int, list[str]]:
    """Document id -> the compared annotators who worked on it, for the documents to compare
    (see the module docstring), in id order."""
    if not annotators:
        return {}
    if not include_all:
        done = set.intersection(*(store.done_ids(a) for a in annotators))
        return {doc_id: list(annotators) for doc_id in sorted(done)}
    worked = {a: store.annotated_ids(a) | {d for d, s in store.statuses(a).items()
                                             if s is not Status.TODO}
              for a in annotators}
    out = {}
    for doc_id in store.document_ids():
        names = [a for a in annotators if doc_id in worked[a]]
        if names:
            out[doc_id] = names
    return out


def comparison_documents(store: Store, annotators: Sequence[str], *,
                         include_all: bool = False) -> list[int]:
    """Ids of the documents to compare, in id order."""
    return list(coverage(store, annotators, include_all=include_all))


def collect(store: Store, annotators: Sequence[str], *, include_all: bool = False,
            doc_ids: Sequence[int] | None = None) -> Iterator[DocumentLayers]:
    """The documents to compare, one at a time, read in batches (memory stays bounded).

    `doc_ids` narrows the selection (it does not widen it: coverage still decides who counts
    as having worked on each document).
    """
    covered = coverage(store, annotators, include_all=include_all)
    if doc_ids is not None:
        covered = {d: covered[d] for d in doc_ids if d in covered}
    return read_documents(store, covered)


def read_documents(store: Store,
                   covered: Mapping[int, Sequence[str]]) -> Iterator[DocumentLayers]:
    """The given documents with the layers of the given annotators (doc id -> annotators)."""
    ids = list(covered)
    layers = sorted({a for names in covered.values() for a in names})
    for first in range(0, len(ids), BATCH):
        batch = ids[first:first + BATCH]
        span_rows, argument_rows = store.layer_rows(batch, layers)
        tokens = store.token_offsets(batch)
        marks = _marks(span_rows)
        links: defaultdict[tuple[int, str], list[Link]] = defaultdict(list)
        for doc_id, layer, trigger_id, role, argument_id, frame in argument_rows:
            links[doc_id, layer].append(Link(trigger_id, role, argument_id, frame))
        for doc in store.iter_documents(batch):
            stored = tokens.get(doc.id)
            yield DocumentLayers(
                doc.id, doc.name, doc.text, stored or regex_tokens(doc.text),
                "stored" if stored else "regex",
                {a: Annotations(marks.get(doc.id, {}).get(a, []), links.get((doc.id, a), []))
                 for a in covered[doc.id]})


def _marks(rows: list[tuple]) -> dict[int, dict[str, list[Mark]]]:
    """Document id -> layer -> its spans, out of `Store.layer_rows` span rows (which come in
    document order, so one document's are gathered at a time; rows out of order would still
    land with their document)."""
    marks: dict[int, defaultdict[str, list[Mark]]] = {}
    for doc_id, group in groupby(rows, itemgetter(0)):
        layers = marks.setdefault(doc_id, defaultdict(list))
        for _, layer, span_id, kind, start, end, label in group:
            layers[layer].append(Mark(start, end, label, _KINDS[kind], span_id))
    return marks
