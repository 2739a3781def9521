"""How much pre-annotation costs on top of spaCy itself.

Builds a project of a few thousand documents from the sample corpus (paragraphs recombined,
each document different so content hashing keeps them all), then measures in one run:

- raw: spaCy's own `nlp.pipe` over the same texts, already in memory, results thrown away
  (its own greedy NER, where pre-annotation runs the parse that also scores each entity,
  `annotator.nlp.entity_scores`: that cost counts against us);
- end to end: `preannotate` reading the documents from the database, running the same
  pipeline with the same batch size and processes, matching triggers, linking arguments and
  writing tokens and suggestions, one transaction per batch.

and prints end-to-end throughput divided by raw throughput (target >= 0.90). The two
measurements alternate chunk by chunk (`--chunk` documents, raw first on even chunks and end to
end first on odd ones) and are summed, so load from other programs on the machine falls on both
alike instead of deciding the figure; the median of the per-chunk ratios is printed too, as a
burst of load that hits one measurement of one chunk moves it less than the totals, and the
time `preannotate` spends on its own work (everything but waiting for spaCy) is reported. With
`--n-process` above 1, use one chunk (`--chunk 0`): each `nlp.pipe` call then starts its worker
processes once, for both measurements.

    python benchmarks/preannotate.py --docs 2000 --batch-size 64 --n-process 1
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from spacy.language import Language

from annotator.model import Document
from annotator.nlp.entity_scores import SCORED
from annotator.nlp.loading import resolve_pipeline
from annotator.nlp.preannotate import preannotate
from annotator.paths import CORPUS
from annotator.store import Store


def build_documents(count: int, seed: int = 1) -> list[Document]:
    """`count` articles of 4-8 sample paragraphs each, in a random order, all different."""
    paragraphs = [p.strip() for path in sorted(CORPUS.glob("*.txt"))
                  for p in path.read_text(encoding="utf-8").split("\n") if len(p.split()) > 8]
    rng = random.Random(seed)
    documents = []
    for number in range(count):
        body = "\n\n".join(rng.sample(paragraphs, rng.randint(4, 8)))
        documents.append(Document(f"dispatch-{number:05d}", f"Dispatch {number}\n\n{body}"))
    return documents


@contextmanager
def spacy_alone(nlp: Language) -> Iterator[Language]:
    """The pipeline as spaCy loads it: its NER in place of the scored parse."""
    if SCORED not in nlp.component_names:
        yield nlp
        return
    nlp.disable_pipe(SCORED)
    nlp.enable_pipe("ner")
    try:
        yield nlp
    finally:
        nlp.disable_pipe("ner")
        nlp.enable_pipe(SCORED)


def time_raw(nlp: Language, texts: list[str], batch_size: int, n_process: int) -> float:
    """Seconds of spaCy's own `nlp.pipe` alone, results thrown away."""
    with spacy_alone(nlp):
        started = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=batch_size, n_process=n_process):
            pass
        return time.perf_counter() - started


def time_end_to_end(store: Store, pipeline, ids: list[int], batch_size: int,
                    n_process: int) -> tuple[float, int, float]:
    """Seconds of `preannotate` on `ids` (read, analyse, write), the words it saw, and the
    seconds it spent on its own work rather than waiting for spaCy."""
    started = time.perf_counter()
    report = preannotate(store, pipeline, batch_size=batch_size, n_process=n_process,
                         doc_ids=ids, force=True)
    seconds = time.perf_counter() - started
    return seconds, report.words, seconds - report.pipeline_seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=2000, help="documents (default 2000)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--n-process", type=int, default=1)
    parser.add_argument("--chunk", type=int, default=128,
                        help="documents per alternation (default 128; 0: all at once)")
    parser.add_argument("--model", default=None, help="pipeline name or path (default: as the "
                        "CLI resolves it)")
    args = parser.parse_args(argv)

    pipeline = resolve_pipeline(args.model, fallback_blank=False)
    documents = build_documents(args.docs)
    chunk = args.chunk or args.docs
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        store.add_documents(documents)
        ids = store.document_ids()
        texts = [d.text for d in documents]
        for _ in pipeline.nlp.pipe(texts[:50], batch_size=args.batch_size):
            pass  # warm up caches and lazy initialisation outside the measurements
        raw = e2e = own = 0.0
        words = 0
        ratios = []
        for number, first in enumerate(range(0, args.docs, chunk)):
            part = slice(first, first + chunk)
            measures = [
                lambda part=part: time_raw(pipeline.nlp, texts[part], args.batch_size,
                                           args.n_process),
                lambda part=part: time_end_to_end(store, pipeline, ids[part], args.batch_size,
                                                  args.n_process),
            ]
            if number % 2:
                measures.reverse()
            results = [measure() for measure in measures]
            raw_time, (e2e_time, chunk_words, own_time) = (
                results if number % 2 == 0 else results[::-1])
            raw, e2e, words, own = raw + raw_time, e2e + e2e_time, words + chunk_words, \
                own + own_time
            ratios.append(raw_time / e2e_time)
            print(f"chunk {number + 1}: raw {raw_time:.2f} s, end to end {e2e_time:.2f} s",
                  file=sys.stderr)
        stats = store.stats()
        store.close()
    suggestions = stats["spans"]["suggestions"]
    print(f"pipeline {pipeline.identity}, {args.docs} documents, {words:,} words, "
          f"batch size {args.batch_size}, {args.n_process} process(es)")
    print(f"stored: {stats['tokens']:,} tokens, {sum(suggestions['entities'].values()):,} "
          f"entity and {sum(suggestions['triggers'].values()):,} trigger suggestions, "
          f"{stats['arguments'].get('suggestions', 0):,} arguments")
    for name, seconds in (("raw nlp.pipe", raw), ("end to end", e2e)):
        print(f"{name + ':':14} {seconds:7.2f} s {args.docs / seconds:8.1f} docs/s "
              f"{words / seconds:9,.0f} words/s")
    print(f"ratio (end to end / raw throughput): {raw / e2e:.3f}  (target >= 0.90)")
    print(f"median of the per-chunk ratios: {statistics.median(ratios):.3f}  (less moved by "
          "a burst of load from other programs during one measurement)")
    # what pre-annotation adds by its own work, timed inside the run: the load-independent view
    print(f"own work (reading, matching, linking, writing): {own / args.docs * 1000:.1f} ms per "
          f"document, {own / e2e:.1%} of the end-to-end time; "
          f"ratio if spaCy ran as fast as raw: {raw / (raw + own):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
