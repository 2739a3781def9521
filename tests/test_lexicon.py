"""The project lexicon: an accept in one document is a suggestion in the next; rejections take
it back, and enough of them silence a model's suggestion; decisions are never touched."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from annotator import lexicon, operations
from annotator.journal import perform
from annotator.model import SUGGESTIONS, Document, Span, SpanKind
from annotator.store import Analysis, Store

TEXTS = ["Kim Yong Chol met the Secretary of State in New York.",
         "Later Kim Yong Chol flew home; the Secretary of State stayed.",
         "Kim Yong Chol and the Secretary of State talked again.",
         "The Secretary of State spoke."]


@pytest.fixture
def docs(store: Store) -> list[int]:
    return store.add_documents(Document(f"d{i}", t) for i, t in enumerate(TEXTS)).added


def lexicon_suggestions(store: Store, doc_id: int) -> list[tuple[str, str, float]]:
    text = store.document(doc_id).text
    return [(s.text_in(text), s.label, s.score) for s in store.spans(doc_id, SUGGESTIONS)
            if s.origin == lexicon.ORIGIN]


def mark(store: Store, doc_id: int, words: str, label: str, annotator: str) -> None:
    start = store.document(doc_id).text.index(words)
    perform(store, operations.new_span(doc_id, start, start + len(words), label, annotator),
            annotator=annotator)


def test_lexicon_an_accept_is_suggested_in_the_next_document_and_rejections_take_it_back(
        store, docs):
    first, second, third, _ = docs
    mark(store, first, "Kim Yong Chol", "PERSON", "alice")
    lexicon.refresh(store, [second])
    assert lexicon_suggestions(store, second) == [("Kim Yong Chol", "PERSON", 1.0)]
    entry = lexicon.entries(store)["Kim Yong Chol"]
    assert (entry.label, entry.split) == ("PERSON", "PERSON 1")

    # bob rejects it in the second document: one accept, one rejection, no majority left
    suggested = next(s for s in store.spans(second, SUGGESTIONS) if s.origin == "lexicon")
    perform(store, operations.reject(store, suggested, "bob"), annotator="bob")
    lexicon.refresh(store, [second, third])
    assert lexicon_suggestions(store, third) == []
    # the suggestion bob decided on stays (a decision is never overwritten)
    assert store.get_span(suggested.id).origin == "lexicon"


def test_lexicon_a_split_follows_the_majority_and_shows_it(store, docs):
    first, second, third, fourth = docs
    mark(store, first, "Kim Yong Chol", "PERSON", "alice")
    mark(store, second, "Kim Yong Chol", "PERSON", "bob")
    mark(store, third, "Kim Yong Chol", "ORG", "carol")
    entry = lexicon.entries(store)["Kim Yong Chol"]
    assert (entry.label, entry.score, entry.split) == ("PERSON", 2.0, "PERSON 2, ORG 1")


def test_lexicon_three_rejections_silence_a_model_suggestion(store, docs):
    def suggest_state(doc_id: int) -> Span:
        start = store.document(doc_id).text.index("State")
        store.save_analyses([Analysis(doc_id, "m", [], [], [Span(
            doc_id, start, start + 5, "ORG", SUGGESTIONS, SpanKind.ENTITY, "model:m")])])
        return store.spans(doc_id, SUGGESTIONS)[0]

    for doc_id in docs[:3]:
        perform(store, operations.reject(store, suggest_state(doc_id), "alice"), annotator="alice")
        suggest_state(docs[3])
        report = lexicon.refresh(store, [docs[3]])
    # two rejections leave it; the third silences it
    assert report.silenced == 1
    assert store.spans(docs[3], SUGGESTIONS) == []
    assert lexicon.entries(store)["State"].silenced() == {"ORG"}


def test_lexicon_add_remove_clear(store, docs):
    lexicon.add(store, "New  York", "GPE")
    lexicon.refresh(store, docs)
    assert lexicon_suggestions(store, docs[0]) == [("New York", "GPE", 1.0)]
    mark(store, docs[0], "Kim Yong Chol", "PERSON", "alice")
    assert lexicon.remove(store, "New York")
    assert set(lexicon.entries(store)) == {"Kim Yong Chol"}
    assert lexicon.clear(store) == 1
    assert lexicon.entries(store) == {}
    # evidence after a clear counts again
    mark(store, docs[1], "Secretary of State", "ORG", "alice")
    assert set(lexicon.entries(store)) == {"Secretary of State"}
    with pytest.raises(ValueError, match="not an entity label"):
        lexicon.add(store, "Kim", "Contact:Meet")


def test_lexicon_cli(project_path, store, docs):
    mark(store, docs[0], "Kim Yong Chol", "PERSON", "alice")
    store.close()

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "annotator", "lexicon", str(project_path),
                               *args], capture_output=True, text=True)

    listed = json.loads(run("list", "--json").stdout)
    assert [(e["phrase"], e["label"], e["accepted"]) for e in listed] == [
        ("Kim Yong Chol", "PERSON", {"PERSON": 1})]
    added = run("add", "New York", "GPE")
    assert added.returncode == 0 and "lexicon suggestions in 4 documents" in added.stdout
    assert "New York" in run("list").stdout
    assert run("remove", "New York").returncode == 0
    wrong = run("add", "New York")
    assert wrong.returncode == 1 and "usage" in wrong.stderr
    assert run("clear").returncode == 0
    assert json.loads(run("list", "--json").stdout) == []


def test_lexicon_refresh_writes_nothing_when_nothing_changed(store, docs):
    mark(store, docs[0], "Kim Yong Chol", "PERSON", "alice")
    lexicon.refresh(store, [docs[1]])
    before = store.spans(docs[1], SUGGESTIONS)
    version = store.db.execute("SELECT total_changes()").fetchone()[0]
    assert lexicon.refresh(store, [docs[1]]).suggested == 1
    assert store.spans(docs[1], SUGGESTIONS) == before
    assert store.db.execute("SELECT total_changes()").fetchone()[0] == version


def test_lexicon_suggests_nothing_inside_a_longer_model_entity_of_its_label(store):
    """"Pompeo" accepted elsewhere is no suggestion inside the model's "Mike Pompeo" PERSON (a
    nested duplicate), but is where the model says something else or nothing, and where all
    the model's entity adds is an article ("the Pompeo" as annotators would not mark it)."""
    text = "Mike Pompeo met Kim. Pompeo left. Mike Pompeo Center opened. The Pompeo came."
    first, second = store.add_documents([Document("a", "Pompeo spoke."),
                                         Document("b", text)]).added
    mark(store, first, "Pompeo", "PERSON", "alice")
    model = [("Mike Pompeo", 0, "PERSON"), ("Mike Pompeo Center", text.index("Mike Pompeo C"),
                                            "ORG"), ("The Pompeo", text.index("The"), "PERSON")]
    store.save_analyses([Analysis(second, "m", [], [], [
        Span(second, start, start + len(words), label, SUGGESTIONS, SpanKind.ENTITY, "model:m")
        for words, start, label in model])])
    lexicon.refresh(store, [second])
    starts = [text.index("Pompeo left"), text.index("Pompeo C"), text.rindex("Pompeo")]
    assert [(s.start, s.label) for s in store.spans(second, SUGGESTIONS)
            if s.origin == lexicon.ORIGIN] == [(start, "PERSON") for start in starts]


def test_lexicon_two_refreshes_that_read_before_either_wrote_add_each_suggestion_once(
        store, docs, project_path, monkeypatch):
    """The window refreshes the document it opens while a background refresh, on its own
    connection, may have read the same document just before: each reads, then writes in its
    own transaction, and the second must not add what the first already did."""
    first, second, *_ = docs
    mark(store, first, "Kim Yong Chol", "PERSON", "alice")
    with Store(project_path) as other:
        before = other.spans(second)  # the background refresh has read, not yet written
        lexicon.refresh(store, [second])  # meanwhile the window's refresh writes
        monkeypatch.setattr(other, "spans", lambda doc_id, *a, **k: list(before))
        lexicon.refresh(other, [second])
    assert lexicon_suggestions(store, second) == [("Kim Yong Chol", "PERSON", 1.0)]
