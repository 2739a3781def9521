"""The agreement report: every measure for every annotator pair, per document and over the
corpus, as one JSON-able dict that the CLI prints, the HTML page renders and the GUI shows.

Shape (the keys the issue fixes, and more)::

    {"annotators": [...], "documents": N, "labels": [...] | null,
     "pairs": [{"a", "b", "documents", "tokens",
                "span_f1": {"exact": {"micro", "macro", "p", "r", "per_label": {L: {"p", "r",
                            "f1", "support", "tp", "fp", "fn"}}}, "overlap": {...}},
                "cohen_kappa", "trigger_f1", "argument_f1",
                "triggers": {"exact": {...}, "overlap": {...}}, "arguments": {"p", "r", "f1",
                "support", ...}, "confusion": {"labels", "matrix"}, "disagreements"}],
     "fleiss_kappa", "krippendorff_alpha", "summary": {...}, "tokenisation": {...},
     "per_document": [...], "disagreements": [...], "disagreements_total": N}

A measure that is not defined is `null`, and the object holding it has a `not_defined` dict
mapping that key to the reason (see `measures` for the conventions). Spans are compared per
kind: entity spans give span F1, κ, α and the confusion matrices; triggers give trigger F1
(span + event type, exact); arguments give argument F1 (trigger span and type, role, argument
span). Token κ and α label each token with the entity label covering it, or `O`.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import combinations, islice

from annotator.agreement.collect import DocumentLayers, coverage, read_documents
from annotator.agreement.matching import (
    OUTSIDE,
    Aligned,
    Comparison,
    MatchCounts,
    Side,
    argument_tuples,
    compare,
    token_labels,
)
from annotator.agreement.measures import (
    PRF,
    LabelledF1,
    Score,
    cohen_kappa_counts,
    confusion_table,
    fleiss_kappa,
    krippendorff_alpha_counts,
    mean_score,
    prf_from_multisets,
)
from annotator.errors import Cancelled
from annotator.model import Annotations, Span, SpanKind
from annotator.store import Store

#: In confusion matrices: "the other annotator has no span here".
NOTHING = "(none)"
#: Characters of text shown on each side of a disagreement.
CONTEXT = 60
#: Fewest documents per worker process when measuring in parallel.
CHUNK = 500
#: How many disagreements a report lists by default (all are counted): enough to read and to
#: browse; curation goes document by document through `adjudication.differences` anyway.
LISTED = 10_000

Progress = Callable[[int, int], "bool | None"]


def put(target: dict, key: str, score: Score) -> None:
    """Write a score as a JSON value; an undefined one becomes null plus its reason."""
    target[key] = None if score.value is None else round(score.value, 6)
    if score.reason is not None:
        target.setdefault("not_defined", {})[key] = score.reason


def f1_block(counts: LabelledF1) -> dict:
    out: dict = {}
    put(out, "micro", counts.micro)
    put(out, "macro", counts.macro)
    total = counts.total
    put(out, "p", total.precision)
    put(out, "r", total.recall)
    out["per_label"] = {label: prf_block(c) for label, c in counts.per_label.items()}
    return out


def prf_block(counts: PRF) -> dict:
    out: dict = {}
    put(out, "p", counts.precision)
    put(out, "r", counts.recall)
    put(out, "f1", counts.f1)
    out.update(support=counts.support, tp=counts.tp, fp=counts.fp, fn=counts.fn)
    return out


@dataclass
class _View:
    """One annotator's side of one document, filtered by label."""

    entities: Side
    triggers: Side
    arguments: Counter
    tokens: dict[int, str]

    @classmethod
    def of(cls, annotations: Annotations, starts: list[int], ends: list[int],
           labels: Collection[str] | None) -> _View:
        spans = annotations.spans if labels is None else [
            s for s in annotations.spans if s.label in labels]
        entities = [s for s in spans if s.kind is SpanKind.ENTITY]
        triggers = [s for s in spans if s.kind is SpanKind.TRIGGER]
        keep = {t.id for t in triggers} if labels is not None else None
        return cls(Side(entities), Side(triggers), argument_tuples(annotations, keep),
                   token_labels(starts, ends, entities))


@dataclass
class _KindTotals:
    """Corpus counts of one pair for one kind of span; exact and overlap share the sides."""

    a: Counter = field(default_factory=Counter)
    b: Counter = field(default_factory=Counter)
    exact: Counter = field(default_factory=Counter)
    overlap: Counter = field(default_factory=Counter)

    def add(self, comparison: Comparison) -> None:
        for total, part in ((self.a, comparison.exact.a), (self.b, comparison.exact.b),
                            (self.exact, comparison.exact.matched),
                            (self.overlap, comparison.overlap.matched)):
            for label, n in part.items():
                total[label] = total.get(label, 0) + n

    def merge(self, other: _KindTotals) -> None:
        for mine, theirs in ((self.a, other.a), (self.b, other.b), (self.exact, other.exact),
                             (self.overlap, other.overlap)):
            mine.update(theirs)

    def counts(self, overlap: bool) -> LabelledF1:
        return MatchCounts(self.overlap if overlap else self.exact, self.a, self.b).labelled()


@dataclass
class _PairTotals:
    documents: int = 0
    entities: _KindTotals = field(default_factory=_KindTotals)
    triggers: _KindTotals = field(default_factory=_KindTotals)
    arguments: PRF = field(default_factory=PRF)
    tokens: Counter = field(default_factory=Counter)
    confusion: Counter = field(default_factory=Counter)
    disagreements: int = 0

    def merge(self, other: _PairTotals) -> None:
        self.documents += other.documents
        self.entities.merge(other.entities)
        self.triggers.merge(other.triggers)
        self.arguments += other.arguments
        self.tokens.update(other.tokens)
        self.confusion.update(other.confusion)
        self.disagreements += other.disagreements


def _token_pairs(units: Counter, i: int, j: int) -> Counter:
    """(label by annotator i, label by annotator j) counts out of a document's label tuples."""
    pairs: Counter = Counter()
    for labels, n in units.items():
        pairs[labels[i], labels[j]] += n
    return pairs


def _span_json(span: Span | None, text: str) -> dict | None:
    if span is None:
        return None
    return {"start": span.start, "end": span.end, "label": span.label,
            "text": text[span.start:span.end]}


def _disagreement(doc: DocumentLayers, a: str, b: str, item: Aligned) -> dict:
    start, end = item.start, item.end
    lo = max(0, start - CONTEXT)
    return {
        "doc_id": doc.doc_id, "document": doc.name, "a": a, "b": b,
        "kind": (item.a or item.b).kind.value, "type": item.kind, "start": start, "end": end,
        "a_span": _span_json(item.a, doc.text), "b_span": _span_json(item.b, doc.text),
        "context": {"start": lo, "text": doc.text[lo:end + CONTEXT]},
    }


#: Per-document figures: means over the pairs who worked on it (and their names in reasons).
_DOCUMENT_MEANS = (("span_f1_exact", "span F1"), ("span_f1_overlap", "span F1"),
                   ("cohen_kappa", "kappa"), ("trigger_f1", "trigger F1"),
                   ("argument_f1", "argument F1"))


class _Builder:
    """Accumulates a corpus one document at a time (linear in its size)."""

    def __init__(self, annotators: Sequence[str], labels: Collection[str] | None,
                 listed: int | None = LISTED):
        self.listed = listed
        self.annotators = list(annotators)
        self.labels = None if labels is None else set(labels)
        self.pairs = {pair: _PairTotals() for pair in combinations(self.annotators, 2)}
        self.units: Counter = Counter()
        self.documents: list[dict] = []
        self.disagreements: list[dict] = []
        self.tokenisation: Counter = Counter()

    def add(self, doc: DocumentLayers) -> None:
        starts = [t[0] for t in doc.tokens]
        ends = [t[1] for t in doc.tokens]
        views = {a: _View.of(doc.layers[a], starts, ends, self.labels)
                 for a in self.annotators if a in doc.layers}
        self.tokenisation[doc.tokenisation] += 1
        units = self._units(len(doc.tokens), views)
        self.units.update(units)
        record: dict = {
            "id": doc.doc_id, "name": doc.name, "tokens": len(doc.tokens),
            "tokenisation": doc.tokenisation, "annotators": list(views),
            "spans": {a: len(v.entities.spans) for a, v in views.items()},
            "triggers": {a: len(v.triggers.spans) for a, v in views.items()},
            "pairs": [],
        }
        for (i, a), (j, b) in combinations(enumerate(self.annotators), 2):
            if a in views and b in views:
                record["pairs"].append(self._add_pair(doc, a, b, views[a], views[b],
                                                      _token_pairs(units, i, j)))
        for key, what in _DOCUMENT_MEANS:
            put(record, key, mean_score((p[key] for p in record["pairs"]), what))
        record["disagreements"] = sum(p["disagreements"] for p in record["pairs"])
        self.documents.append(record)

    def _list(self, items: Iterable[dict]) -> None:
        room = None if self.listed is None else self.listed - len(self.disagreements)
        if room is None:
            self.disagreements.extend(items)
        elif room > 0:
            self.disagreements.extend(islice(items, room))

    def merge(self, other: _Builder) -> None:
        """Take in a builder of later documents (the parallel run's parts, in order)."""
        for pair, totals in other.pairs.items():
            self.pairs[pair].merge(totals)
        self.units.update(other.units)
        self.documents.extend(other.documents)
        self._list(other.disagreements)
        self.tokenisation.update(other.tokenisation)

    def _units(self, n_tokens: int, views: dict[str, _View]) -> Counter:
        """A document's token label tuples over all annotators (None = not on it), counted."""
        covered = set().union(*(v.tokens.keys() for v in views.values()))
        columns = [[views[a].tokens.get(i, OUTSIDE) for i in covered] if a in views
                   else [None] * len(covered) for a in self.annotators]
        units = Counter(zip(*columns, strict=True))
        units[tuple(OUTSIDE if a in views else None for a in self.annotators)] += \
            n_tokens - len(covered)
        return units

    def _add_pair(self, doc: DocumentLayers, a: str, b: str, va: _View, vb: _View,
                  tokens: Counter) -> dict:
        entities = compare(va.entities, vb.entities)
        triggers = compare(va.triggers, vb.triggers)
        arguments = prf_from_multisets(va.arguments, vb.arguments)
        totals = self.pairs[a, b]
        totals.documents += 1
        totals.entities.add(entities)
        totals.triggers.add(triggers)
        totals.arguments += arguments
        totals.tokens.update(tokens)
        for label, n in entities.agreed.items():
            totals.confusion[label, label] += n
        for item in entities.differences:
            totals.confusion[(item.a.label if item.a else NOTHING,
                              item.b.label if item.b else NOTHING)] += 1
        differences = len(entities.differences) + len(triggers.differences)
        if differences:
            self._list(_disagreement(doc, a, b, item)
                       for item in entities.differences + triggers.differences)
        totals.disagreements += differences
        out: dict = {"a": a, "b": b}
        put(out, "span_f1_exact", entities.exact.total.f1)
        put(out, "span_f1_overlap", entities.overlap.total.f1)
        put(out, "cohen_kappa", cohen_kappa_counts(tokens))
        put(out, "trigger_f1", triggers.exact.total.f1)
        put(out, "argument_f1", arguments.f1)
        out["disagreements"] = differences
        return out

    def result(self) -> dict:
        report: dict = {
            "annotators": self.annotators,
            "documents": len(self.documents),
            "labels": None if self.labels is None else sorted(self.labels),
            "pairs": [self._pair_json(a, b, t) for (a, b), t in self.pairs.items()],
        }
        put(report, "fleiss_kappa", self._fleiss())
        put(report, "krippendorff_alpha", self._alpha())
        report["summary"] = self._summary(report["pairs"])
        report["tokenisation"] = {
            "stored": self.tokenisation["stored"], "regex": self.tokenisation["regex"],
            "note": ("documents without stored tokens (never pre-annotated) were split into "
                     "words and punctuation by a regular expression"
                     if self.tokenisation["regex"] else "all documents use their stored tokens"),
        }
        report["per_document"] = self.documents
        report["disagreements"] = self.disagreements
        report["disagreements_total"] = sum(p["disagreements"] for p in report["pairs"])
        if report["disagreements_total"] > len(self.disagreements):
            report["disagreements_note"] = (
                f"the first {len(self.disagreements)} of {report['disagreements_total']} "
                "disagreements are listed (in document order); every one is counted")
        return report

    def _pair_json(self, a: str, b: str, t: _PairTotals) -> dict:
        out: dict = {"a": a, "b": b, "documents": t.documents,
                     "tokens": sum(t.tokens.values()),
                     "span_f1": {"exact": f1_block(t.entities.counts(overlap=False)),
                                 "overlap": f1_block(t.entities.counts(overlap=True))}}
        put(out, "cohen_kappa", cohen_kappa_counts(t.tokens))
        put(out, "trigger_f1", t.triggers.counts(overlap=False).micro)
        put(out, "argument_f1", t.arguments.f1)
        out["triggers"] = {"exact": f1_block(t.triggers.counts(overlap=False)),
                           "overlap": f1_block(t.triggers.counts(overlap=True))}
        out["arguments"] = prf_block(t.arguments)
        out["confusion"] = confusion_table(t.confusion, NOTHING)
        out["disagreements"] = t.disagreements
        return out

    def _fleiss(self) -> Score:
        if len(self.annotators) < 2:
            return Score.undefined("needs at least two annotators")
        complete = {u: n for u, n in self.units.items() if None not in u and n}
        if not complete:
            return Score.undefined("no document was annotated by every annotator")
        categories = sorted({label for u in complete for label in u})
        return fleiss_kappa([[u.count(c) for c in categories] for u in complete],
                            list(complete.values()))

    def _alpha(self) -> Score:
        if len(self.annotators) < 2:
            return Score.undefined("needs at least two annotators")
        return krippendorff_alpha_counts(self.units)

    @staticmethod
    def _summary(pairs: list[dict]) -> dict:
        """Means over annotator pairs, for the headline figures."""
        out: dict = {}
        for mode in ("exact", "overlap"):
            put(out, f"span_f1_{mode}",
                mean_score((p["span_f1"][mode]["micro"] for p in pairs), "span F1"))
        for key, what in _DOCUMENT_MEANS[2:]:
            put(out, key, mean_score((p[key] for p in pairs), what))
        return out


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Measuring a corpus allocates millions of small objects and no reference cycles; the
    cyclic garbage collector would keep re-scanning them all (a third of the run time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def agreement_report(documents: Iterable[DocumentLayers], annotators: Sequence[str], *,
                     labels: Collection[str] | None = None, total: int | None = None,
                     progress: Progress | None = None,
                     max_disagreements: int | None = LISTED) -> dict:
    """The report for these documents (see the module docstring for its shape).

    `progress(done, total)` is called after each document; returning False raises `Cancelled`.
    At most `max_disagreements` are listed (None: all); `disagreements_total` counts them all.
    """
    builder = _Builder(annotators, labels, max_disagreements)
    with _gc_paused():
        for done, doc in enumerate(documents, 1):
            builder.add(doc)
            if progress is not None and progress(done, total or done) is False:
                raise Cancelled()
        return builder.result()


def _measure_chunk(path: str, annotators: list[str], labels: list[str] | None,
                   covered: dict[int, list[str]], listed: int | None) -> _Builder:
    """One worker process's share: its own Store, its documents, a partial builder."""
    builder = _Builder(annotators, labels, listed)
    with Store(path, create=False) as store, _gc_paused():
        for doc in read_documents(store, covered):
            builder.add(doc)
    return builder


def _measure_in_parallel(store: Store, annotators: list[str], labels: list[str] | None,
                         covered: dict[int, list[str]], workers: int,
                         progress: Progress | None, listed: int | None) -> _Builder:
    ids = list(covered)
    size = max(CHUNK, -(-len(ids) // (workers * 4)))
    chunks = [{d: covered[d] for d in ids[i:i + size]} for i in range(0, len(ids), size)]
    results: list[_Builder | None] = [None] * len(chunks)
    done = 0
    context = multiprocessing.get_context("spawn")  # safe beside threads (the GUI's)
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = {pool.submit(_measure_chunk, str(store.path), annotators, labels, chunk,
                               listed): n
                   for n, chunk in enumerate(chunks)}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            done += len(chunks[futures[future]])
            if progress is not None and progress(done, len(ids)) is False:
                pool.shutdown(cancel_futures=True)
                raise Cancelled()
    builder = _Builder(annotators, labels, listed)
    with _gc_paused():
        for part in results:
            builder.merge(part)
    return builder


def project_agreement(store: Store, annotators: Sequence[str] | None = None, *,
                      labels: Collection[str] | None = None, include_all: bool = False,
                      progress: Progress | None = None, workers: int = 1,
                      max_disagreements: int | None = LISTED) -> dict:
    """Agreement in a project between `annotators` (default: everyone with a layer).

    With `workers` > 1 a large corpus is measured by that many processes, each reading the
    project file itself (the result is the same; only the time differs).
    """
    annotators = list(annotators) if annotators is not None else store.annotators()
    covered = coverage(store, annotators, include_all=include_all)
    wanted = None if labels is None else sorted(labels)
    if workers > 1 and len(covered) >= 2 * CHUNK:
        builder = _measure_in_parallel(store, annotators, wanted, covered, workers, progress,
                                       max_disagreements)
        with _gc_paused():
            report = builder.result()
    else:
        report = agreement_report(read_documents(store, covered), annotators, labels=wanted,
                                  total=len(covered), progress=progress,
                                  max_disagreements=max_disagreements)
    report["project"] = str(store.path)
    report["selection"] = "all documents worked on" if include_all else "documents all marked done"
    return report
