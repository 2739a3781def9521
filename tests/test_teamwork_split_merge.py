"""Split a project for a team, annotate each file differently, merge back, measure agreement."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotator import operations
from annotator.agreement.report import project_agreement
from annotator.cli import app
from annotator.errors import InputError
from annotator.model import GOLD, SUGGESTIONS, Document, Parse, Sentence, Span, Status, Token
from annotator.store import Analysis, Store
from annotator.teamwork import assign_documents, merge_projects, split_project

TEAM = ["ann", "bob", "cid"]
LABELS = ("PERSON", "GPE", "ORG")


def suggest(store: Store) -> None:
    """Three suggestions per document (its first three capitalised words), tokens and a
    parse (every token its own root)."""
    analyses = []
    for doc in store.iter_documents():
        words = [m.span() for m in re.finditer(r"\b[A-Z][a-z]{3,}\b", doc.text)][:3]
        tokens = [Token(*m.span()) for m in re.finditer(r"\w+|[^\w\s]", doc.text)]
        n = len(tokens)
        analyses.append(Analysis(
            doc.id, "test", tokens, [Sentence(0, len(doc.text))],
            [Span(doc.id, s, e, LABELS[i], SUGGESTIONS, origin="test")
             for i, (s, e) in enumerate(words)],
            parse=Parse(tuple(t.end - t.start for t in tokens), (True,) * n, tuple(range(n)),
                        ("ROOT",) * n, ("X",) * n, ("XX",) * n)))
    store.save_analyses(analyses)


def work(path: Path, annotator: str) -> None:
    """ann accepts all three; bob relabels the first; cid rejects the third."""
    with Store(path, create=False) as store:
        for doc_id in store.document_ids():
            first, second, third = store.spans(doc_id, SUGGESTIONS)
            if annotator == "bob":
                operations.relabel(store, first, "NORP", annotator).apply(store)
            if annotator == "cid":
                operations.reject(store, third, annotator).apply(store)
            operations.accept_all(store, doc_id, annotator).apply(store)
            store.set_status(doc_id, annotator, Status.DONE)


@pytest.fixture
def team(sample_store: Store, tmp_path: Path) -> dict[str, Path]:
    suggest(sample_store)
    report = split_project(sample_store, TEAM, 0.5, tmp_path / "team", seed=7)
    for annotator, path in report.files.items():
        work(path, annotator)
    return report.files


def layer_keys(store: Store, annotator: str) -> list:
    return sorted((d, s.key, s.decision, s.suggestion_id is not None)
                  for d in store.document_ids() for s in store.spans(d, annotator))


def test_split_gives_everyone_the_overlap_and_deals_the_rest(sample_store, tmp_path):
    suggest(sample_store)
    report = split_project(sample_store, TEAM, 0.5, tmp_path / "out", seed=3)
    assert len(report.overlap) == 2
    assert sorted(len(ids) for ids in report.documents.values()) == [2, 3, 3]
    dealt = [d for ids in report.documents.values() for d in ids if d not in report.overlap]
    assert sorted(dealt) == sorted(set(sample_store.document_ids()) - set(report.overlap))
    with Store(report.files["ann"], create=False) as ann:
        assert ann.schema == sample_store.schema
        names = {ann.document(d).name for d in ann.document_ids()}
        assert names == {sample_store.document(d).name for d in report.documents["ann"]}
        first = ann.document_ids()[0]
        source = sample_store.document_by_hash(ann.document(first).hash).id
        assert ann.tokens(first) == sample_store.tokens(source)
        assert ann.parse(first) == sample_store.parse(source) is not None
        assert [s.key for s in ann.spans(first, SUGGESTIONS)] == \
            [s.key for s in sample_store.spans(source, SUGGESTIONS)]
    again = assign_documents(sample_store.document_ids(), TEAM, 0.5, 3)
    assert again == (report.overlap, report.documents)  # the seed makes it reproducible
    with pytest.raises(InputError, match="already exists"):
        split_project(sample_store, TEAM, 0.5, tmp_path / "out", seed=3)


def test_split_checks_its_arguments(sample_store, tmp_path):
    for names, overlap in ((["ann", "ann"], 0.2), ([GOLD], 0.2), ([], 0.2), (["ann"], 1.5)):
        with pytest.raises(InputError):
            split_project(sample_store, names, overlap, tmp_path / "x")


def test_three_annotators_merge_back_with_the_expected_agreement(sample_store, team):
    merged = merge_projects(sample_store, list(team.values()))
    assert [m.layers for m in merged] == [["ann"], ["bob"], ["cid"]]
    report = project_agreement(sample_store, TEAM)
    assert report["documents"] == 2  # only the shared documents are done by all three
    f1 = {(p["a"], p["b"]): p["span_f1"]["exact"]["micro"] for p in report["pairs"]}
    # Per shared document: ann {1,2,3}, bob {1',2,3}, cid {1,2}.
    assert f1 == {("ann", "bob"): pytest.approx(2 / 3), ("ann", "cid"): pytest.approx(0.8),
                  ("bob", "cid"): pytest.approx(0.4)}
    overlap = {(p["a"], p["b"]): p["span_f1"]["overlap"]["micro"] for p in report["pairs"]}
    assert overlap == f1  # every difference is a label or a missing span, not an extent
    for annotator in TEAM:  # decisions stay linked to the project's suggestions
        for doc_id in sample_store.done_ids(annotator):
            assert sample_store.pending_suggestions(doc_id, annotator).spans == []


def test_merge_is_idempotent_and_touches_no_other_layer(sample_store, team):
    doc = sample_store.document_ids()[0]
    sample_store.add_span(Span(doc, 0, 5, "ORG", "dan"))
    sample_store.add_span(Span(doc, 0, 5, "ORG", GOLD))
    merge_projects(sample_store, list(team.values()))
    before = {a: layer_keys(sample_store, a) for a in [*TEAM, "dan", GOLD]}
    merge_projects(sample_store, list(team.values()))
    assert {a: layer_keys(sample_store, a) for a in before} == before
    assert layer_keys(sample_store, "dan") == [(doc, (0, 5, "ORG", "entity"),
                                                "accepted", False)]

    with Store(team["ann"], create=False) as ann:  # ann changes her mind at home
        for doc_id in ann.document_ids():
            ann.clear_layer(doc_id, "ann")
    merge_projects(sample_store, [team["ann"]])
    assert layer_keys(sample_store, "ann") == []
    assert layer_keys(sample_store, "bob") == before["bob"]


def test_merge_refuses_a_file_with_other_text(sample_store, team):
    with Store(team["cid"], create=False) as cid:
        cid.add_documents([Document("stray", "A text the project never had.")])
    with pytest.raises(InputError, match="'stray' is not in project.db"):
        merge_projects(sample_store, [team["ann"], team["cid"]])
    assert layer_keys(sample_store, "ann") == []  # nothing from any file was merged


def test_split_and_merge_commands(sample_store, project_path, tmp_path):
    suggest(sample_store)
    runner = CliRunner()
    out = tmp_path / "team"
    result = runner.invoke(app, ["split", str(project_path), "--annotators", "ann,bob",
                                 "--overlap", "0.25", "--output", str(out), "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert "1 document shared by everyone" in result.output
    files = sorted(out.glob("*.db"))
    assert [f.name for f in files] == ["project-ann.db", "project-bob.db"]
    for path, name in zip(files, ["ann", "bob"], strict=True):
        work(path, name)
    result = runner.invoke(app, ["merge", str(project_path), *map(str, files)])
    assert result.exit_code == 0, result.output
    assert "ann on 3 documents" in result.output
    bad = runner.invoke(app, ["merge", str(project_path), str(tmp_path / "missing.db")])
    assert bad.exit_code == 1 and "missing.db" in bad.output
