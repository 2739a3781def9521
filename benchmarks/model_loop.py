"""Does the loop help? Leave-one-article-out on the project's evaluation set.

For each of the four labelled sample articles (resources/evaluation/sample-gold.jsonl): the
other three are the project's annotations; the held-out article is scored with four suggesters
against its hand labelling:

- stock:    en_core_web_sm + the trigger rules + argument linking (what pre-annotation does);
- lexicon:  stock, with the project lexicon built from the other three articles' decisions;
- trained:  `annotator train` on the other three (from en_core_web_sm, --max-steps STEPS);
- both:     the trained model with the lexicon.

Figures are micro-averaged over the four held-out articles (every span counts once).

    nice -n 10 python benchmarks/model_loop.py [--steps 60] [--seed 0] [--json OUT]

Timing of training on 300 articles: `--time-300` builds a 300-article project (75 copies of
each labelled article, each with its own first line) and times `annotator train` with the
default settings.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotator import lexicon  # noqa: E402
from annotator.evaluation import Evaluation  # noqa: E402
from annotator.formats import import_files  # noqa: E402
from annotator.importing import import_documents  # noqa: E402
from annotator.model import GOLD, Document, Sentence, Span, Token  # noqa: E402
from annotator.nlp.loading import Pipeline, model_identity, resolve_pipeline  # noqa: E402
from annotator.nlp.preannotate import preannotate  # noqa: E402
from annotator.nlp.predict import predict, with_lexicon  # noqa: E402
from annotator.nlp.training import TrainingOptions, train  # noqa: E402
from annotator.paths import CORPUS, RESOURCES  # noqa: E402
from annotator.store import Store  # noqa: E402

GOLD_FILE = RESOURCES / "evaluation" / "sample-gold.jsonl"
SUGGESTERS = ("stock", "lexicon", "trained", "both")


def sample_project(path: Path) -> Store:
    store = Store(path)
    import_documents(store, [CORPUS])
    import_files(store, [GOLD_FILE], "jsonl", annotator=GOLD)
    preannotate(store, resolve_pipeline(fallback_blank=False))  # tokens and sentences
    return store


def fold_lexicon(store: Store, doc_ids: list[int]) -> dict[str, lexicon.Entry]:
    """The lexicon the gold layer's decisions on `doc_ids` make."""
    decisions = []
    for doc_id in doc_ids:
        text = store.document(doc_id).text
        decisions += [(s.text_in(text), s.label, s.decision.value)
                      for s in store.annotations(doc_id, GOLD).entities]
    return lexicon.entries_from(decisions)


def leave_one_out(steps: int, seed: int, workdir: Path) -> dict:
    store = sample_project(workdir / "sample.db")
    stock = resolve_pipeline(fallback_blank=False)
    docs = store.document_ids()
    totals = {name: Evaluation() for name in SUGGESTERS}
    folds = []
    for held_out in docs:
        rest = [d for d in docs if d != held_out]
        reference = {held_out: store.annotations(held_out, GOLD, effective=True)}
        entries = fold_lexicon(store, rest)
        started = time.perf_counter()
        model = train(store, TrainingOptions(
            source=GOLD, max_steps=steps, dev_fraction=0.0, seed=seed, documents=rest,
            output=workdir / f"fold-{held_out}", name=f"fold-{held_out}"))
        seconds = time.perf_counter() - started
        import spacy

        nlp = spacy.load(model.path)
        trained = Pipeline(nlp, model_identity(nlp), "--model")
        predicted = {"stock": predict(store, stock, [held_out])}
        predicted["lexicon"] = with_lexicon(store, predicted["stock"], entries)
        predicted["trained"] = predict(store, trained, [held_out])
        predicted["both"] = with_lexicon(store, predicted["trained"], entries)
        fold = {"held_out": store.document(held_out).name, "train_seconds": round(seconds, 1)}
        for name in SUGGESTERS:
            here = Evaluation()
            here.add(reference[held_out], predicted[name][held_out])
            totals[name].add(reference[held_out], predicted[name][held_out])
            fold[name] = here.summary()
        folds.append(fold)
        print(f"held out {fold['held_out']}: " + ", ".join(
            f"{n} {fold[n]['entity_f1_exact']:.3f}" for n in SUGGESTERS), file=sys.stderr)
    store.close()
    return {"steps": steps, "seed": seed, "folds": folds,
            "micro": {name: totals[name].summary() for name in SUGGESTERS},
            "per_label": {name: totals[name].to_dict()["entities"]["exact"]["per_label"]
                          for name in SUGGESTERS}}


def table(result: dict) -> str:
    rows = [("entity F1, exact", "entity_f1_exact"), ("entity F1, overlap", "entity_f1_overlap"),
            ("entity recall, exact", "entity_recall_exact"), ("trigger F1", "trigger_f1"),
            ("argument F1", "argument_f1"), ("argument recall", "argument_recall")]
    lines = ["| held-out articles (4, micro) | " + " | ".join(SUGGESTERS) + " |",
             "|---|" + "---:|" * len(SUGGESTERS)]
    for label, key in rows:
        values = [result["micro"][n][key] for n in SUGGESTERS]
        lines.append(f"| {label} | " + " | ".join(
            "n/a" if v is None else f"{v:.3f}" for v in values) + " |")
    return "\n".join(lines)


def time_300(workdir: Path) -> dict:
    """`annotator train` with default settings on 300 labelled articles: wall time, and the CPU
    time of the training process (what it costs on an idle machine: the loop is one thread)."""
    path = workdir / "p300.db"
    sample = sample_project(workdir / "sample-300.db")
    with Store(path) as store:
        for n in range(75):
            for doc_id in sample.document_ids():
                doc = sample.document(doc_id)
                head = f"Copy {n} of {doc.name}.\n"
                shift = len(head)
                new = store.add_documents([Document(f"{doc.name}-{n}", head + doc.text)])
                copy = new.added[0]
                # the sample's analysis, shifted past the first line (no need to run spaCy)
                tokens = [Token(t.start + shift, t.end + shift, t.ws)
                          for t in sample.tokens(doc_id)]
                sentences = [Sentence(0, shift - 1)] + [
                    Sentence(x.start + shift, x.end + shift) for x in sample.sentences(doc_id)]
                store.set_tokens(copy, "copied", tokens, sentences)
                gold = sample.annotations(doc_id, GOLD, effective=True)
                for span in gold.entities + gold.triggers:
                    store.add_span(Span(copy, span.start + shift, span.end + shift,
                                        span.label, GOLD, span.kind))
    sample.close()
    command = [sys.executable, "-m", "annotator", "train", str(path), "--name", "t300"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"articles": 300, "command": "annotator train PROJECT (defaults: 400 steps, "
            "en_core_web_sm, dev 0.2)", "wall_seconds": round(wall, 1),
            "cpu_seconds": round(cpu, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--time-300", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.time_300:
            print(json.dumps(time_300(Path(tmp)), indent=2))
            return
        result = leave_one_out(args.steps, args.seed, Path(tmp))
    print(table(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
