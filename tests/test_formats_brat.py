"""brat standoff: a collection with events, attributes, notes and discontinuous spans; export
files brat reads; malformed .ann files refused with file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotator.errors import InputError
from annotator.formats import export_project, import_files
from annotator.model import Argument, Document, Span, SpanKind, Status
from annotator.schema import Schema

FIXTURES = Path(__file__).parent / "fixtures"


def _events(store, doc_id, layer):
    annotations = store.annotations(doc_id, layer)
    spans = annotations.span_by_id()
    text = store.document(doc_id).text
    return sorted((spans[a.trigger_id].label, a.role, spans[a.argument_id].text_in(text))
                  for a in annotations.arguments)


def test_formats_brat_imports_a_collection_with_events_and_reports_the_rest(store):
    report = import_files(store, [FIXTURES / "brat"], "brat", annotator="carol")
    doc = store.document(store.document_ids()[0])
    assert doc.text == (FIXTURES / "brat" / "talks.txt").read_text(encoding="utf-8")
    triggers = {(s.text_in(doc.text), s.label) for s in store.spans(doc.id, "carol")
                if s.kind is SpanKind.TRIGGER}
    assert triggers == {("meet", "Contact:Meet"), ("flew", "Movement:Transport"),
                        ("negotiated", "Diplomacy-Negotiate")}
    # Participant2 is brat's numbering of a repeated role
    assert _events(store, doc.id, "carol") == [
        ("Contact:Meet", "Participant", "Kim Yong Chol"),
        ("Contact:Meet", "Participant", "Mike Pompeo"), ("Contact:Meet", "Place", "New York"),
        ("Contact:Meet", "Time", "Thursday"), ("Diplomacy-Negotiate", "Party", "Afghan"),
        ("Movement:Transport", "Destination", "Kabul")]
    warnings = "\n".join(report.warnings)
    for expected in ["discontinuous brat spans not imported (in talks.ann:11)",
                     "attributes (A lines) not imported (in talks.ann:15)",
                     "relations (R lines) not imported (in talks.ann:16)",
                     "notes (# lines) not imported (in talks.ann:17)",
                     "event arguments on a discontinuous span not imported (in talks.ann:13)"]:
        assert expected in warnings
    # the collection's annotation.conf brings the event type the project lacked, with its roles
    assert report.labels_added == ["Diplomacy-Negotiate"]
    assert store.schema.events["Diplomacy-Negotiate"].roles == {
        "Party": ("PERSON", "NORP", "GPE")}
    assert store.status(doc.id, "carol") is Status.DONE


def test_formats_brat_export_writes_txt_ann_and_the_schema(store, tmp_path):
    text = "Pompeo will meet Kim and Trump in Hanoi."
    doc_id = store.add_documents([Document("hanoi/summit", text)]).added[0]
    spans = {w: store.add_span(Span(doc_id, text.index(w), text.index(w) + len(w), label,
                                    "alice"))
             for w, label in [("Pompeo", "PERSON"), ("Kim", "PERSON"), ("Trump", "PERSON"),
                              ("Hanoi", "GPE")]}
    meet = store.add_span(Span(doc_id, 12, 16, "Contact:Meet", "alice", SpanKind.TRIGGER))
    for word, role in [("Pompeo", "Participant"), ("Kim", "Participant"),
                       ("Trump", "Participant"), ("Hanoi", "Place")]:
        store.add_argument(Argument(meet.id, role, spans[word].id))
    store.set_status(doc_id, "alice", Status.DONE)
    export_project(store, "brat", tmp_path / "brat", layer="alice")
    files = sorted(p.name for p in (tmp_path / "brat").iterdir())
    assert files == ["annotation.conf", "hanoi_summit.ann", "hanoi_summit.txt"]
    ann = (tmp_path / "brat" / "hanoi_summit.ann").read_text(encoding="utf-8").splitlines()
    assert ann[0] == "T1\tPERSON 0 6\tPompeo"
    assert "T5\tContact-Meet 12 16\tmeet" in ann
    assert ann[-1] == "E1\tContact-Meet:T5 Participant:T1 Participant2:T2 Participant3:T3 " \
                      "Place:T4"
    conf = Schema.from_brat_conf((tmp_path / "brat" / "annotation.conf").read_text())
    # brat's name is Contact-Meet; the conf carries ours as its alias
    assert "Contact:Meet" in conf.events and "PERSON" in conf.entities


def test_formats_brat_export_replaces_its_own_folder_but_not_a_foreign_one(store, tmp_path):
    doc_id = store.add_documents([Document("a", "Kim met Trump.")]).added[0]
    store.add_span(Span(doc_id, 0, 3, "PERSON", "alice"))
    out = tmp_path / "brat"
    export_project(store, "brat", out, layer="alice", status="any")
    (out / "stale.ann").write_text("")
    export_project(store, "brat", out, layer="alice", status="any")
    assert not (out / "stale.ann").exists()
    (out / "notes.docx").write_text("mine")
    with pytest.raises(InputError, match="files an export does not write"):
        export_project(store, "brat", out, layer="alice", status="any")
    assert (out / "notes.docx").exists()


@pytest.mark.parametrize(("line", "message"), [
    ("T1\tPERSON 0 400\tMike", "outside the text"),
    ("T1\tPERSON 0 4\tMary", "does not match the .txt"),
    ("T1\tPERSON zero four\tMike", "bad offsets"),
    ("E1\tContact-Meet:T9 Participant:T1", "not a T line"),
    ("X1\tsomething", "not a brat annotation line"),
])
def test_formats_brat_rejects_malformed_ann_with_file_and_line(store, tmp_path, line, message):
    folder = tmp_path / "coll"
    shutil.copytree(FIXTURES / "brat", folder)
    (folder / "zz.txt").write_text("Mike met Kim.", encoding="utf-8")
    (folder / "zz.ann").write_text(f"T1\tPERSON 0 4\tMike\n{line}\n", encoding="utf-8")
    with pytest.raises(InputError, match=message) as error:
        import_files(store, [folder], "brat")
    assert "zz.ann:2:" in str(error.value)
    assert store.count_documents() == 0


def test_formats_brat_needs_the_txt_beside_each_ann(store, tmp_path):
    (tmp_path / "lonely.ann").write_text("T1\tPERSON 0 4\tMike\n", encoding="utf-8")
    with pytest.raises(InputError, match="lonely.txt: missing"):
        import_files(store, [tmp_path], "auto")
