"""`--format auto` never guesses, a refused import leaves no project behind, and the summary
counts documents as documents and reports texts repeated within one import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotator.cli import app
from annotator.errors import InputError
from annotator.formats import import_files
from annotator.importing import import_documents
from annotator.store import Store

runner = CliRunner()
JSONL = json.dumps({"text": "Kim met Moon.", "label": [[0, 3, "PERSON"]]}) + "\n"


@pytest.mark.parametrize("name", ["data.doccano", "data.xyz", "data"])
def test_import_auto_refuses_a_name_it_does_not_know(store, tmp_path, name):
    path = tmp_path / name
    path.write_text("Kim met Moon.\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        import_files(store, [path], "auto")
    message = str(raised.value)
    assert name in message and "--format" in message
    for fmt in ("txt", "spacy", "jsonl", "conll", "brat", "doccano"):
        assert fmt in message
    assert "JSON lines" not in message
    assert store.count_documents() == 0


def test_import_auto_hints_at_jsonl_for_json_lines_content(store, tmp_path):
    path = tmp_path / "export.doccano"
    path.write_text(JSONL * 2, encoding="utf-8")
    with pytest.raises(InputError, match=r"--format jsonl \(Prodigy\) or --format doccano"):
        import_files(store, [path], "auto")


def test_import_auto_plain_door_refuses_a_name_it_does_not_know(store, tmp_path):
    path = tmp_path / "notes.md"
    path.write_text("Kim met Moon.\n", encoding="utf-8")
    with pytest.raises(InputError, match="notes.md: cannot tell the format"):
        import_documents(store, [path], "auto")


def test_import_refused_leaves_no_new_project_file(tmp_path):
    project = tmp_path / "new.db"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "Kim met Moon.", "label": [[0, 99, "PERSON"]]}\n', encoding="utf-8")
    for inputs in ([bad], [tmp_path / "missing.txt"], [tmp_path / "data.xyz"]):
        (tmp_path / "data.xyz").write_text("x", encoding="utf-8")
        result = runner.invoke(app, ["import", str(project), *map(str, inputs)])
        assert result.exit_code == 1, result.output
        leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("new.db"))
        assert leftovers == [], (inputs, leftovers)


def test_import_refused_leaves_an_empty_file_empty(tmp_path):
    project = tmp_path / "empty.db"
    project.touch()
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(project), str(bad)])
    assert result.exit_code == 1
    assert project.stat().st_size == 0
    assert not Path(f"{project}-wal").exists()


def test_import_refused_into_an_existing_project_keeps_it(tmp_path):
    project = tmp_path / "p.db"
    good = tmp_path / "good.txt"
    good.write_text("Kim met Moon.", encoding="utf-8")
    assert runner.invoke(app, ["import", str(project), str(good)]).exit_code == 0
    result = runner.invoke(app, ["import", str(project), str(tmp_path / "missing.txt")])
    assert result.exit_code == 1
    with Store(project) as store:
        assert store.count_documents() == 1


def test_import_summary_counts_documents_and_reports_repeated_texts(store, tmp_path):
    path = tmp_path / "d.jsonl"
    lines = [
        {"text": "Kim met Moon.", "label": [[0, 3, "PERSON"]]},
        {"text": "Moon met Kim.", "label": [[0, 4, "PERSON"]]},
        {"text": "Kim met Moon.", "label": [[8, 12, "PERSON"]]},
        {"text": "Kim met Moon.", "label": []},
    ]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    report = import_files(store, [path], "doccano")
    assert (report.documents_added, report.records, report.documents) == (2, 4, 2)
    assert report.layers == {"imported": 2}
    assert report.repeats == [("d.jsonl:3", "d.jsonl:1"), ("d.jsonl:4", "d.jsonl:1")]
    summary = "\n".join(report.summary)
    assert "imported 2 documents from 1 file (doccano) (4 records)" in summary
    assert "layer 'imported': annotations on 2 documents" in summary
    assert ("warning: 2 records repeat the text of an earlier record (d.jsonl:3 repeats "
            "d.jsonl:1; d.jsonl:4 repeats d.jsonl:1)") in summary
    assert store.count_documents() == 2


def test_import_summary_of_one_document(store, tmp_path):
    path = tmp_path / "one.jsonl"
    path.write_text(JSONL, encoding="utf-8")
    summary = import_files(store, [path], "doccano").summary
    assert summary[0] == "imported 1 document from 1 file (doccano)"
    assert "layer 'imported': annotations on 1 document" in summary
    assert "added 1 span and 0 event arguments" in summary
