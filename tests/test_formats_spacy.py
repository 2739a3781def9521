"""spaCy DocBin export checked by spaCy itself: DocBin load, `spacy debug data`, `spacy train`."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import spacy
from formats_support import annotate_sample
from spacy.tokens import DocBin
from spacy.training.converters import conll_ner_to_docs

from annotator.errors import InputError
from annotator.formats import export_project, import_files
from annotator.model import Document, Sentence, Span, SpanKind, Token
from annotator.paths import CORPUS
from annotator.store import Store

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    """The annotated sample corpus (created once; tests open it read-only)."""
    path = tmp_path_factory.mktemp("spacy") / "sample.db"
    with Store(path) as store:
        store.add_documents(Document(p.stem, p.read_text(encoding="utf-8"))
                            for p in sorted(CORPUS.glob("*.txt")))
        annotate_sample(store, "alice")
    return path


@pytest.fixture(scope="module")
def split(sample, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("split") / "train-data"
    with Store(sample) as store:
        report = export_project(store, "spacy", folder, layer="alice", split=0.25, seed=7)
    assert report.parts == {"train": 3, "dev": 1}
    return folder


def test_formats_spacy_docbin_loads_with_entities_spans_and_event_frames(sample, tmp_path):
    out = tmp_path / "alice.spacy"
    with Store(sample) as store:
        report = export_project(store, "spacy", out, layer="alice")
        texts = {d.name: d.text for d in store.iter_documents()}
        stored = {d.name: store.annotations(d.id, "alice") for d in store.iter_documents()}
    docs = list(DocBin().from_disk(out).get_docs(spacy.blank("en").vocab))
    assert report.documents == len(docs) == 4
    for doc in docs:
        name = doc.user_data["name"]
        annotations = stored[name]
        assert doc.text == texts[name]
        assert doc.user_data["layer"] == "alice"
        assert sorted((s.start_char, s.end_char, s.label_) for s in doc.spans["sc"]) == sorted(
            (s.start, s.end, s.label) for s in annotations.entities)
        assert sorted((s.start_char, s.end_char, s.label_) for s in doc.spans["events"]) == \
            sorted((s.start, s.end, s.label) for s in annotations.triggers)
        ents = list(doc.ents)
        assert all(a.end <= b.start for a, b in zip(ents, ents[1:], strict=False))
        frames = doc.user_data["events"]
        assert len(frames) == len(annotations.triggers)
        assert sum(len(f["arguments"]) for f in frames) == len(annotations.arguments)
    # "Mike Pompeo" and the nested "Pompeo": the longer one is the entity, the other is reported
    doc = next(d for d in docs if "Mike Pompeo" in d.text)
    assert "Mike Pompeo" in [e.text for e in doc.ents]
    assert "Pompeo" in [s.text for s in doc.spans["sc"]]
    assert any("left out of doc.ents" in w for w in report.warnings)


def test_formats_spacy_docbin_uses_stored_tokens_and_sentences(store, tmp_path):
    text = "Kim met Trump.  They talked."
    doc_id = store.add_documents([Document("d", text)]).added[0]
    # the stored analysis keeps "Trump." as one token: the span on "Trump" cuts it, not moves
    store.set_tokens(doc_id, "test", [Token(0, 3), Token(4, 7), Token(8, 14, False),
                                      Token(16, 20), Token(21, 27, False), Token(27, 28, False)],
                     [Sentence(0, 14), Sentence(16, 28)])
    store.add_span(Span(doc_id, 8, 13, "PERSON", "alice"))
    report = export_project(store, "spacy", tmp_path / "d.spacy", layer="alice", status="any")
    doc = next(DocBin().from_disk(tmp_path / "d.spacy").get_docs(spacy.blank("en").vocab))
    assert [t.text for t in doc] == ["Kim", "met", "Trump", ".", " ", "They", "talked", "."]
    assert [s.text for s in doc.sents] == ["Kim met Trump.  ", "They talked."]
    assert [(e.text, e.label_) for e in doc.ents] == [("Trump", "PERSON")]
    assert any("1 tokens split at a span boundary" in w for w in report.warnings)


def test_formats_spacy_debug_data_accepts_the_exported_config(split):
    result = subprocess.run([sys.executable, "-m", "spacy", "debug", "data", "config.cfg"],
                            cwd=split, capture_output=True, text=True, timeout=120)
    out = result.stdout + result.stderr
    assert "Corpus is loadable" in out
    assert "No entities consisting of or starting/ending with whitespace" in out
    assert "No entities crossing sentence boundaries" in out
    # four articles are few examples: spaCy says so, and that is the only error it may raise
    errors = [line for line in out.splitlines() if "✘" in line and "error" not in line]
    assert all("Low number of examples" in line for line in errors), errors


def test_formats_spacy_train_runs_one_epoch_on_the_exported_config(split, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "spacy", "train", "config.cfg", "--output", str(tmp_path / "m"),
         "--training.max_epochs", "1", "--training.max_steps", "6",
         "--training.eval_frequency", "3"],
        cwd=split, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    nlp = spacy.load(tmp_path / "m" / "model-last")
    assert set(nlp.get_pipe("ner").labels) == {"PERSON", "GPE", "NORP", "ORG", "DATE"}


def test_formats_spacy_imports_a_docbin_made_by_spacys_own_converter(store, tmp_path):
    """A DocBin from `spacy convert`'s CoNLL converter: no user data, entities in doc.ents."""
    docs = list(conll_ner_to_docs((FIXTURES / "conll2003_excerpt.conll").read_text(),
                                  n_sents=0, no_print=True))
    DocBin(docs=docs).to_disk(tmp_path / "spacy-made.spacy")
    report = import_files(store, [tmp_path / "spacy-made.spacy"], "spacy")
    assert report.documents_added == 1 and report.layers == {"imported": 1}
    doc = store.document(store.document_ids()[0])
    entities = [(s.text_in(doc.text), s.label) for s in store.spans(doc.id, "imported")]
    assert ("EU", "ORG") in entities and ("Peter Blackburn", "PER") in entities
    assert len(store.tokens(doc.id)) == len(docs[0])


def test_formats_spacy_rejects_a_file_that_is_not_a_docbin(store, tmp_path):
    bad = tmp_path / "bad.spacy"
    bad.write_bytes(b"not msgpack at all")
    with pytest.raises(InputError, match=re.escape(str(bad))):
        import_files(store, [bad], "spacy")
    assert store.count_documents() == 0


def test_formats_spacy_trigger_frames_survive_a_project_round_trip(sample, tmp_path):
    with Store(sample) as store:
        export_project(store, "spacy", tmp_path / "a.spacy", layer="alice")
        before = {d.hash: store.annotations(d.id, "alice") for d in store.iter_documents()}
    with Store(tmp_path / "fresh.db") as fresh:
        import_files(fresh, [tmp_path / "a.spacy"], "spacy")
        for doc in fresh.iter_documents():
            after = fresh.annotations(doc.id, "alice")
            assert _frames(after) == _frames(before[doc.hash])


def _frames(annotations) -> set:
    spans = annotations.span_by_id()
    return {((spans[a.trigger_id].start, spans[a.trigger_id].label), a.role,
             (spans[a.argument_id].start, spans[a.argument_id].end))
            for a in annotations.arguments} | {
        (s.start, s.end, s.label, s.kind) for s in annotations.spans
        if s.kind is SpanKind.TRIGGER}


def test_formats_spacy_rejects_an_event_frame_without_its_argument_span(store, tmp_path):
    doc = spacy.blank("en")("Kim met Trump.")
    doc.spans["sc"] = [doc[0:1]]
    doc.user_data["events"] = [{"trigger": [4, 7], "type": "Contact:Meet", "arguments": [
        {"role": "Participant", "start": 8, "end": 13, "label": "PERSON"}]}]
    DocBin(docs=[doc], store_user_data=True).to_disk(tmp_path / "e.spacy")
    with pytest.raises(InputError, match=r"e.spacy: document 1: event argument Participant "
                                         r"at 8..13 is not among"):
        import_files(store, [tmp_path / "e.spacy"], "spacy")
    assert store.count_documents() == 0
