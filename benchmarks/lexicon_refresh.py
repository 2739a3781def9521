"""What the project lexicon's refresh costs on opening a long analysed article.

    nice -n 10 python benchmarks/lexicon_refresh.py [--repeat 7]

Builds a throwaway project: the sample corpus repeated into a 10,000-word and a 100,000-word
article, pre-annotated with the real pipeline (tokens, sentences, parse, suggestions), and a
teaching document in which an annotator marked 300 capitalised words as PERSON, so the lexicon
suggests them wherever they recur in the articles without the model's PERSON there (over a
thousand suggestions in the short article, many of them near event triggers). Then, for each
article, the median of `--repeat` refreshes of two kinds, as the GUI runs them just after the
article is on screen:

- unchanged: nothing was decided since the last refresh (no write; the common case);
- rewritten: the lexicon changed (one phrase forgotten, then added back), so the document's
  lexicon suggestions of it are written, with their event arguments where the analysis kept
  a parse.

The first refresh after the teaching, which writes every suggestion, is printed too (it
includes importing spaCy where the arguments need it, as a program's first refresh would).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from long_article import article  # noqa: E402

from annotator import lexicon  # noqa: E402
from annotator.model import SUGGESTIONS, Document, Span, SpanKind  # noqa: E402
from annotator.nlp.loading import resolve_pipeline  # noqa: E402
from annotator.nlp.preannotate import preannotate  # noqa: E402
from annotator.store import Store  # noqa: E402

TEACHER = "teacher"


def build(path: Path) -> dict[str, int]:
    store = Store(path)
    ids = store.add_documents([Document("teaching", article(3_000)),
                               Document("long-10k", article(10_000)),
                               Document("long-100k", article(100_000))]).added
    preannotate(store, resolve_pipeline(fallback_blank=False), doc_ids=ids[1:])
    text = store.document(ids[0]).text
    seen: set[str] = set()
    with store.atomic():
        for match in re.finditer(r"\b[A-Z][a-z]+\b", text):
            if match.group() not in seen and len(seen) < 300:
                seen.add(match.group())
                store.add_span(Span(ids[0], match.start(), match.end(), "PERSON", TEACHER,
                                    SpanKind.ENTITY))
    store.close()
    return {"10k words": ids[1], "100k words": ids[2]}


def timed(store: Store, doc_id: int) -> tuple[tuple[float, float], lexicon.RefreshReport]:
    """Wall and CPU milliseconds of a refresh (on a shared machine the CPU time is the steadier
    figure; the wall time includes the commit's fsync)."""
    started, cpu = time.perf_counter(), time.process_time()
    report = lexicon.refresh(store, [doc_id])
    return ((time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000), report


def medians(timings: list[tuple[float, float]]) -> str:
    return (f"{statistics.median(t[0] for t in timings):.0f} ms "
            f"(CPU {statistics.median(t[1] for t in timings):.0f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        articles = build(path)
        with Store(path) as store:
            for name, doc_id in articles.items():
                # the first refresh after the teaching writes every suggestion (and imports)
                first, _ = timed(store, doc_id)
                text = store.document(doc_id).text
                phrase = next(s.text_in(text) for s in store.spans(doc_id, SUGGESTIONS)
                              if s.origin == lexicon.ORIGIN)
                unchanged, rewritten = [], []
                for n in range(args.repeat):
                    # forgetting a suggested phrase, then adding it back, rewrites the document
                    if n % 2:
                        lexicon.add(store, phrase, "PERSON")
                    else:
                        lexicon.remove(store, phrase)
                    ms, report = timed(store, doc_id)
                    assert report.written == 1
                    rewritten.append(ms)
                    ms, report = timed(store, doc_id)
                    assert report.written == 0
                    unchanged.append(ms)
                suggested = sum(1 for s in store.spans(doc_id, SUGGESTIONS)
                                if s.origin == lexicon.ORIGIN)
                print(f"{name}: {suggested:,} lexicon suggestions with "
                      f"{_lexicon_arguments(store, doc_id):,} event arguments; first refresh "
                      f"{medians([first])}; then unchanged median {medians(unchanged)}, "
                      f"rewritten median {medians(rewritten)}")


def _lexicon_arguments(store: Store, doc_id: int) -> int:
    return store.db.execute(
        "SELECT count(*) FROM arguments a JOIN spans s ON s.id = a.argument_id "
        "WHERE s.document_id = ? AND s.origin = ?", [doc_id, lexicon.ORIGIN]).fetchone()[0]


if __name__ == "__main__":
    main()
