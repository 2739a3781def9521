"""`annotator agreement` end to end: terminal table, JSON and HTML files, bad arguments."""

from __future__ import annotations

import json

from layers_support import annotate, find
from typer.testing import CliRunner

from annotator.cli import app
from annotator.model import Document

TEXT = "Mike Pompeo met Kim Yong Chol in New York on Thursday."
runner = CliRunner()


def make_project(store) -> None:
    ids = store.add_documents([Document("one", TEXT), Document("two", TEXT + " Again.")]).added
    for doc_id in ids:
        annotate(store, doc_id, "ann", [(*find(TEXT, "Mike Pompeo"), "PERSON"),
                                        (*find(TEXT, "New York"), "GPE")])
    annotate(store, ids[0], "bob", [(*find(TEXT, "Mike Pompeo"), "PERSON"),
                                    (*find(TEXT, "New York"), "LOC")])
    annotate(store, ids[1], "bob", [(*find(TEXT, "Mike Pompeo"), "PERSON")], done=False)


def test_agreement_writes_json_and_html(store, project_path, tmp_path):
    make_project(store)
    out_json, out_html = tmp_path / "a.json", tmp_path / "a.html"
    result = runner.invoke(app, ["agreement", str(project_path), "--json", str(out_json),
                                 "--html", str(out_html)])
    assert result.exit_code == 0, result.output
    assert "span F1, exact (micro)" in result.output and "Fleiss' κ" in result.output
    report = json.loads(out_json.read_text(encoding="utf-8"))
    assert report["documents"] == 1 and report["annotators"] == ["ann", "bob"]
    (pair,) = report["pairs"]
    assert {"a", "b", "span_f1", "cohen_kappa", "trigger_f1", "argument_f1"} <= set(pair)
    assert pair["span_f1"]["exact"]["micro"] == 0.5
    assert set(pair["span_f1"]["exact"]["per_label"]["PERSON"]) >= {"p", "r", "f1", "support"}
    assert {"fleiss_kappa", "krippendorff_alpha", "per_document"} <= set(report)
    assert out_html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_agreement_options(store, project_path):
    make_project(store)
    everything = runner.invoke(app, ["agreement", str(project_path), "--all-documents",
                                     "--annotators", "ann,bob", "--labels", "PERSON"])
    assert everything.exit_code == 0, everything.output
    assert "2 documents" in everything.output
    assert "1.000" in everything.output and "GPE" not in everything.output


def test_agreement_refuses_unknown_names(store, project_path):
    make_project(store)
    result = runner.invoke(app, ["agreement", str(project_path), "--annotators", "ann,zed"])
    assert result.exit_code == 1 and "no annotator zed" in result.output
    result = runner.invoke(app, ["agreement", str(project_path), "--labels", "PERSN"])
    assert result.exit_code == 1 and "unknown label PERSN" in result.output
