"""A small annotated project for the GUI tests: the sample corpus with tokens and suggestions
written through `Store.save_analyses`, as a pre-annotation run would, but without spaCy (so the
GUI tests do not depend on the NLP code and run in seconds)."""

from __future__ import annotations

import re
from pathlib import Path

from annotator.model import Document, Sentence, Span, SpanKind, Token
from annotator.paths import CORPUS
from annotator.store import Analysis, Store

MODEL = "test:regex"
#: (text, label, kind): every occurrence becomes a suggestion
SUGGESTED = [
    ("Mike Pompeo", "PERSON", SpanKind.ENTITY),
    ("Pompeo", "PERSON", SpanKind.ENTITY),
    ("Kim Yong Chol", "PERSON", SpanKind.ENTITY),
    ("New York", "GPE", SpanKind.ENTITY),
    ("North Korea", "GPE", SpanKind.ENTITY),
    ("Pakistan", "GPE", SpanKind.ENTITY),
    ("Afghanistan", "GPE", SpanKind.ENTITY),
    ("Kabul", "GPE", SpanKind.ENTITY),
    ("Thursday", "DATE", SpanKind.ENTITY),
    ("Sunday", "DATE", SpanKind.ENTITY),
    ("State Department", "ORG", SpanKind.ENTITY),
    ("meet", "Contact:Meet", SpanKind.TRIGGER),
    ("talks", "Contact:Meet", SpanKind.TRIGGER),
    ("sanctions", "Policy:Sanction", SpanKind.TRIGGER),
]
WORD = re.compile(r"\w+|[^\w\s]")


def tokens_of(text: str) -> list[Token]:
    matches = list(WORD.finditer(text))
    return [Token(m.start(), m.end(), m.end() < len(text) and text[m.end()].isspace())
            for m in matches]


def analysis(doc: Document) -> Analysis:
    text = doc.text
    spans: list[Span] = []
    taken: set[tuple[int, int]] = set()
    for needle, label, kind in SUGGESTED:
        for m in re.finditer(rf"(?<!\w){re.escape(needle)}(?!\w)", text):
            if kind is SpanKind.ENTITY and any(s <= m.start() < e for s, e in taken):
                continue
            taken.add(m.span())
            spans.append(Span(doc.id, m.start(), m.end(), label, "suggestions", kind,
                              origin=MODEL, score=0.9))
    spans.sort(key=lambda s: s.start)
    arguments = []
    for i, trigger in enumerate(spans):
        if trigger.kind is not SpanKind.TRIGGER or trigger.label != "Contact:Meet":
            continue
        near = [j for j, s in enumerate(spans) if s.kind is SpanKind.ENTITY
                and s.label == "PERSON" and abs(s.start - trigger.start) < 120]
        arguments += [(i, "Participant", j, 0.5) for j in near[:2]]
    sentences = [Sentence(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    return Analysis(doc.id, MODEL, tokens_of(text), sentences, spans, arguments)


def make_project(path: Path) -> Path:
    with Store(path) as store:
        store.add_documents(Document(p.stem, p.read_text(encoding="utf-8"))
                            for p in sorted(CORPUS.glob("*.txt")))
        store.save_analyses(analysis(doc) for doc in store.iter_documents())
    return path
