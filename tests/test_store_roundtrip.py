"""The store keeps every domain object exactly, durably, and refuses what it cannot read."""

from __future__ import annotations

import sqlite3

import pytest

from annotator.migrations import SCHEMA_VERSION
from annotator.model import (
    GOLD,
    SUGGESTIONS,
    Argument,
    Decision,
    Document,
    Sentence,
    Span,
    SpanKind,
    Status,
    Token,
)
from annotator.schema import default_schema
from annotator.store import Analysis, Store, StoreError

TEXT = "Mike Pompeo met Kim Yong Chol in New York on Friday."


@pytest.fixture
def doc_id(store: Store) -> int:
    return store.add_documents([Document("talks", TEXT, {"source": "test", "n": 1})]).added[0]


def test_store_new_file_is_migrated_to_current_version(project_path):
    with Store(project_path) as store:
        assert store.version == SCHEMA_VERSION >= 1
        tables = set(store.db.table_names())
    assert {"documents", "spans", "arguments", "document_status", "settings",
            "document_analysis"} <= tables


def test_store_refuses_a_project_from_a_newer_version(project_path):
    Store(project_path).close()
    conn = sqlite3.connect(project_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer annotator"):
        Store(project_path)


def test_store_refuses_a_file_that_is_not_sqlite(tmp_path):
    bogus = tmp_path / "notes.db"
    bogus.write_text("just some text, not a database " * 100)
    with pytest.raises(StoreError, match="not an annotator project"):
        Store(bogus)
    assert bogus.read_text().startswith("just some text")


def test_store_open_missing_without_create_fails(tmp_path):
    with pytest.raises(StoreError, match="no such project"):
        Store(tmp_path / "missing.db", create=False)


def test_store_document_round_trip(store, doc_id):
    doc = store.document(doc_id)
    assert (doc.name, doc.text, doc.meta) == ("talks", TEXT, {"source": "test", "n": 1})
    assert store.document_by_name("talks").id == doc_id
    assert store.document_by_hash(doc.hash).id == doc_id


def test_store_duplicate_text_is_skipped_and_names_are_unique(store, doc_id):
    report = store.add_documents([Document("again", TEXT), Document("talks", TEXT + " More.")])
    assert report.duplicates == ["again"]
    assert [store.document(i).name for i in report.added] == ["talks (2)"]


def test_store_span_and_argument_round_trip(store, doc_id):
    person = store.add_span(Span(doc_id, 0, 11, "PERSON", "alice", origin="model:x@1",
                                 decision=Decision.EDITED, score=0.75))
    trigger = store.add_span(Span(doc_id, 12, 15, "Contact:Meet", "alice", SpanKind.TRIGGER))
    arg = store.add_argument(Argument(trigger.id, "Participant", person.id))
    assert store.get_span(person.id) == person
    assert store.spans(doc_id, "alice") == [person, trigger]
    assert store.arguments(doc_id, "alice") == [arg]
    events = store.annotations(doc_id, "alice").events()
    assert events[0].event_type == "Contact:Meet"
    assert events[0].arguments == (arg,)


def test_store_span_outside_text_is_refused(store, doc_id):
    with pytest.raises(StoreError, match="outside"):
        store.add_span(Span(doc_id, 40, len(TEXT) + 1, "DATE", "alice"))
    assert store.spans(doc_id) == []


def test_store_delete_span_removes_its_arguments_and_returns_them(store, doc_id):
    person = store.add_span(Span(doc_id, 0, 11, "PERSON", "alice"))
    trigger = store.add_span(Span(doc_id, 12, 15, "Contact:Meet", "alice", SpanKind.TRIGGER))
    arg = store.add_argument(Argument(trigger.id, "Participant", person.id))
    removed, arguments = store.delete_span(person.id)
    assert removed == person and arguments == [arg]
    assert store.arguments(doc_id) == []
    store.add_span(removed)
    store.add_argument(arguments[0])
    assert store.arguments(doc_id) == [arg]


def test_store_argument_needs_a_trigger_in_the_same_layer(store, doc_id):
    a = store.add_span(Span(doc_id, 0, 11, "PERSON", "alice"))
    b = store.add_span(Span(doc_id, 16, 28, "PERSON", "alice"))
    t = store.add_span(Span(doc_id, 12, 15, "Contact:Meet", "bob", SpanKind.TRIGGER))
    with pytest.raises(StoreError, match="not an event trigger"):
        store.add_argument(Argument(a.id, "Participant", b.id))
    with pytest.raises(StoreError, match="same document and layer"):
        store.add_argument(Argument(t.id, "Participant", b.id))


def test_store_committed_write_is_visible_to_a_new_connection(project_path):
    with Store(project_path) as first:
        doc = first.add_documents([Document("d", TEXT)]).added[0]
        first.add_span(Span(doc, 0, 4, "PERSON", "alice"))
        first.set_status(doc, "alice", Status.DONE)
        # read from an independent connection while the first is still open
        with Store(project_path) as second:
            assert [s.label for s in second.spans(doc)] == ["PERSON"]
            assert second.status(doc, "alice") is Status.DONE
    raw = sqlite3.connect(project_path)
    assert raw.execute("SELECT label FROM spans").fetchall() == [("PERSON",)]
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_store_failed_transaction_leaves_nothing(store, doc_id):
    with pytest.raises(RuntimeError), store.atomic():
        store.add_span(Span(doc_id, 0, 4, "PERSON", "alice"))
        store.set_status(doc_id, "alice", Status.DONE)
        raise RuntimeError("boom")
    assert store.spans(doc_id) == []
    assert store.status(doc_id, "alice") is Status.TODO


def test_store_tokens_and_sentences_round_trip(store, doc_id):
    tokens = [Token(0, 4), Token(5, 11), Token(51, 52, ws=False)]
    store.set_tokens(doc_id, "m@1", tokens, [Sentence(0, 52)])
    assert store.tokens(doc_id) == tokens
    assert store.sentences(doc_id) == [Sentence(0, 52)]
    assert store.analysis_model(doc_id) == "m@1"
    assert store.analysed_ids("m@1") == {doc_id}


def test_store_schema_and_settings_travel_with_the_project(project_path):
    with Store(project_path) as store:
        store.set_setting("model", "en_core_web_sm")
    with Store(project_path) as store:
        assert store.schema == default_schema()
        assert store.get_setting("model") == "en_core_web_sm"
        assert store.get_setting("nothing", "fallback") == "fallback"


def _analysis(doc_id: int, *spans: Span, arguments=()) -> Analysis:
    return Analysis(doc_id, "m@1", [Token(0, 4)], [Sentence(0, len(TEXT))], spans, arguments)


def test_store_rerun_replaces_only_undecided_suggestions(store, doc_id):
    pompeo = Span(doc_id, 0, 11, "PERSON", SUGGESTIONS, origin="model:a")
    kim = Span(doc_id, 16, 28, "PERSON", SUGGESTIONS, origin="model:a")
    meet = Span(doc_id, 12, 15, "Contact:Meet", SUGGESTIONS, SpanKind.TRIGGER, origin="rule:meet")
    store.save_analyses([_analysis(doc_id, pompeo, kim, meet, arguments=[(2, "Participant", 0,
                                                                           None)])])
    first = {s.label + str(s.start): s for s in store.spans(doc_id, SUGGESTIONS)}
    # alice rejects Kim; nobody decides on Pompeo
    store.add_span(first["PERSON16"].with_(layer="alice", decision=Decision.REJECTED,
                                           suggestion_id=first["PERSON16"].id, id=None))
    # a new model proposes ORG for Pompeo and the same PERSON for Kim
    store.save_analyses([_analysis(doc_id, pompeo.with_(label="ORG", origin="model:b"),
                                   kim.with_(origin="model:b"))])
    after = store.spans(doc_id, SUGGESTIONS)
    assert {(s.start, s.label, s.origin) for s in after} == {(0, "ORG", "model:b"),
                                                            (16, "PERSON", "model:a")}
    assert store.pending_suggestions(doc_id, "alice").spans == [
        s for s in after if s.start == 0
    ]


def test_store_pending_suggestions_hide_places_the_annotator_marked(store, doc_id):
    store.save_analyses([_analysis(doc_id, Span(doc_id, 0, 11, "PERSON", SUGGESTIONS))])
    assert len(store.pending_suggestions(doc_id, "alice").spans) == 1
    store.add_span(Span(doc_id, 0, 11, "ORG", "alice"))
    assert store.pending_suggestions(doc_id, "alice").spans == []
    assert len(store.pending_suggestions(doc_id, "bob").spans) == 1


def test_store_layers_annotators_status_and_summaries(store, doc_id):
    store.add_span(Span(doc_id, 0, 11, "PERSON", GOLD))
    store.add_span(Span(doc_id, 0, 11, "PERSON", "bob"))
    store.set_status(doc_id, "alice", Status.IN_PROGRESS)
    store.save_analyses([_analysis(doc_id, Span(doc_id, 16, 28, "PERSON", SUGGESTIONS))])
    assert store.layers() == ["alice", "bob", GOLD, SUGGESTIONS]
    assert store.annotators() == ["alice", "bob"]
    summary = store.document_summaries("alice")[0]
    assert (summary.name, summary.status, summary.pending) == ("talks", Status.IN_PROGRESS, 1)
    # gold is settled from the annotators' layers: model suggestions are never pending for it
    assert store.document_summaries(GOLD)[0].pending == 0


def test_store_full_text_search_finds_stems_and_phrases(sample_store):
    hits = sample_store.search("Pompeo")
    assert {h.name for h in hits} >= {"us-north-korea-talks-this-week",
                                      "pompeo-to-meet-counterpart-new-york"}
    assert all("[" in h.snippet for h in hits)
    assert sample_store.search("summits")  # porter stemming: summit
    assert sample_store.search('Kim "Yong')  # a stray quote neither breaks nor empties the query


def test_store_stats_count_what_is_there(store, doc_id):
    store.set_tokens(doc_id, "m@1", [Token(0, 4), Token(5, 11)], [Sentence(0, 11)])
    store.add_span(Span(doc_id, 0, 11, "PERSON", "alice"))
    store.set_status(doc_id, "alice", Status.DONE)
    stats = store.stats()
    assert stats["documents"] == 1 and stats["tokens"] == 2
    assert stats["spans"]["alice"]["entities"] == {"PERSON": 1}
    assert stats["done"] == {"alice": 1}


def test_store_refuses_spans_past_the_end_of_their_document(store, doc_id):
    length = len(store.document(doc_id).text)
    span = store.add_span(Span(doc_id, 0, length, "ORG", "alice"))  # the whole text is fine
    for _ in range(2):  # the length is remembered after the first check: still refused
        with pytest.raises(StoreError, match="outside document"):
            store.add_span(Span(doc_id, 0, length + 1, "ORG", "alice"))
        with pytest.raises(StoreError, match="outside document"):
            store.update_span(span.id, end=length + 1)
    assert store.spans(doc_id, "alice") == [span]


def test_store_spans_by_id_reads_more_ids_than_one_statement_takes(store, doc_id):
    # SQLite builds before 3.32 (and some distributions' since) take 999 parameters at most
    store.db.conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    added = [store.add_span(Span(doc_id, 0, 4, "PERSON", "alice")) for _ in range(3)]
    ids = [s.id for s in added] + list(range(10**6, 10**6 + 5_000))  # most do not exist
    assert store.spans_by_id(ids) == added
