"""`annotator evaluate`: several models' suggestions against a reference layer, side by side.

Every model is scored on the same documents, and never on documents any of them was trained
on: `held-out` takes the documents every registered model among them held out (its recorded
dev split), `all` every document the reference layer annotated, less all their training
documents. A stock or outside model has no training documents here.
"""

from __future__ import annotations

from annotator.evaluation import evaluate_predictions
from annotator.model_registry import find
from annotator.nlp.loading import ModelNotFound, Pipeline, resolve_pipeline
from annotator.nlp.predict import predict
from annotator.store import Store

#: `--model stock`: the default pipeline, as pre-annotation finds it
STOCK_ALIAS = "stock"


class EvaluationError(ValueError):
    pass


def load_model(store: Store, name: str) -> tuple[Pipeline, list[int] | None, list[int]]:
    """(pipeline, held-out documents or None, training documents) for a model name: one
    registered in the project, `stock`, a spaCy package or a path."""
    registered = find(store, name)
    try:
        if registered is not None:
            pipeline = resolve_pipeline(registered.path, fallback_blank=False)
            return pipeline, registered.held_out, registered.train_documents
        if name == STOCK_ALIAS:
            return resolve_pipeline(None, None, fallback_blank=False), None, []
        return resolve_pipeline(name, fallback_blank=False), None, []
    except ModelNotFound as exc:
        raise EvaluationError(str(exc)) from None


def evaluate_models(store: Store, names: list[str], against: str,
                    documents: str = "held-out") -> dict:
    """The report `annotator evaluate` prints and writes as JSON:
    `{"against", "documents": [ids], "document_names", "models": {name: Evaluation.to_dict()}}`.
    """
    annotated = store.annotated_ids(against)
    if not annotated:
        raise EvaluationError(f"layer {against!r} has no accepted or edited annotations")
    loaded = {name: load_model(store, name) for name in dict.fromkeys(names)}
    trained_on = set().union(*(set(train) for _, _, train in loaded.values()))
    chosen = set(annotated) - trained_on
    if documents == "held-out":
        held = [set(h) for _, h, _ in loaded.values() if h is not None]
        if held:
            chosen &= set.intersection(*held)
    doc_ids = sorted(chosen)
    if not doc_ids:
        raise EvaluationError(
            f"no documents to evaluate on: layer {against!r} annotated {len(annotated)}, all "
            "of them used to train one of these models" + (
                " or not held out by all of them (try --documents all)"
                if documents == "held-out" else ""))
    reference = {d: store.annotations(d, against, effective=True) for d in doc_ids}
    results = {}
    for name, (pipeline, _, _) in loaded.items():
        predicted = predict(store, pipeline, doc_ids)
        results[name] = evaluate_predictions(reference, predicted, doc_ids).to_dict()
    return {"against": against, "documents": doc_ids,
            "document_names": [store.document(d).name for d in doc_ids], "models": results}
