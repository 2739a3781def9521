"""Pre-annotation: run a spaCy pipeline over a project and store what it proposes.

For every document: tokens and sentences (so the GUI snaps selections and CoNLL export needs no
model), entity suggestions from the NER mapped onto the project schema, trigger suggestions
from the rules in `resources/patterns/`, and argument suggestions from the parse.

Documents stream from the database through `nlp.pipe` (batched, optionally in several
processes) and are written back one transaction per batch, so an interrupted run keeps every
finished batch and a re-run continues where it stopped: documents already analysed by the same
model are skipped unless `force`. A re-run replaces only undecided suggestions; the store keeps
anything an annotator has accepted, edited or rejected.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

from spacy.attrs import IDX, IS_SPACE, LENGTH, SPACY
from spacy.tokens import Doc

from annotator import lexicon
from annotator.errors import InputError, Progress
from annotator.model import SUGGESTIONS, Sentence, Span, SpanKind, Token
from annotator.nlp.arguments import ARGUMENT_ORIGIN, EntityMention, link_arguments
from annotator.nlp.entity_scores import SCORES_KEY
from annotator.nlp.labels import EntityMapper
from annotator.nlp.loading import Pipeline
from annotator.nlp.stored_parse import parse_of
from annotator.nlp.triggers import TriggerMatcher
from annotator.schema import Schema
from annotator.store import Analysis, Store

#: where a trained event-trigger component (spancat) puts its triggers
TRIGGER_SPANS_KEY = "events"


@dataclass
class PreannotateReport:
    """What a run did, for the CLI's summary table and the GUI's message."""

    model: str
    #: documents that need analysis in this run (after skipping)
    total: int = 0
    documents: int = 0
    skipped: int = 0
    tokens: int = 0
    #: tokens that are not whitespace: what "words per second" counts
    words: int = 0
    sentences: int = 0
    entities: Counter = field(default_factory=Counter)
    triggers: Counter = field(default_factory=Counter)
    arguments: Counter = field(default_factory=Counter)
    #: pipeline labels with no place in the schema, and how many entities carried them
    dropped: Counter = field(default_factory=Counter)
    #: suggestion spans actually added (decided ones already present are not added twice)
    added: int = 0
    #: suggestions from the project lexicon in the analysed documents, the event arguments
    #: linked to them, and model suggestions it silenced (see `annotator.lexicon`)
    lexicon: int = 0
    lexicon_arguments: int = 0
    silenced: int = 0
    seconds: float = 0.0
    #: of `seconds`, the time spent waiting for spaCy (reading included); the rest is matching,
    #: linking and writing
    pipeline_seconds: float = 0.0
    cancelled: bool = False
    warnings: list[str] = field(default_factory=list)


class DocumentAnalyser:
    """Turns a processed spaCy Doc into an `Analysis` for the store; one per run."""

    def __init__(self, pipeline: Pipeline, schema: Schema):
        self.pipeline = pipeline
        self.schema = schema
        nlp = pipeline.nlp
        self.entities = EntityMapper.for_pipeline(pipeline.name, schema.entities)
        self.triggers = TriggerMatcher.from_resources(nlp.vocab, schema.events)
        self.entity_origin = f"model:{pipeline.identity}"

    def __call__(self, doc: Doc, doc_id: int) -> Analysis:
        # columns, not Token objects: this runs for every token of the corpus
        tokens = [Token(start, start + length, bool(space)) for start, length, space
                  in doc.to_array([IDX, LENGTH, SPACY]).tolist()]
        sentences = [Sentence(s.start_char, s.end_char) for s in doc.sents]
        spans: list[Span] = []
        mentions: list[EntityMention] = []
        scores = doc.user_data.get(SCORES_KEY) or [None] * len(doc.ents)
        for ent, score in zip(doc.ents, scores, strict=True):
            label = self.entities.map(ent.label_)
            if label is None:
                continue
            if len(ent) > 1 and ent[-1].tag_ == "POS":
                # the small pipelines often take the possessive in: "Kim Yong-chol's" -> name
                ent = ent[:-1]
            mentions.append(EntityMention(ent.start, ent.end, label))
            spans.append(Span(doc_id, ent.start_char, ent.end_char, label, SUGGESTIONS,
                              SpanKind.ENTITY, self.entity_origin, score=score))
        found = [(t.start, t.end, t.event, t.rule.origin, None) for t in self.triggers(doc)]
        found += self._model_triggers(doc, {(start, end, event) for start, end, event, *_
                                            in found})
        for start, end, event, origin, score in found:
            span = doc[start:end]
            spans.append(Span(doc_id, span.start_char, span.end_char, event,
                              SUGGESTIONS, SpanKind.TRIGGER, origin, score=score))
        events = [(start, end, self.schema.events[event]) for start, end, event, *_ in found]
        offset = len(mentions)
        arguments = [(offset + t, role, e, None)
                     for t, role, e in link_arguments(doc, events, mentions)]
        return Analysis(doc_id, self.pipeline.identity, tokens, sentences, spans, arguments,
                        ARGUMENT_ORIGIN, parse_of(doc))


    def _model_triggers(self, doc: Doc, known: set[tuple[int, int, str]]) -> list[tuple]:
        """Triggers from a trained event-trigger component (`annotator train`: spans under
        `doc.spans["events"]` with their probabilities), where the rules found none."""
        group = doc.spans.get(TRIGGER_SPANS_KEY) if doc.spans else None
        if group is None:
            return []
        scores = group.attrs.get("scores")
        found = []
        for i, span in enumerate(group):
            if span.label_ not in self.schema.events or \
                    (span.start, span.end, span.label_) in known:
                continue
            score = round(float(max(scores[i].ravel())), 4) if scores is not None else None
            found.append((span.start, span.end, span.label_, self.entity_origin, score))
        return found


def _texts(store: Store, ids: list[int], max_length: int) -> Iterator[tuple[str, int]]:
    for document in store.iter_documents(ids):
        if len(document.text) > max_length:
            # spaCy would fail with E088 mid-run; say which document and what to do instead
            raise InputError(f"{len(document.text):,} characters, more than the pipeline "
                             f"takes ({max_length:,}); split it into smaller documents",
                             document.name)
        yield document.text, document.id


def _count(report: PreannotateReport, doc: Doc, analysis: Analysis) -> None:
    report.documents += 1
    report.tokens += len(doc)
    report.words += len(doc) - int(doc.to_array(IS_SPACE).sum())
    report.sentences += len(analysis.sentences)
    for span in analysis.spans:
        (report.entities if span.kind is SpanKind.ENTITY else report.triggers)[span.label] += 1
    report.arguments.update(role for _, role, _, _ in analysis.arguments)


def iter_preannotate(store: Store, pipeline: Pipeline, *, force: bool = False,
                     batch_size: int = 64, n_process: int = 1,
                     doc_ids: list[int] | None = None) -> Iterator[PreannotateReport]:
    """Pre-annotate, yielding the running report once before the first batch (what is to do)
    and after each committed batch.

    Stopping the iteration (or an exception, KeyboardInterrupt included) keeps every batch
    already yielded; a batch in flight is rolled back whole.
    """
    started = time.perf_counter()
    report = PreannotateReport(pipeline.identity, warnings=list(pipeline.warnings))
    ids = store.document_ids() if doc_ids is None else list(doc_ids)
    if not force:
        done = store.analysed_ids(pipeline.identity)
        report.skipped = sum(1 for i in ids if i in done)
        ids = [i for i in ids if i not in done]
    report.total = len(ids)
    analyse = DocumentAnalyser(pipeline, store.schema)
    if analyse.triggers.skipped_events:
        report.warnings.append("trigger rules for event types outside the project schema are "
                               f"not used: {', '.join(analyse.triggers.skipped_events)}")
    yield report
    known = lexicon.entries(store)
    texts = _texts(store, ids, pipeline.nlp.max_length)
    docs = pipeline.nlp.pipe(texts, as_tuples=True, batch_size=batch_size, n_process=n_process)
    try:
        while True:
            waited = time.perf_counter()
            batch = list(islice(docs, batch_size))
            report.pipeline_seconds += time.perf_counter() - waited
            if not batch:
                break
            analyses = []
            for doc, doc_id in batch:
                analyses.append(analyse(doc, doc_id))
                _count(report, doc, analyses[-1])
            with store.atomic():
                report.added += store.save_analyses(analyses)
                refreshed = lexicon.refresh(store, [a.doc_id for a in analyses], known)
            report.lexicon += refreshed.suggested
            report.lexicon_arguments += refreshed.arguments
            report.silenced += refreshed.silenced
            report.dropped = Counter(analyse.entities.dropped)
            report.seconds = time.perf_counter() - started
            yield report
    finally:
        # closing spaCy's generator stops its worker processes in an orderly way
        docs.close()
        report.seconds = time.perf_counter() - started


def preannotate(store: Store, pipeline: Pipeline, *, force: bool = False, batch_size: int = 64,
                n_process: int = 1, doc_ids: list[int] | None = None,
                progress: Progress | None = None) -> PreannotateReport:
    """Pre-annotate a project (see the module docstring); the GUI's and the CLI's entry point.

    `progress(done, total)` is called with document counts before the first batch and after
    each committed one; returning False stops there (`report.cancelled`), keeping what is done.
    """
    runs = iter_preannotate(store, pipeline, force=force, batch_size=batch_size,
                            n_process=n_process, doc_ids=doc_ids)
    try:
        for report in runs:
            if progress is not None and progress(report.documents, report.total) is False:
                report.cancelled = report.documents < report.total
                break
    finally:
        runs.close()
    return report
