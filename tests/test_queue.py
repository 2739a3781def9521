"""The to-do queue: documents where suggestions are unsure or the lexicon and the model
disagree come first; started documents are left out."""

from __future__ import annotations

import subprocess
import sys

from annotator import lexicon
from annotator.model import SUGGESTIONS, Document, Span, SpanKind, Status
from annotator.queue import informative_order
from annotator.store import Analysis


def test_queue_most_informative_first(project_path, store):
    ids = store.add_documents(Document(f"d{i}", t) for i, t in enumerate([
        "Trump met Kim in Hanoi.", "Trump talked to Kim.", "Kim Yong Chol met Trump.",
        "A quiet day."])).added

    def suggest(doc_id, words, label, score=None, kind=SpanKind.ENTITY):
        text = store.document(doc_id).text
        start = text.index(words)
        return Span(doc_id, start, start + len(words), label, SUGGESTIONS, kind, "model:m",
                    score=score)

    store.save_analyses([
        Analysis(ids[0], "m", [], [], [suggest(ids[0], "Trump", "ORG")]),
        Analysis(ids[1], "m", [], [], [suggest(ids[1], "talked", "Contact:Meet", 0.55,
                                               SpanKind.TRIGGER)]),
        Analysis(ids[2], "m", [], [], [suggest(ids[2], "Trump", "ORG")]),
    ])
    lexicon.add(store, "Trump", "PERSON")   # disagrees with the model's ORG in d0 and d2
    store.set_status(ids[2], "alice", Status.IN_PROGRESS)
    order = informative_order(store, "alice")
    assert [(item.name, item.disagreements) for item in order] == [
        ("d0", 1), ("d1", 0), ("d3", 0)]
    assert order[1].uncertainty == 0.45
    store.close()
    out = subprocess.run([sys.executable, "-m", "annotator", "queue", str(project_path),
                          "--annotator", "alice", "--limit", "2"], capture_output=True,
                         text=True).stdout
    assert out.index("d0") < out.index("d1") and "d3" not in out


def test_queue_hide_unsure_keeps_unscored_and_lexicon_counts():
    from annotator.model import Annotations, Argument
    from annotator.queue import hide_unsure

    spans = [Span(1, 0, 5, "Contact:Meet", SUGGESTIONS, SpanKind.TRIGGER, score=0.3, id=1),
             Span(1, 6, 9, "PERSON", SUGGESTIONS, score=None, id=2),
             Span(1, 10, 14, "PERSON", SUGGESTIONS, origin="lexicon", score=3.0, id=3),
             Span(1, 15, 20, "Contact:Meet", SUGGESTIONS, SpanKind.TRIGGER, score=0.8, id=4)]
    kept = hide_unsure(Annotations(spans, [Argument(1, "Entity", 2), Argument(4, "Entity", 3)]),
                       0.5)
    assert [s.id for s in kept.spans] == [2, 3, 4]
    assert [(a.trigger_id, a.argument_id) for a in kept.arguments] == [(4, 3)]
