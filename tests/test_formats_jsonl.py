"""Prodigy JSONL and doccano JSONL: tool output imported as it comes, our output in their
shape, and malformed lines refused with file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.errors import InputError
from annotator.formats import export_project, import_files
from annotator.formats.prodigy_jsonl import input_hash
from annotator.model import Argument, Document, Span, SpanKind, Status

FIXTURES = Path(__file__).parent / "fixtures"


def _spans(store, layer):
    return {store.document(d).text[:20]: [(s.text_in(store.document(d).text), s.label)
                                          for s in store.spans(d, layer)]
            for d in store.document_ids()}


def test_formats_jsonl_imports_prodigy_ner_manual_and_correct_output(store):
    report = import_files(store, [FIXTURES / "prodigy_ner_manual.jsonl"], "jsonl")
    # reject and ignore answers are not annotations: skipped and counted, with their lines
    assert store.count_documents() == 2
    assert report.layers == {"news_ner-alex": 2}
    assert "1 records answered 'reject' skipped (in prodigy_ner_manual.jsonl:3)" in \
        report.warnings
    assert "1 records answered 'ignore' skipped (in prodigy_ner_manual.jsonl:4)" in \
        report.warnings
    spans = _spans(store, "news_ner-alex")
    assert spans["Secretary of State M"] == [
        ("Mike Pompeo", "PERSON"), ("North Korea", "GPE"), ("Kim Yong Chol", "PERSON"),
        ("New York", "GPE"), ("Thursday", "DATE")]
    assert spans["Pakistan's army chie"] == [("Pakistan", "GPE"), ("Kabul", "GPE"),
                                             ("Monday", "DATE")]
    doc_id = store.document_ids()[0]
    assert store.document(doc_id).meta["source"] == "The Washington Post"
    assert len(store.tokens(doc_id)) == 20  # Prodigy's tokens are kept as the analysis
    assert store.status(doc_id, "news_ner-alex") is Status.DONE


def test_formats_jsonl_export_is_a_prodigy_task_with_tokens_spans_and_events(store, tmp_path):
    text = "Pompeo will meet Kim Yong Chol."
    doc_id = store.add_documents([Document("d1", text, {"source": "wapo"})]).added[0]
    pompeo = store.add_span(Span(doc_id, 0, 6, "PERSON", "alice"))
    store.add_span(Span(doc_id, 17, 30, "PERSON", "alice"))
    meet = store.add_span(Span(doc_id, 12, 16, "Contact:Meet", "alice", SpanKind.TRIGGER))
    store.add_argument(Argument(meet.id, "Participant", pompeo.id))
    store.set_status(doc_id, "alice", Status.DONE)
    export_project(store, "jsonl", tmp_path / "out.jsonl", layer="alice")
    task = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    assert task["text"] == text and task["answer"] == "accept"
    assert task["meta"] == {"source": "wapo", "name": "d1"}
    assert task["_input_hash"] == input_hash({"text": text}) and isinstance(task["_task_hash"], int)
    assert task["_annotator_id"] == "alice"
    assert task["tokens"][3] == {"text": "Kim", "start": 17, "end": 20, "id": 3, "ws": True}
    # token_end is inclusive, as in Prodigy
    assert task["spans"] == [
        {"start": 0, "end": 6, "token_start": 0, "token_end": 0, "label": "PERSON"},
        {"start": 17, "end": 30, "token_start": 3, "token_end": 5, "label": "PERSON"}]
    assert task["events"] == [{
        "trigger": {"start": 12, "end": 16, "token_start": 2, "token_end": 2,
                    "label": "Contact:Meet"},
        "arguments": [{"role": "Participant", "start": 0, "end": 6, "label": "PERSON"}]}]


def test_formats_jsonl_plain_text_lines_still_import_without_annotations(store, tmp_path):
    path = tmp_path / "plain.jsonl"
    path.write_text('{"text": "Just text.", "meta": {"name": "n1"}}\n', encoding="utf-8")
    report = import_files(store, [path], "jsonl")
    assert report.documents_added == 1 and report.layers == {}
    assert store.layers() == []


def test_formats_doccano_imports_both_export_shapes(store):
    report = import_files(store, [FIXTURES / "doccano.jsonl"], "doccano")
    assert report.documents_added == 3
    spans = _spans(store, "imported")
    assert spans["EU rejects German ca"] == [("EU", "ORG"), ("German", "MISC"),
                                             ("British", "MISC")]
    assert spans["Google was founded o"] == [
        ("Google", "ORG"), ("September 4, 1998", "DATE"), ("Larry Page", "PERSON"),
        ("Sergey Brin", "PERSON")]
    assert store.document(store.document_ids()[1]).meta["Comments"] == ["checked"]
    assert "1 doccano relations not imported (no relation layer) (in doccano.jsonl:3)" in \
        report.warnings


def test_formats_doccano_export_writes_label_triples_and_reports_events(store, tmp_path):
    text = "Kim met Trump."
    doc_id = store.add_documents([Document("d", text)]).added[0]
    store.add_span(Span(doc_id, 8, 13, "PERSON", "alice"))
    store.add_span(Span(doc_id, 0, 3, "PERSON", "alice"))
    store.add_span(Span(doc_id, 4, 7, "Contact:Meet", "alice", SpanKind.TRIGGER))
    report = export_project(store, "doccano", tmp_path / "d.jsonl", layer="alice",
                            status="any")
    line = json.loads((tmp_path / "d.jsonl").read_text(encoding="utf-8"))
    assert line == {"text": text, "label": [[0, 3, "PERSON"], [8, 13, "PERSON"]],
                    "meta": {"name": "d"}}
    assert report.warnings == [
        "1 events not written (doccano's label list holds entities only) (in d)"]


@pytest.mark.parametrize(("fmt", "line", "message"), [
    ("jsonl", '{"text": "Kim met Trump."', "invalid JSON"),
    ("jsonl", '["text"]', "expected a JSON object"),
    ("jsonl", '{"text": "Kim", "spans": [{"start": 0, "end": 9, "label": "P"}]}',
     "outside the text"),
    ("jsonl", '{"text": "Kim", "spans": [{"start": 0, "end": 3, "label": "P", "text": "Tim"}]}',
     "does not match"),
    ("jsonl", '{"text": "Kim", "spans": [{"start": 0, "end": 3}]}', "label"),
    ("jsonl", '{"text": "Kim met", "spans": [], "events": [{"trigger": {"start": 4, "end": 7,'
              ' "label": "Contact:Meet"}, "arguments": [{"role": "Participant", "start": 0,'
              ' "end": 3}]}]}', "matches no span"),
    ("doccano", '{"text": "Kim", "label": [[0, 3]]}', "must be \\[start, end"),
    ("doccano", '{"text": "Kim", "label": [[2, 1, "P"]]}', "ends before it starts"),
    ("doccano", '{"text": "Kim", "label": [["0", 3, "P"]]}', "must be integers"),
])
def test_formats_jsonl_rejects_malformed_lines_with_file_and_line(store, tmp_path, fmt, line,
                                                                 message):
    path = tmp_path / "in.jsonl"
    path.write_text('{"text": "A good first line."}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message) as error:
        import_files(store, [path], fmt)
    assert "in.jsonl:2:" in str(error.value)
    assert store.count_documents() == 0


def test_formats_jsonl_multi_annotator_output_fills_one_layer_per_annotator(store, tmp_path):
    """`prodigy db-out` of a multi-session dataset: the same text once per annotator."""
    path = tmp_path / "team.jsonl"
    lines = [{"text": "Kim met Trump.", "answer": "accept", "_annotator_id": who,
              "spans": [{"start": s, "end": e, "label": "PERSON"}]}
             for who, s, e in [("news-ann", 0, 3), ("news-bob", 8, 13)]]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    report = import_files(store, [path], "jsonl")
    assert store.count_documents() == 1 and report.documents_added == 1
    doc_id = store.document_ids()[0]
    assert [(s.start, s.end) for s in store.spans(doc_id, "news-ann")] == [(0, 3)]
    assert [(s.start, s.end) for s in store.spans(doc_id, "news-bob")] == [(8, 13)]
    assert store.annotators() == ["news-ann", "news-bob"]


def test_formats_jsonl_says_when_a_file_is_in_the_other_jsonl_format(store):
    """doccano labels read as Prodigy (or the reverse) would vanish: the report says why."""
    report = import_files(store, [FIXTURES / "doccano.jsonl"], "jsonl")
    assert any('doccano "label" list' in w and "doccano.jsonl:1" in w for w in report.warnings)
    report = import_files(store, [FIXTURES / "prodigy_ner_manual.jsonl"], "doccano")
    assert any('Prodigy "spans"' in w for w in report.warnings)
