"""import(export(x)) == x for every format, within what the format can hold (hypothesis).

Texts mix accents, CJK, emoji (with skin-tone modifiers), punctuation and line breaks; spans
are nested, overlapping and adjacent; events link triggers to entities with repeated roles.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.formats.context import ExportContext, ImportContext
from annotator.formats.records import Link, Mention, Record, non_overlapping
from annotator.formats.registry import FORMATS
from annotator.model import Sentence, SpanKind
from annotator.schema import default_schema

SCHEMA = default_schema()
ENTITY_LABELS = ["PERSON", "GPE", "ORG", "DATE"]
EVENT_TYPES = ["Contact:Meet", "Conflict:Attack", "Policy:Sanction"]
ROLES = ["Participant", "Place", "Time"]
LETTERS = list("abzAZéñüçøß東京都북한😀👍🏽-.,'’0")
WORD = st.text(alphabet=st.sampled_from(LETTERS), min_size=1, max_size=6)
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def records(draw, *, canonical: bool = False, free_offsets: bool = True) -> Record:
    """A record over random words. `canonical`: the text CoNLL rebuilds (words joined by one
    space, sentences by a newline) with those words as tokens, and word-aligned,
    non-overlapping entities within a sentence and no events, all that CoNLL holds.
    Otherwise spans may start and end anywhere but on whitespace (`free_offsets`) and nest."""
    sentences = draw(st.lists(st.lists(WORD, min_size=1, max_size=6), min_size=1, max_size=3))
    text, words, bounds = "", [], []
    for s, sentence in enumerate(sentences):
        if s:
            text += "\n" if canonical else draw(st.sampled_from(["\n", "\n\n", " ", "  "]))
        first = len(words)
        for w, word in enumerate(sentence):
            if w:
                text += " " if canonical else draw(st.sampled_from([" ", "", "\t", " \n "]))
            words.append((len(text), len(text) + len(word)))
            text += word
        bounds.append((first, len(words)))
    record = Record("doc", text, {"source": "hypothesis"}, annotated=True, layer="alice")
    if canonical:
        record.tokens = [(s, e, True) for s, e in words]
        record.sentences = [Sentence(words[a][0], words[b - 1][1]) for a, b in bounds]
    for _ in range(draw(st.integers(0, 6))):
        if free_offsets and not canonical:
            start = draw(st.integers(0, len(text) - 1))
            end = draw(st.integers(start + 1, len(text)))
            if text[start].isspace() or text[end - 1].isspace():
                continue
        else:
            a, b = draw(st.sampled_from(bounds))
            i = draw(st.integers(a, b - 1))
            j = draw(st.integers(i, b - 1))
            start, end = words[i][0], words[j][1]
        record.add(Mention(start, end, draw(st.sampled_from(ENTITY_LABELS))))
    if canonical:
        kept, _ = non_overlapping(record.spans, len(text))
        record.spans = kept
        return record
    entities = list(range(len(record.spans)))
    frames: dict[int, int] = {}
    for _ in range(draw(st.integers(0, 3))):
        # the same word may be drawn twice: two events sharing one trigger (brat's E1, E2 on T3)
        i = draw(st.integers(0, len(words) - 1))
        trigger = record.add(Mention(*words[i], draw(st.sampled_from(EVENT_TYPES)),
                                     SpanKind.TRIGGER))
        frame = frames[trigger] = frames.get(trigger, -1) + 1
        for argument in draw(st.lists(st.sampled_from(entities), max_size=3)) if entities else []:
            link = Link(trigger, draw(st.sampled_from(ROLES)), argument, frame)
            if link not in record.arguments:
                record.arguments.append(link)
    return record


def round_trip(fmt: str, record: Record) -> list[Record]:
    format_ = FORMATS[fmt]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"out{format_.suffix}"
        format_.write([record], path, ExportContext(SCHEMA))
        return list(format_.read(path, ImportContext(SCHEMA)))


def entities_only(record: Record) -> Record:
    return Record(record.name, record.text, spans=record.entities)


def assert_same(back: list[Record], record: Record) -> None:
    assert len(back) == 1
    assert back[0].text == record.text
    assert back[0].content() == record.content()


@SETTINGS
@given(records())
def test_formats_roundtrip_prodigy_jsonl_keeps_spans_and_events(record):
    back = round_trip("jsonl", record)
    assert_same(back, record)
    assert back[0].layer == "alice" and back[0].meta["source"] == "hypothesis"


@SETTINGS
@given(records())
def test_formats_roundtrip_spacy_docbin_keeps_spans_and_events(record):
    back = round_trip("spacy", record)
    assert_same(back, record)
    assert back[0].layer == "alice"


@SETTINGS
@given(records())
def test_formats_roundtrip_brat_keeps_spans_and_events(record):
    assert_same(round_trip("brat", record), record)


@SETTINGS
@given(records())
def test_formats_roundtrip_doccano_keeps_entities(record):
    assert_same(round_trip("doccano", record), entities_only(record))


@SETTINGS
@given(records(canonical=True), st.sampled_from(["IOB2", "IOB1", "BILOU"]))
def test_formats_roundtrip_conll_keeps_text_and_entities_in_every_scheme(record, scheme):
    format_ = FORMATS["conll"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "out.conll"
        format_.write([record], path, ExportContext(SCHEMA, scheme=scheme))
        back = list(format_.read(path, ImportContext(SCHEMA)))
    assert_same(back, record)
    assert [back[0].text[s:e] for s, e, _ in back[0].tokens] == \
        [record.text[s:e] for s, e, _ in record.tokens]
