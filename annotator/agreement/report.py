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
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import combinations, islice
from typing import NamedTuple

from annotator.agreement.collect import DocumentLayers, coverage, read_documents
from annotator.agreement.matching import (
    Aligned,
    MatchCounts,
    Side,
    argument_tuples,
    compare,
    token_units,
)
from annotator.agreement.measures import (
    PRF,
    LabelledF1,
    Score,
    cohen_kappa_from,
    cohen_kappa_of,
    confusion_table,
    fleiss_kappa,
    krippendorff_alpha_counts,
    mean_score,
    prf_from_multisets,
)
from annotator.errors import Cancelled, Progress
from annotator.model import Annotations, Span, SpanKind
from annotator.store import Store

#: In confusion matrices: "the other annotator has no span here".
NOTHING = "(none)"
#: Characters of text shown on each side of a disagreement.
CONTEXT = 60
#: Fewest documents per chunk when measuring in parallel.
CHUNK = 100
#: Fewest documents worth measuring in parallel (starting other processes takes a while).
PARALLEL = 1000
#: How many disagreements a report lists by default (all are counted): enough to read and to
#: browse; curation goes document by document through `adjudication.differences` anyway.
LISTED = 10_000


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
    arguments: dict[tuple, int]

    @classmethod
    def of(cls, annotations: Annotations, labels: Collection[str] | None) -> _View:
        spans = annotations.spans if labels is None else [
            s for s in annotations.spans if s.label in labels]
        entity, trigger = SpanKind.ENTITY, SpanKind.TRIGGER  # looked up once, not per span
        entities = [s for s in spans if s.kind is entity]
        triggers = [s for s in spans if s.kind is trigger]
        keep = {t.id for t in triggers} if labels is not None else None
        return cls(Side(entities), Side(triggers), argument_tuples(annotations, keep))


@dataclass
class _PairTotals:
    """Corpus counts of one pair (its token label pairs are counted in the builder's units)."""

    documents: int = 0
    entities: MatchCounts = field(default_factory=MatchCounts)
    triggers: MatchCounts = field(default_factory=MatchCounts)
    arguments: PRF = field(default_factory=PRF)
    #: the entity differences, (label by a, label by b); exact matches are added at the end
    confusion: Counter = field(default_factory=Counter)
    disagreements: int = 0

    def merge(self, other: _PairTotals) -> None:
        self.documents += other.documents
        self.entities.add(other.entities)
        self.triggers.add(other.triggers)
        self.arguments += other.arguments
        self.confusion.update(other.confusion)
        self.disagreements += other.disagreements

    def confusion_table(self) -> dict:
        pairs = Counter(self.confusion)
        for label, n in self.entities.matched(overlap=False).items():
            pairs[label, label] += n
        return confusion_table(pairs, NOTHING)


def _label_pairs(units: Counter, i: int, j: int) -> Iterator[tuple[tuple[str, str], int]]:
    """((label by annotator i, label by annotator j), count) out of token label tuples, over
    the tokens both labelled (a corpus's units hold documents one of them did not work on)."""
    for labels, n in units.items():
        x, y = labels[i], labels[j]
        if x is not None and y is not None:
            yield (x, y), n


def _label_counts(units: Counter, i: int) -> dict[str, int]:
    """How many tokens annotator i gave each label, out of a document's token label tuples."""
    counts: dict[str, int] = {}
    for labels, n in units.items():
        counts[labels[i]] = counts.get(labels[i], 0) + n
    return counts


def _agreeing(units: Counter, i: int, j: int) -> int:
    """How many tokens annotators i and j gave the same label."""
    return sum([n for labels, n in units.items() if labels[i] == labels[j]])


class _Listed(NamedTuple):
    """A disagreement to list, as plain values until the report is written: a parallel run's
    parts each list up to the cap and only the first part's usually make the report, so what
    the others list should cost little to make and to send back."""

    doc_id: int
    document: str
    a: str
    b: str
    kind: str
    type: str
    start: int
    end: int
    #: (start, end, label) of each side's span, or None
    a_span: tuple[int, int, str] | None
    b_span: tuple[int, int, str] | None
    #: the text around the disagreement, and where it starts
    context_start: int
    context: str

    @classmethod
    def of(cls, doc: DocumentLayers, a: str, b: str, item: Aligned) -> _Listed:
        lo = max(0, item.start - CONTEXT)
        return cls(doc.doc_id, doc.name, a, b, (item.a or item.b).kind.value, item.kind,
                   item.start, item.end, _values(item.a), _values(item.b), lo,
                   doc.text[lo:item.end + CONTEXT])

    def json(self) -> dict:
        return {
            "doc_id": self.doc_id, "document": self.document, "a": self.a, "b": self.b,
            "kind": self.kind, "type": self.type, "start": self.start, "end": self.end,
            "a_span": self._span_json(self.a_span), "b_span": self._span_json(self.b_span),
            "context": {"start": self.context_start, "text": self.context},
        }

    def _span_json(self, span: tuple[int, int, str] | None) -> dict | None:
        if span is None:
            return None
        start, end, label = span
        lo = self.context_start  # the span lies within the context
        return {"start": start, "end": end, "label": label,
                "text": self.context[start - lo:end - lo]}


def _values(span: Span | None) -> tuple[int, int, str] | None:
    return None if span is None else (span.start, span.end, span.label)


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
        self.disagreements: list[_Listed] = []
        self.tokenisation: Counter = Counter()

    def add(self, doc: DocumentLayers) -> None:
        views = {a: _View.of(doc.layers[a], self.labels)
                 for a in self.annotators if a in doc.layers}
        self.tokenisation[doc.tokenisation] += 1
        units = token_units([t[0] for t in doc.tokens], [t[1] for t in doc.tokens],
                            [views[a].entities.key_set if a in views else None
                             for a in self.annotators])
        self.units.update(units)
        record: dict = {
            "id": doc.doc_id, "name": doc.name, "tokens": len(doc.tokens),
            "tokenisation": doc.tokenisation, "annotators": list(views),
            "spans": {a: len(v.entities.spans) for a, v in views.items()},
            "triggers": {a: len(v.triggers.spans) for a, v in views.items()},
            "pairs": [],
        }
        # Token κ of each pair; an annotator's label counts serve all their pairs.
        counts = {i: _label_counts(units, i) for i, a in enumerate(self.annotators) if a in views}
        for (i, a), (j, b) in combinations(enumerate(self.annotators), 2):
            if a in views and b in views:
                kappa = cohen_kappa_from(len(doc.tokens), _agreeing(units, i, j), counts[i],
                                         counts[j])
                record["pairs"].append(self._add_pair(doc, a, b, views[a], views[b], kappa))
        for key, what in _DOCUMENT_MEANS:
            put(record, key, mean_score((p[key] for p in record["pairs"]), what))
        record["disagreements"] = sum(p["disagreements"] for p in record["pairs"])
        self.documents.append(record)

    def found(self) -> int:
        """How many disagreements these documents hold (listed or not)."""
        return sum(totals.disagreements for totals in self.pairs.values())

    def _list(self, items: Iterable[_Listed]) -> None:
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

    def _add_pair(self, doc: DocumentLayers, a: str, b: str, va: _View, vb: _View,
                  kappa: Score) -> dict:
        entities = compare(va.entities, vb.entities)
        triggers = compare(va.triggers, vb.triggers)
        arguments = prf_from_multisets(va.arguments, vb.arguments)
        totals = self.pairs[a, b]
        totals.documents += 1
        totals.entities.add(entities.counts)
        totals.triggers.add(triggers.counts)
        totals.arguments += arguments
        for item in entities.differences:
            key = (item.a.label if item.a else NOTHING, item.b.label if item.b else NOTHING)
            totals.confusion[key] = totals.confusion.get(key, 0) + 1
        differences = len(entities.differences) + len(triggers.differences)
        if differences:
            self._list(_Listed.of(doc, a, b, item)
                       for item in entities.differences + triggers.differences)
        totals.disagreements += differences
        out: dict = {"a": a, "b": b}
        put(out, "span_f1_exact", entities.counts.total(overlap=False).f1)
        put(out, "span_f1_overlap", entities.counts.total(overlap=True).f1)
        put(out, "cohen_kappa", kappa)
        put(out, "trigger_f1", triggers.counts.total(overlap=False).f1)
        put(out, "argument_f1", arguments.f1)
        out["disagreements"] = differences
        return out

    def result(self) -> dict:
        report: dict = {
            "annotators": self.annotators,
            "documents": len(self.documents),
            "labels": None if self.labels is None else sorted(self.labels),
            "pairs": [self._pair_json(i, j) for (i, _), (j, _) in
                      combinations(enumerate(self.annotators), 2)],
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
        report["disagreements"] = [listed.json() for listed in self.disagreements]
        report["disagreements_total"] = sum(p["disagreements"] for p in report["pairs"])
        if report["disagreements_total"] > len(self.disagreements):
            report["disagreements_note"] = (
                f"the first {len(self.disagreements)} of {report['disagreements_total']} "
                "disagreements are listed (in document order); every one is counted")
        return report

    def _pair_json(self, i: int, j: int) -> dict:
        a, b = self.annotators[i], self.annotators[j]
        t = self.pairs[a, b]
        tokens = list(_label_pairs(self.units, i, j))
        out: dict = {"a": a, "b": b, "documents": t.documents,
                     "tokens": sum(n for _, n in tokens),
                     "span_f1": {"exact": f1_block(t.entities.labelled(overlap=False)),
                                 "overlap": f1_block(t.entities.labelled(overlap=True))}}
        put(out, "cohen_kappa", cohen_kappa_of(tokens))
        put(out, "trigger_f1", t.triggers.labelled(overlap=False).micro)
        put(out, "argument_f1", t.arguments.f1)
        out["triggers"] = {"exact": f1_block(t.triggers.labelled(overlap=False)),
                           "overlap": f1_block(t.triggers.labelled(overlap=True))}
        out["arguments"] = prf_block(t.arguments)
        out["confusion"] = t.confusion_table()
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


def _measure(store: Store, annotators: list[str], labels: list[str] | None,
             covered: dict[int, list[str]], listed: int | None,
             between: Callable[[], None] | None = None) -> _Builder:
    """A partial builder of these documents; `between` runs after each one."""
    builder = _Builder(annotators, labels, listed)
    with _gc_paused():
        for doc in read_documents(store, covered):
            builder.add(doc)
            if between is not None:
                between()
    return builder


def _measure_chunk(path: str, annotators: list[str], labels: list[str] | None,
                   covered: dict[int, list[str]], listed: int | None) -> _Builder:
    """A worker process's share: its own Store, its documents, a partial builder."""
    with Store(path, readonly=True) as store:
        return _measure(store, annotators, labels, covered, listed)


def _measure_in_parallel(store: Store, annotators: list[str], labels: list[str] | None,
                         covered: dict[int, list[str]], workers: int,
                         progress: Progress | None, listed: int | None) -> _Builder:
    """The corpus in chunks, measured by this process and `workers` - 1 others.

    A spawned process first starts an interpreter and imports the project (most of a second),
    so this process does not wait for them: it measures the next chunk whenever it is free,
    and between its documents hands the next one to any other process that is done.
    """
    chunks = _chunks(covered, workers)
    context = multiprocessing.get_context("spawn")  # safe beside threads (the GUI's)
    with _gc_paused(), ProcessPoolExecutor(workers - 1, mp_context=context) as pool:
        shares = _Shares(pool, str(store.path), annotators, labels, chunks, listed, progress)
        for _ in range(workers - 1):
            shares.hand_out()
        for n in shares.queue:
            shares.finish(n, _measure(store, annotators, labels, chunks[n], shares.room(n),
                                      shares.collect))
        shares.wait()
        builder = _Builder(annotators, labels, listed)
        for part in shares.parts:
            builder.merge(part)
    return builder


def _chunks(covered: dict[int, list[str]], processes: int) -> list[dict[int, list[str]]]:
    """The corpus in chunks of shrinking size, each a fraction of what is left: few hand-outs
    while there is much to do, and small chunks at the end, so that the processes finish
    close together."""
    ids = list(covered)
    chunks = []
    first = 0
    while first < len(ids):
        size = max(CHUNK, (len(ids) - first) // (processes * 4))
        chunks.append({d: covered[d] for d in ids[first:first + size]})
        first += size
    return chunks


class _Shares:
    """The chunks of a parallel run, taken in order one at a time by this process and the
    pool's, and the partial builders they give, in chunk order.

    Taking them in order tells each chunk how few disagreements it may still have to list:
    those of the chunks before it come first, and whatever those found need not be listed
    again by a later one.
    """

    def __init__(self, pool: ProcessPoolExecutor, path: str, annotators: list[str],
                 labels: list[str] | None, chunks: list[dict[int, list[str]]],
                 listed: int | None, progress: Progress | None):
        self.pool, self.path, self.annotators, self.labels = pool, path, annotators, labels
        self.chunks, self.listed, self.progress = chunks, listed, progress
        self.parts: list[_Builder | None] = [None] * len(chunks)
        self.queue = iter(range(len(chunks)))
        self.running: dict[Future, int] = {}
        self.done = 0
        self.total = sum(map(len, chunks))

    def room(self, n: int) -> int | None:
        """How many disagreements chunk n may have to list: the cap, less those found in the
        chunks before it already measured (the others may have found none)."""
        if self.listed is None:
            return None
        found = sum(part.found() for part in self.parts[:n] if part is not None)
        return max(0, self.listed - found)

    def hand_out(self) -> None:
        """Give the next chunk, if any, to the pool."""
        for n in islice(self.queue, 1):
            self.running[self.pool.submit(_measure_chunk, self.path, self.annotators,
                                          self.labels, self.chunks[n], self.room(n))] = n

    def collect(self) -> None:
        """Take in what the pool has finished, and give it more."""
        for future in [f for f in self.running if f.done()]:
            n = self.running.pop(future)
            self.parts[n] = future.result()
            self.hand_out()
            self._advance(n)

    def finish(self, n: int, part: _Builder) -> None:
        """Take in a chunk this process measured."""
        self.parts[n] = part
        self._advance(n)

    def _advance(self, n: int) -> None:
        self.done += len(self.chunks[n])
        if self.progress is not None and self.progress(self.done, self.total) is False:
            self.pool.shutdown(cancel_futures=True)
            raise Cancelled()

    def wait(self) -> None:
        """Collect until the pool has finished everything."""
        while self.running:
            wait(self.running, return_when=FIRST_COMPLETED)
            self.collect()


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
    if workers > 1 and len(covered) >= PARALLEL:
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
