"""Do the entity scores mean anything? The stock suggestions on the labelled sample articles
(resources/evaluation/sample-gold.jsonl), by probability: how many, and how many are right
(same extent and label as the hand labelling).

    python benchmarks/entity_scores.py [--json OUT]

A score that means something is right more often the higher it is, so hiding the suggestions
below a threshold (View → Hide Unsure Suggestions…) hides mostly wrong ones, and the queue's
"uncertainty" points at documents where the model errs.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotator.evaluation import reliability  # noqa: E402
from annotator.formats import import_files  # noqa: E402
from annotator.model import GOLD, SUGGESTIONS  # noqa: E402
from annotator.nlp.loading import resolve_pipeline  # noqa: E402
from annotator.nlp.preannotate import preannotate  # noqa: E402
from annotator.paths import CORPUS, RESOURCES  # noqa: E402
from annotator.store import Store  # noqa: E402


def measure(workdir: Path) -> dict:
    with Store(workdir / "sample.db") as store:
        import_files(store, [CORPUS], "auto")
        import_files(store, [RESOURCES / "evaluation" / "sample-gold.jsonl"], "jsonl",
                     annotator=GOLD)
        pipeline = resolve_pipeline(fallback_blank=False)
        preannotate(store, pipeline)
        ids = store.document_ids()
        bins = reliability({d: store.annotations(d, GOLD, effective=True) for d in ids},
                           {d: store.annotations(d, SUGGESTIONS) for d in ids})
    return {"model": pipeline.identity,
            "bins": [{"low": b.low, "high": b.high, "suggested": b.suggested,
                      "correct": b.correct, "precision": b.precision} for b in bins]}


def table(result: dict) -> str:
    lines = ["| entity probability | suggested | right | precision |", "|---|---:|---:|---:|"]
    for b in result["bins"]:
        precision = "n/a" if b["precision"] is None else f"{b['precision']:.2f}"
        lines.append(f"| {b['low']:.2f}–{b['high']:.2f} | {b['suggested']} | {b['correct']} "
                     f"| {precision} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = measure(Path(tmp))
    print(f"{result['model']} on the 4 labelled sample articles")
    print(table(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
