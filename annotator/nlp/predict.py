"""What a pipeline (and the project lexicon) would suggest on documents, without storing it.

For measuring suggestions: `annotator evaluate`, the dev scores of `annotator train` and the
model-loop benchmark run the very analysis pre-annotation stores (`DocumentAnalyser`), and get
it back as `Annotations` in memory to compare with a reference layer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from annotator import lexicon
from annotator.model import SUGGESTIONS, Annotations, Argument, Span, SpanKind
from annotator.nlp.arguments import ARGUMENT_ORIGIN
from annotator.nlp.loading import Pipeline
from annotator.nlp.preannotate import DocumentAnalyser
from annotator.nlp.stored_parse import link_new_entities
from annotator.store import Analysis, Store


def analysis_annotations(analysis: Analysis) -> Annotations:
    """An `Analysis` (arguments by position) as `Annotations` (spans with ids = positions)."""
    spans = [s.with_(id=i) for i, s in enumerate(analysis.spans)]
    arguments = [Argument(t, role, a, analysis.argument_origin, score=score)
                 for t, role, a, score in analysis.arguments]
    return Annotations(spans, arguments)


def predict(store: Store, pipeline: Pipeline, doc_ids: Iterable[int],
            batch_size: int = 16) -> dict[int, Annotations]:
    """The pipeline's suggestions (entities, triggers, arguments) on each document."""
    analyse = DocumentAnalyser(pipeline, store.schema)
    ids = list(doc_ids)
    texts = ((store.document(doc_id).text, doc_id) for doc_id in ids)
    return {doc_id: analysis_annotations(analyse(doc, doc_id)) for doc, doc_id
            in pipeline.nlp.pipe(texts, as_tuples=True, batch_size=batch_size)}


def lexicon_entities(store: Store, entries: Mapping[str, lexicon.Entry],
                     doc_ids: Iterable[int]) -> dict[int, list[Span]]:
    """The entities a lexicon (e.g. built from other documents) suggests in each document."""
    labels = {p: e.label for p, e in entries.items() if e.label is not None}
    matcher = lexicon.Matcher(labels)
    found: dict[int, list[Span]] = {}
    for doc_id in doc_ids:
        text = store.document(doc_id).text
        found[doc_id] = [Span(doc_id, start, end, labels[phrase], SUGGESTIONS,
                              SpanKind.ENTITY, lexicon.ORIGIN, score=entries[phrase].score)
                         for start, end, phrase in matcher(text)]
    return found


def with_lexicon(store: Store, predicted: Mapping[int, Annotations],
                 entries: Mapping[str, lexicon.Entry]) -> dict[int, Annotations]:
    """Model suggestions combined with a lexicon's, as one suggester: a lexicon match replaces
    the model entities it overlaps (their event arguments move to it), unless it lies inside a
    longer one of its own label, as a live refresh does (`lexicon.Containers`); entities whose
    string and label the lexicon silenced are dropped. (Live, both are shown and the annotator
    picks; measured, one answer counts.) Lexicon matches become event arguments on the
    document's stored parse as a live refresh makes them (`lexicon_arguments`)."""
    silenced = {p: e.silenced() for p, e in entries.items()}
    found = lexicon_entities(store, entries, predicted)
    combined: dict[int, Annotations] = {}
    for doc_id, predicted_here in predicted.items():
        text = store.document(doc_id).text
        next_id = max((s.id for s in predicted_here.spans), default=-1) + 1
        longer = lexicon.Containers(text, (
            s for s in predicted_here.entities
            if s.label not in silenced.get(" ".join(s.text_in(text).split()), ())))
        matches = [s for s in found[doc_id] if not longer.inside(s.start, s.end, s.label)]
        extra = [s.with_(id=next_id + i) for i, s in enumerate(matches)]
        moved: dict[int, int] = {}
        keep = []
        for span in predicted_here.spans:
            if span.kind is SpanKind.TRIGGER:
                keep.append(span)
                continue
            over = next((x for x in extra if span.overlaps(x)), None)
            if over is not None:
                moved[span.id] = over.id
            elif span.label not in silenced.get(" ".join(span.text_in(text).split()), ()):
                keep.append(span)
        spans = keep + extra
        ids = {s.id for s in spans}
        arguments = []
        for a in predicted_here.arguments:
            target = moved.get(a.argument_id, a.argument_id)
            if a.trigger_id in ids and target in ids:
                arguments.append(Argument(a.trigger_id, a.role, target, a.origin, a.decision,
                                          a.score))
        arguments += lexicon_arguments(store, doc_id, Annotations(spans, arguments), extra)
        combined[doc_id] = Annotations(spans, arguments)
    return combined


def lexicon_arguments(store: Store, doc_id: int, suggested: Annotations,
                      new: list[Span]) -> list[Argument]:
    """The event arguments the document's stored parse supports for the `new` entities among
    `suggested` (none without a stored parse), as `lexicon.refresh` links them live."""
    parse = store.parse(doc_id)
    if parse is None or not new:
        return []
    return [Argument(trigger, role, entity, ARGUMENT_ORIGIN) for trigger, role, entity
            in link_new_entities(store, doc_id, parse, suggested, new)]
