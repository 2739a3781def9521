"""Agreement at scale: 3 annotators x 10,000 documents, target under 10 seconds, linear cost.

    python benchmarks/agreement.py [--documents 10000] [--annotators 3] [--seed 0]

Synthetic documents of about 300 tokens with about 25 entity spans and 3 events (2 arguments
each); every annotator copies each span with small chances of relabelling, moving or dropping
it and of adding one. Two figures:

1. the whole report (every measure, per-document rows, disagreements) from a project file in a
   temporary folder: `project_agreement`, reading through the Store as the CLI does, with
   `--workers` processes (the CLI's default: one per CPU);
2. the same computation in one process on the documents already in memory at 1/4, 1/2 and all
   of the corpus, to show the cost grows linearly.

Wall time counts waiting for the CPU on a busy machine; CPU time is printed beside it.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from pathlib import Path

from annotator.agreement.collect import DocumentLayers
from annotator.agreement.report import agreement_report, project_agreement
from annotator.model import Annotations, Argument, Document, Sentence, Span, SpanKind, Status
from annotator.model import Token as StoredToken
from annotator.store import Store

WORDS = ("the", "talks", "between", "envoys", "resumed", "in", "the", "capital", "after",
         "weeks", "of", "pressure", "and", "both", "sides", "said", "progress", "on",
         "sanctions", "was", "possible", "before", "a", "second", "summit")
LABELS = ("PERSON", "GPE", "ORG", "DATE", "NORP", "LOC", "CARDINAL")
EVENTS = ("Contact:Meet", "Movement:Transport", "Policy:Sanction")


def make_text(rng: random.Random, n_tokens: int) -> tuple[str, list[tuple[int, int]]]:
    words = [rng.choice(WORDS) for _ in range(n_tokens)]
    tokens, pos = [], 0
    for word in words:
        tokens.append((pos, pos + len(word)))
        pos += len(word) + 1
    return " ".join(words), tokens


def reference(rng: random.Random, doc_id: int, tokens: list[tuple[int, int]]) -> tuple[list,
                                                                                        list]:
    """Non-overlapping entity spans of 1-3 tokens, and trigger (index, type, [arg indexes])."""
    spans, i = [], rng.randint(0, 8)
    while i < len(tokens) - 3:
        width = rng.choice((1, 1, 2, 3))
        spans.append((tokens[i][0], tokens[i + width - 1][1], rng.choice(LABELS)))
        i += width + rng.randint(3, 16)
    events = [(rng.randrange(len(tokens)), rng.choice(EVENTS), rng.sample(range(len(spans)), 2))
              for _ in range(3)]
    return spans, events


def variant(rng: random.Random, doc_id: int, layer: str, text_length: int, spans: list,
            events: list, tokens: list) -> Annotations:
    """One annotator's version: mostly the reference, with realistic slips."""
    out, kept = [], {}
    for index, (start, end, label) in enumerate(spans):
        roll = rng.random()
        if roll < 0.04:
            continue
        if roll < 0.09:
            label = rng.choice(LABELS)
        elif roll < 0.13:
            end = min(text_length, end + 4)
        kept[index] = len(out)
        out.append(Span(doc_id, start, end, label, layer, id=len(out) + 1))
        if rng.random() < 0.03:
            extra = rng.choice(tokens)
            out.append(Span(doc_id, extra[0], extra[1], rng.choice(LABELS), layer,
                            id=len(out) + 1))
    arguments = []
    for token_index, event_type, args in events:
        if rng.random() < 0.05:
            continue
        start, end = tokens[token_index]
        trigger = Span(doc_id, start, end, event_type, layer, SpanKind.TRIGGER,
                       id=len(out) + 1)
        out.append(trigger)
        for role, arg in zip(("Participant", "Place"), args, strict=True):
            if arg in kept and rng.random() > 0.05:
                arguments.append(Argument(trigger.id, role, out[kept[arg]].id))
    return Annotations(out, arguments)


def corpus(n_docs: int, annotators: list[str], seed: int) -> list[DocumentLayers]:
    rng = random.Random(seed)
    docs = []
    for doc_id in range(1, n_docs + 1):
        text, tokens = make_text(rng, rng.randint(250, 350))
        spans, events = reference(rng, doc_id, tokens)
        layers = {a: variant(rng, doc_id, a, len(text), spans, events, tokens)
                  for a in annotators}
        docs.append(DocumentLayers(doc_id, f"doc-{doc_id}", text, tokens, "stored", layers))
    return docs


def write_project(path: Path, docs: list[DocumentLayers], annotators: list[str]) -> Store:
    store = Store(path)
    with store.atomic():
        ids = store.add_documents(Document(d.name, d.text) for d in docs).added
        for doc, doc_id in zip(docs, ids, strict=True):
            store.set_tokens(doc_id, "synthetic", [StoredToken(s, e) for s, e in doc.tokens],
                             [Sentence(0, len(doc.text))])
            for annotator in annotators:
                stored = {}
                layer = doc.layers[annotator]
                for span in layer.spans:
                    stored[span.id] = store.add_span(span.with_(doc_id=doc_id, id=None)).id
                for argument in layer.arguments:
                    store.add_argument(Argument(stored[argument.trigger_id], argument.role,
                                                stored[argument.argument_id]))
                store.set_status(doc_id, annotator, Status.DONE)
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--annotators", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="processes for the project-file run (default: CPU count)")
    args = parser.parse_args()
    names = [f"annotator{i + 1}" for i in range(args.annotators)]
    docs = corpus(args.documents, names, args.seed)
    tokens = sum(len(d.tokens) for d in docs)
    spans = sum(len(layer.spans) for d in docs for layer in d.layers.values())
    print(f"{args.documents:,} documents, {len(names)} annotators, {tokens:,} tokens, "
          f"{spans:,} spans; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")

    for share in (4, 2, 1):
        part = docs[: len(docs) // share]
        wall, cpu = time.perf_counter(), time.process_time()
        agreement_report(part, names)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"in memory: {len(part):>7,} documents {wall:6.2f} s wall, {cpu:6.2f} s CPU "
              f"({cpu / len(part) * 1e6:5.0f} µs CPU per document)")

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        store = write_project(Path(tmp) / "bench.db", docs, names)
        print(f"(building the project file took {time.perf_counter() - start:.1f} s)")
        with store:
            wall, cpu = time.perf_counter(), time.process_time()
            report = project_agreement(store, names, workers=args.workers)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"from the project file: {report['documents']:,} documents, "
          f"{len(report['disagreements']):,} disagreements: {wall:.2f} s wall, {cpu:.2f} s CPU "
          f"(target < 10 s) -> {'PASS' if wall < 10 else 'FAIL'}")
    print(f"Fleiss' κ {report['fleiss_kappa']}, Krippendorff's α {report['krippendorff_alpha']}")


if __name__ == "__main__":
    main()
