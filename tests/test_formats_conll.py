"""CoNLL: schemes out, scheme detection in, spaCy's converter reading our output, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.training.converters import conll_ner_to_docs

from annotator.errors import InputError
from annotator.formats import export_project, import_files
from annotator.formats.conll import tags_for
from annotator.model import Argument, Document, Sentence, Span, SpanKind, Status, Token

FIXTURES = Path(__file__).parent / "fixtures"
TEXT = "Mike Pompeo met Kim Yong Chol in New York .\nTalks resume Monday ."


@pytest.fixture
def annotated(store):
    """One document with stored tokens and sentences, adjacent same-label entities, a nested
    span and an event: everything CoNLL must write or report."""
    doc_id = store.add_documents([Document("talks", TEXT)]).added[0]
    words = [(i, i + len(w)) for i, w in _words(TEXT)]
    store.set_tokens(doc_id, "test", [Token(s, e) for s, e in words],
                     [Sentence(0, 43), Sentence(44, len(TEXT))])
    for start, end, label in [(0, 11, "PERSON"), (16, 29, "PERSON"), (33, 41, "GPE"),
                              (37, 41, "GPE"), (57, 63, "DATE")]:
        store.add_span(Span(doc_id, start, end, label, "alice"))
    trigger = store.add_span(Span(doc_id, 12, 15, "Contact:Meet", "alice", SpanKind.TRIGGER))
    store.add_argument(Argument(trigger.id, "Participant", store.spans(doc_id, "alice")[0].id))
    store.set_status(doc_id, "alice", Status.DONE)
    return store


def _words(text: str):
    position = 0
    for word in text.split():
        position = text.index(word, position)
        yield position, word
        position += len(word)


def _tags(path: Path) -> list[tuple[str, str]]:
    return [tuple(line.split()) for line in path.read_text().splitlines()
            if line and not line.startswith("-DOCSTART-")]


@pytest.mark.parametrize(("scheme", "expected"), [
    ("IOB2", ["B-PERSON", "I-PERSON", "O", "B-PERSON", "I-PERSON", "I-PERSON"]),
    ("IOB1", ["I-PERSON", "I-PERSON", "O", "I-PERSON", "I-PERSON", "I-PERSON"]),
    ("BILOU", ["B-PERSON", "L-PERSON", "O", "B-PERSON", "I-PERSON", "L-PERSON"]),
])
def test_formats_conll_writes_each_scheme(annotated, tmp_path, scheme, expected):
    out = tmp_path / "talks.conll"
    export_project(annotated, "conll", out, layer="alice", scheme=scheme)
    lines = out.read_text().split("\n")
    assert lines[:2] == ["-DOCSTART- -X- O O", ""]
    assert [t for _, t in _tags(out)][:6] == expected
    assert "" in lines[3:]  # a blank line between the two stored sentences


def test_formats_conll_iob1_uses_b_only_between_adjacent_same_type_entities():
    labels = ["B:LOC", "B:LOC", "I:LOC", None, "B:PER"]
    assert tags_for(labels, "IOB1") == ["I-LOC", "B-LOC", "I-LOC", "O", "I-PER"]
    assert tags_for(labels, "BILOU") == ["U-LOC", "B-LOC", "L-LOC", "O", "U-PER"]


def test_formats_conll_reports_nested_spans_and_events_by_document(annotated, tmp_path):
    report = export_project(annotated, "conll", tmp_path / "t.conll", layer="alice")
    warnings = "\n".join(report.warnings)
    assert "1 overlapping or nested entity spans not written" in warnings
    assert "1 events not written (CoNLL holds entities only) (in talks)" in warnings
    assert ("New", "B-GPE") in _tags(tmp_path / "t.conll")  # the longer of the nested pair


def test_formats_conll_output_is_read_by_spacys_converter(annotated, tmp_path):
    out = tmp_path / "t.conll"
    export_project(annotated, "conll", out, layer="alice")
    docs = list(conll_ner_to_docs(out.read_text(encoding="utf-8"), n_sents=0, no_print=True))
    assert len(docs) == 1
    assert [(e.text, e.label_) for e in docs[0].ents] == [
        ("Mike Pompeo", "PERSON"), ("Kim Yong Chol", "PERSON"), ("New York", "GPE"),
        ("Monday", "DATE")]
    assert len(list(docs[0].sents)) == 2


def test_formats_conll_imports_the_conll2003_excerpt_in_iob1(store):
    report = import_files(store, [FIXTURES / "conll2003_excerpt.conll"], "conll")
    assert report.documents_added == 2
    first, second = (store.document(i) for i in store.document_ids())
    assert first.text == ("EU rejects German call to boycott British lamb .\nPeter Blackburn\n"
                          "BRUSSELS 1996-08-22")
    spans = [(s.text_in(first.text), s.label) for s in store.spans(first.id, "imported")]
    assert spans == [("EU", "ORG"), ("German", "MISC"), ("British", "MISC"),
                     ("Peter Blackburn", "PER"), ("BRUSSELS", "LOC")]
    # "Germany I-LOC / Britain B-LOC": IOB1's B- splits two adjacent locations
    spans = [s.text_in(second.text) for s in store.spans(second.id, "imported")]
    assert spans == ["Lebanon", "Germany", "Britain", "France"]
    assert [second.text[t.start:t.end] for t in store.tokens(second.id)][:3] == \
        ["In", "Lebanon", ","]
    assert store.status(first.id, "imported") is Status.DONE


def test_formats_conll_imports_two_column_bilou(store, tmp_path):
    path = tmp_path / "b.conll"
    path.write_text("New B-GPE\nYork L-GPE\nis O\nbig U-ADJ\n\nOK O\n", encoding="utf-8")
    import_files(store, [path], "conll")
    doc = store.document(store.document_ids()[0])
    assert doc.text == "New York is big\nOK"
    assert [(s.text_in(doc.text), s.label) for s in store.spans(doc.id, "imported")] == [
        ("New York", "GPE"), ("big", "ADJ")]


@pytest.mark.parametrize(("content", "line", "message"), [
    ("a O\nb B-X extra more and more\n", 2, "expected 2 to 4 columns"),
    ("a NN O\nb B-X\n", 2, "2 columns where line 1 has 3"),
    ("a O\nb X-PER\n", 2, "is not a tag"),
    ("a B-PER\nb U-PER\nc O\n", 2, "needs I- or L-"),
    ("a O\nb I-PER\nc U-LOC\n", 2, "does not continue"),
    ("a B-PER\nb I-PER\n\nc U-LOC\n", 2, "without L-"),
])
def test_formats_conll_rejects_malformed_files_with_file_and_line(store, tmp_path, content,
                                                                 line, message):
    good = tmp_path / "good.conll"
    good.write_text("x B-PER\n", encoding="utf-8")
    bad = tmp_path / "bad.conll"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as error:
        import_files(store, [good, bad], "conll")
    assert f"bad.conll:{line}:" in str(error.value)
    assert store.count_documents() == 0
