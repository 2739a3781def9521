"""Prodigy's decisions and hashes (issue 11, point 5), from Prodigy's documentation of its
interfaces (`ner_manual`: a complete annotation; `ner`, as `ner.teach` saves it: an accept or
reject decision about the suggested span shown) and of `set_hashes` (input keys text, image,
html, input; task keys spans, label, options, arcs, prefixed by the input hash; ignored keys
such as `score` and `answer` left out).
"""

from __future__ import annotations

import json
from pathlib import Path

from annotator.formats import export_project, import_files
from annotator.formats.prodigy_jsonl import input_hash, task_hash
from annotator.model import SUGGESTIONS, Decision, Span, Status
from annotator.store import Store

TEXT = "Apple updates its analytics service in Cupertino"


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _decisions(store: Store, layer: str) -> list[tuple]:
    doc_id = store.document_ids()[0]
    text = store.document(doc_id).text
    return sorted((s.text_in(text), s.label, s.decision.value) for s in store.spans(doc_id, layer))


def test_prodigy_teach_answers_are_decisions_not_complete_annotations(store, tmp_path):
    teach = [
        {"text": TEXT, "spans": [{"start": 0, "end": 5, "label": "ORG", "score": 0.92}],
         "meta": {"score": 0.92}, "_view_id": "ner", "answer": "accept",
         "_annotator_id": "alex"},
        {"text": TEXT, "spans": [{"start": 18, "end": 35, "label": "ORG", "score": 0.51}],
         "meta": {"score": 0.51}, "_view_id": "ner", "answer": "reject",
         "_annotator_id": "alex"},
        {"text": TEXT, "spans": [{"start": 39, "end": 48, "label": "GPE", "score": 0.4}],
         "_view_id": "ner", "answer": "ignore", "_annotator_id": "alex"},
    ]
    report = import_files(store, [_write(tmp_path / "teach.jsonl", teach)], "jsonl")
    assert _decisions(store, "alex") == [("Apple", "ORG", "accepted"),
                                         ("analytics service", "ORG", "rejected")]
    doc_id = store.document_ids()[0]
    # a decision about one suggestion says nothing about the rest of the text
    assert store.status(doc_id, "alex") is Status.TODO
    # the rejection hides a suggestion, as a rejection in the workbench does
    rejected = [s for s in store.spans(doc_id, "alex") if s.decision is Decision.REJECTED][0]
    assert store.get_span(rejected.suggestion_id).layer == SUGGESTIONS
    assert report.rejections_added == 1
    assert any("records answered 'ignore' skipped" in w for w in report.warnings)


def test_prodigy_span_answered_reject_inside_an_accepted_record_is_not_accepted(store, tmp_path):
    manual = [{"text": TEXT, "_view_id": "ner_manual", "answer": "accept",
               "spans": [{"start": 0, "end": 5, "label": "ORG"},
                         {"start": 18, "end": 35, "label": "PRODUCT", "answer": "reject"},
                         {"start": 39, "end": 48, "label": "GPE", "answer": "accept"}]}]
    import_files(store, [_write(tmp_path / "m.jsonl", manual)], "jsonl", annotator="bo")
    assert _decisions(store, "bo") == [("Apple", "ORG", "accepted"),
                                       ("Cupertino", "GPE", "accepted"),
                                       ("analytics service", "PRODUCT", "rejected")]
    assert store.status(store.document_ids()[0], "bo") is Status.DONE
    export_project(store, "jsonl", tmp_path / "out.jsonl", layer="bo")
    back = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    assert {(s["label"], s.get("answer", "accept")) for s in back["spans"]} == {
        ("ORG", "accept"), ("GPE", "accept"), ("PRODUCT", "reject")}
    assert back["_view_id"] == "ner_manual"


def test_prodigy_teach_decisions_survive_export_and_import(store, tmp_path):
    teach = [{"text": TEXT, "spans": [{"start": 0, "end": 5, "label": "ORG"}],
              "_view_id": "ner", "answer": "accept"},
             {"text": TEXT, "spans": [{"start": 18, "end": 35, "label": "ORG"}],
              "_view_id": "ner", "answer": "reject"}]
    import_files(store, [_write(tmp_path / "t.jsonl", teach)], "jsonl", annotator="alex")
    export_project(store, "jsonl", tmp_path / "out.jsonl", layer="alex", status="any")
    exported = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    assert exported["_view_id"] == "ner"  # not done: decisions, as ner.teach writes them
    with Store(tmp_path / "other.db") as other:
        import_files(other, [tmp_path / "out.jsonl"], "jsonl")
        assert _decisions(other, "alex") == _decisions(store, "alex")
        assert other.status(other.document_ids()[0], "alex") is Status.TODO


def test_prodigy_hashes_follow_set_hashes():
    task = {"text": TEXT, "spans": [{"start": 0, "end": 5, "label": "ORG"}]}
    other_question = {"text": TEXT, "spans": [{"start": 39, "end": 48, "label": "GPE"}]}
    # the same input, another question: same input hash, another task hash
    assert input_hash(task) == input_hash(other_question) == input_hash({"text": TEXT})
    assert task_hash(task) != task_hash(other_question)
    # ignored keys (a model's score, the answer, the view) do not make another task
    scored = {**task, "answer": "reject", "_view_id": "ner",
              "spans": [{**task["spans"][0], "score": 0.3}]}
    assert task_hash(scored) == task_hash(task)
    assert all(-2**31 <= h < 2**31 for h in (input_hash(task), task_hash(task)))


def test_prodigy_hashes_of_a_prodigy_file_are_written_back_while_spans_are_unchanged(
        store, tmp_path):
    record = {"text": TEXT, "spans": [{"start": 0, "end": 5, "label": "ORG"}],
              "answer": "accept", "_input_hash": -874614165, "_task_hash": 2136869442}
    import_files(store, [_write(tmp_path / "p.jsonl", [record])], "jsonl", annotator="a")
    export_project(store, "jsonl", tmp_path / "out.jsonl", layer="a")
    back = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    assert (back["_input_hash"], back["_task_hash"]) == (-874614165, 2136869442)
    assert "_prodigy_hashes" not in back["meta"]
    # another annotation of the same text is another task
    doc_id = store.document_ids()[0]
    store.add_span(Span(doc_id, 39, 48, "GPE", "a"))
    export_project(store, "jsonl", tmp_path / "out2.jsonl", layer="a")
    changed = json.loads((tmp_path / "out2.jsonl").read_text(encoding="utf-8"))
    assert changed["_task_hash"] == task_hash(changed) != 2136869442
