"""export_project / import_files: which documents, which layer, all or nothing, matching by
content, cancelling, the CLI, and a project round trip through every format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from formats_support import annotate_sample
from typer.testing import CliRunner

from annotator.cli import app
from annotator.errors import InputError
from annotator.formats import FORMATS, Cancelled, export_project, import_files
from annotator.formats.exchange import default_layer, select_documents, split_ids
from annotator.model import GOLD, Document, Span, SpanKind, Status
from annotator.paths import CORPUS
from annotator.store import Store

runner = CliRunner()
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def annotated(sample_store):
    annotate_sample(sample_store, "alice")
    return sample_store


def _layer(store: Store, layer: str, *, kinds=(SpanKind.ENTITY, SpanKind.TRIGGER)) -> dict:
    """A layer's content by document text: spans and event links, without ids."""
    content = {}
    for doc in store.iter_documents():
        annotations = store.annotations(doc.id, layer, effective=True)
        spans = annotations.span_by_id()
        content[doc.text] = (
            {(s.start, s.end, s.label, s.kind) for s in annotations.spans if s.kind in kinds},
            {(spans[a.trigger_id].start, spans[a.trigger_id].label, a.role,
              spans[a.argument_id].start, spans[a.argument_id].end)
             for a in annotations.arguments} if SpanKind.TRIGGER in kinds else set())
    return content


@pytest.mark.parametrize("fmt", ["spacy", "jsonl", "brat", "doccano"])
def test_formats_exchange_project_round_trip_through_each_format(annotated, tmp_path, fmt):
    """Export alice, import into a fresh project: the same layer (doccano: entities only)."""
    out = tmp_path / ("brat" if fmt == "brat" else f"alice{FORMATS[fmt].suffix}")
    report = export_project(annotated, fmt, out, layer="alice")
    assert report.documents == 4
    with Store(tmp_path / "fresh.db") as fresh:
        imported = import_files(fresh, [out], fmt, annotator="alice")
        assert imported.documents_added == 4
        kinds = (SpanKind.ENTITY,) if fmt == "doccano" else (SpanKind.ENTITY, SpanKind.TRIGGER)
        assert _layer(fresh, "alice", kinds=kinds) == _layer(annotated, "alice", kinds=kinds)


def test_formats_exchange_conll_round_trip_keeps_the_entities_conll_holds(annotated, tmp_path):
    report = export_project(annotated, "conll", tmp_path / "a.conll", layer="alice")
    with Store(tmp_path / "fresh.db") as fresh:
        import_files(fresh, [tmp_path / "a.conll"], "conll")
        words = {}
        for doc in fresh.iter_documents():
            words[doc.name] = sorted((doc.text[s.start:s.end], s.label)
                                     for s in fresh.spans(doc.id, "imported"))
    kept = sum(len(w) for w in words.values())
    nested = sum(int(w.split()[0]) for w in report.warnings if "nested" in w)
    assert kept + nested == report.entities
    assert ("Mike Pompeo", "PERSON") in words["a-1"] + words["a-2"] + words["a-3"] + \
        words["a-4"]


def test_formats_exchange_selects_documents_by_status(annotated):
    ids = annotated.document_ids()
    annotated.set_status(ids[0], "alice", Status.IN_PROGRESS)
    annotated.set_status(ids[1], "bob", Status.IN_PROGRESS)
    assert select_documents(annotated, "alice", "done") == ids[1:]
    assert select_documents(annotated, "alice", "any") == ids
    assert select_documents(annotated, "bob", "done") == []
    assert select_documents(annotated, "bob", "any") == [ids[1]]
    # gold: adjudicated documents (with gold spans) count as done unless a status says otherwise
    annotated.add_span(Span(ids[2], 0, 3, "ORG", GOLD))
    annotated.add_span(Span(ids[3], 0, 3, "ORG", GOLD))
    annotated.set_status(ids[3], GOLD, Status.IN_PROGRESS)
    assert select_documents(annotated, GOLD, "done") == [ids[2]]
    assert select_documents(annotated, GOLD, "any") == [ids[2], ids[3]]


def test_formats_exchange_default_layer_is_the_only_one_or_asks(annotated):
    assert default_layer(annotated) == "alice"
    annotated.set_status(annotated.document_ids()[0], "bob", Status.DONE)
    with pytest.raises(InputError, match="choose --annotator alice|bob"):
        default_layer(annotated)


def test_formats_exchange_split_is_reproducible_and_disjoint():
    ids = list(range(100))
    train, dev = split_ids(ids, 0.2, seed=3)
    assert len(dev) == 20 and not set(train) & set(dev) and sorted(train + dev) == ids
    assert split_ids(ids, 0.2, seed=3) == (train, dev)
    assert split_ids(ids, 0.2, seed=4) != (train, dev)
    assert [len(part) for part in split_ids([1, 2], 0.99, seed=0)] == [1, 1]
    with pytest.raises(InputError, match="at least 2 documents"):
        split_ids([1], 0.5, seed=0)


def test_formats_exchange_split_writes_train_and_dev_parts(annotated, tmp_path):
    report = export_project(annotated, "jsonl", tmp_path / "parts", layer="alice", split=0.5,
                            seed=1)
    assert sorted(p.name for p in (tmp_path / "parts").iterdir()) == ["dev.jsonl",
                                                                      "train.jsonl"]
    assert report.parts == {"train": 2, "dev": 2}


def test_formats_exchange_import_attaches_to_texts_already_in_the_project(annotated, tmp_path):
    export_project(annotated, "jsonl", tmp_path / "a.jsonl", layer="alice")
    report = import_files(annotated, [tmp_path / "a.jsonl"], "jsonl", annotator="bob")
    assert report.documents_added == 0 and report.documents_matched == 4
    assert _layer(annotated, "bob") == _layer(annotated, "alice")
    assert all(s.origin == "import:jsonl" for d in annotated.document_ids()
               for s in annotated.spans(d, "bob"))
    again = import_files(annotated, [tmp_path / "a.jsonl"], "jsonl", annotator="bob")
    assert again.spans_added == 0 and again.arguments_added == 0


def test_formats_exchange_import_is_all_or_nothing_across_files_and_formats(store, tmp_path):
    good = FIXTURES / "prodigy_ner_manual.jsonl"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine"}\n{"text": "Kim", "spans": [{"start": 5, "end": 9, '
                   '"label": "PERSON"}]}\n', encoding="utf-8")
    with pytest.raises(InputError, match="bad.jsonl:2: span 5..9 is outside the text"):
        import_files(store, [good, bad], "jsonl")
    assert store.count_documents() == 0 and store.layers() == []


def test_formats_exchange_refuses_the_suggestions_layer(annotated, tmp_path):
    with pytest.raises(InputError, match="suggestions"):
        export_project(annotated, "jsonl", tmp_path / "s.jsonl", layer="suggestions")
    with pytest.raises(InputError, match="suggestions"):
        import_files(annotated, [FIXTURES / "doccano.jsonl"], "doccano",
                     annotator="suggestions")


def test_formats_exchange_cancel_leaves_no_files_and_no_documents(annotated, tmp_path):
    out = tmp_path / "exports" / "a.spacy"
    with pytest.raises(Cancelled):
        export_project(annotated, "spacy", out, layer="alice",
                       progress=lambda done, total: done < 2)
    assert list(out.parent.iterdir()) == []
    with Store(tmp_path / "fresh.db") as fresh, pytest.raises(Cancelled):
        import_files(fresh, [FIXTURES / "conll2003_excerpt.conll"], "conll",
                     progress=lambda done, total: False)
    with Store(tmp_path / "fresh.db") as fresh:
        assert fresh.count_documents() == 0


def test_formats_exchange_export_reports_progress_per_document(annotated, tmp_path):
    calls = []
    export_project(annotated, "doccano", tmp_path / "d.jsonl", layer="alice",
                   progress=lambda done, total: calls.append((done, total)))
    assert calls == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]


def test_formats_exchange_cli_imports_exports_and_fails_cleanly(tmp_path):
    project = tmp_path / "p.db"
    result = runner.invoke(app, ["import", str(project), str(CORPUS)])
    assert result.exit_code == 0 and "imported 4 documents" in result.output
    result = runner.invoke(app, ["import", str(project), str(FIXTURES / "brat"),
                                 "--format", "brat", "--annotator", GOLD])
    assert result.exit_code == 0, result.output
    assert "layer 'gold': annotations on 1 document" in result.output
    assert "warning: 1 discontinuous brat spans not imported" in result.output
    out = tmp_path / "gold.jsonl"
    result = runner.invoke(app, ["export", str(project), "--format", "jsonl", "--output",
                                 str(out), "--gold"])
    assert result.exit_code == 0, result.output
    assert "exported 1 document of layer 'gold' as jsonl" in result.output
    assert json.loads(out.read_text(encoding="utf-8"))["_annotator_id"] == GOLD
    result = runner.invoke(app, ["export", str(project), "--format", "xml", "--output",
                                 str(out)])
    assert result.exit_code == 1 and "unknown format 'xml'" in result.output
    result = runner.invoke(app, ["import", str(project), str(FIXTURES / "doccano.jsonl"),
                                 "--format", "conll"])
    assert result.exit_code == 1 and "doccano.jsonl:1" in result.output
    with Store(project) as store:
        assert store.count_documents() == 5


def test_formats_exchange_auto_import_tells_formats_apart(store, tmp_path):
    report = import_files(store, [FIXTURES / "doccano.jsonl", FIXTURES / "brat",
                                  FIXTURES / "conll2003_excerpt.conll",
                                  FIXTURES / "prodigy_ner_manual.jsonl"], "auto")
    assert report.documents_added == 3 + 1 + 2 + 2
    assert set(report.layers) == {"imported", "news_ner-alex"}
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "a.txt").write_text("A plain article.", encoding="utf-8")
    (plain / "b.jsonl").write_text('{"text": "Another one."}\n', encoding="utf-8")
    assert import_files(store, [plain], "auto").documents_added == 2


def test_formats_exchange_unknown_labels_join_the_schema(store, tmp_path):
    store.add_documents([Document("d", "Kim met Trump.")])
    import_files(store, [FIXTURES / "conll2003_excerpt.conll"], "conll")
    assert {"PER", "MISC"} <= set(store.schema.entities)
    assert "PERSON" in store.schema.entities


def test_formats_exchange_conll_reimport_attaches_at_the_original_offsets(annotated, tmp_path):
    report = export_project(annotated, "conll", tmp_path / "a.conll", layer="alice")
    imported = import_files(annotated, [tmp_path / "a.conll"], "conll", annotator="bob")
    assert imported.documents_added == 0 and imported.documents_matched == 4
    alice = _layer(annotated, "alice", kinds=(SpanKind.ENTITY,))
    bob = _layer(annotated, "bob", kinds=(SpanKind.ENTITY,))
    left_out = sum(int(w.split()[0]) for w in report.warnings if "nested" in w)
    for text, (spans, _) in bob.items():
        assert spans <= alice[text][0]
    assert sum(len(s) for s, _ in bob.values()) == report.entities - left_out


def test_formats_exchange_refuses_an_unknown_layer_or_an_empty_selection(annotated, tmp_path):
    out = tmp_path / "x.jsonl"
    with pytest.raises(InputError, match="no layer 'nobody' in this project; layers: alice"):
        export_project(annotated, "jsonl", out, layer="nobody")
    annotated.set_status(annotated.document_ids()[0], "bob", Status.IN_PROGRESS)
    with pytest.raises(InputError, match="layer 'bob' has no documents with status 'done' "
                                         r"\(try --status any\)"):
        export_project(annotated, "jsonl", out, layer="bob")
    assert not out.exists()


def test_formats_exchange_token_formats_trim_whitespace_and_say_so(store, tmp_path):
    doc_id = store.add_documents([Document("d", "Kim  met Trump.")]).added[0]
    store.add_span(Span(doc_id, 0, 4, "PERSON", "alice"))  # "Kim " with a trailing space
    store.add_span(Span(doc_id, 3, 5, "PERSON", "alice"))  # nothing but the two spaces
    report = export_project(store, "jsonl", tmp_path / "d.jsonl", layer="alice", status="any")
    task = json.loads((tmp_path / "d.jsonl").read_text(encoding="utf-8"))
    assert [(s["start"], s["end"]) for s in task["spans"]] == [(0, 3)]
    assert report.warnings == ["1 spans trimmed of leading/trailing whitespace (in d)",
                               "1 whitespace-only spans not written (in d)"]
    # brat and doccano hold character offsets as they are
    export_project(store, "doccano", tmp_path / "d2.jsonl", layer="alice", status="any")
    line = json.loads((tmp_path / "d2.jsonl").read_text(encoding="utf-8"))
    assert line["label"] == [[0, 4, "PERSON"], [3, 5, "PERSON"]]
