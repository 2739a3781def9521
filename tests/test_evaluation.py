"""Predictions measured against a reference layer: entities exact and by overlap, triggers,
arguments; and the project's own evaluation set reads back as the gold layer."""

from __future__ import annotations

from annotator.evaluation import evaluate_predictions
from annotator.formats import import_files
from annotator.model import GOLD, Annotations, Argument, Span, SpanKind
from annotator.paths import RESOURCES


def layer(*spans: tuple, arguments: tuple = ()) -> Annotations:
    made = [Span(1, start, end, label, "x", kind, id=i)
            for i, (start, end, label, kind) in enumerate(spans)]
    return Annotations(made, [Argument(t, role, a) for t, role, a in arguments])


E, T = SpanKind.ENTITY, SpanKind.TRIGGER


def test_evaluation_counts_exact_overlap_triggers_and_arguments():
    gold = layer((0, 11, "PERSON", E), (16, 29, "PERSON", E), (12, 15, "Contact:Meet", T),
                 arguments=((2, "Entity", 0), (2, "Entity", 1)))
    # one exact PERSON, one a token short, a spurious GPE; the trigger right; one argument
    # right, the other on the short span
    predicted = layer((0, 11, "PERSON", E), (16, 25, "PERSON", E), (30, 34, "GPE", E),
                      (12, 15, "Contact:Meet", T), arguments=((3, "Entity", 0), (3, "Entity", 1)))
    result = evaluate_predictions({1: gold}, {1: predicted})
    summary = result.summary()
    assert summary["entity_f1_exact"] == 2 * 1 / (2 * 1 + 2 + 1)
    assert summary["entity_f1_overlap"] == 2 * 2 / (2 * 2 + 1 + 0)
    assert summary["trigger_f1"] == 1.0
    assert summary["argument_f1"] == 0.5
    data = result.to_dict()
    assert data["entities"]["exact"]["per_label"]["GPE"] == {
        "precision": 0.0, "recall": None, "f1": 0.0, "tp": 0, "fp": 1, "fn": 0}
    # a document without predictions counts as predicting nothing
    assert evaluate_predictions({1: gold}, {}).summary()["entity_f1_exact"] == 0.0


def test_evaluation_set_imports_as_gold(store):
    report = import_files(store, [RESOURCES / "evaluation" / "sample-gold.jsonl"], "jsonl",
                          annotator=GOLD)
    assert report is not None
    entities = triggers = arguments = 0
    for doc_id in store.document_ids():
        gold = store.annotations(doc_id, GOLD, effective=True)
        entities += len(gold.entities)
        triggers += len(gold.triggers)
        arguments += len(gold.arguments)
    assert (len(store.document_ids()), entities, triggers, arguments) == (4, 423, 118, 188)
