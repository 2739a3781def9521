"""The to-do queue: documents where suggestions are unsure or the lexicon and the model
disagree come first; started documents are left out."""

from __future__ import annotations

import random
import subprocess
import sys

from annotator import lexicon, store_queue
from annotator.model import SUGGESTIONS, Document, ListOrder, Span, SpanKind, Status
from annotator.queue import informative_order
from annotator.store import Analysis, Store


def test_queue_most_informative_first(project_path, store):
    ids = store.add_documents(Document(f"d{i}", t) for i, t in enumerate([
        "Trump met Kim in Hanoi.", "Trump talked to Kim.", "Kim Yong Chol met Trump.",
        "A quiet day."])).added

    def suggest(doc_id, words, label, score=None, kind=SpanKind.ENTITY):
        text = store.document(doc_id).text
        start = text.index(words)
        return Span(doc_id, start, start + len(words), label, SUGGESTIONS, kind, "model:m",
                    score=score)

    store.save_analyses([
        Analysis(ids[0], "m", [], [], [suggest(ids[0], "Trump", "ORG")]),
        Analysis(ids[1], "m", [], [], [suggest(ids[1], "talked", "Contact:Meet", 0.55,
                                               SpanKind.TRIGGER)]),
        Analysis(ids[2], "m", [], [], [suggest(ids[2], "Trump", "ORG")]),
    ])
    lexicon.add(store, "Trump", "PERSON")   # disagrees with the model's ORG in d0 and d2
    store.set_status(ids[2], "alice", Status.IN_PROGRESS)
    order = informative_order(store, "alice")
    assert [(item.name, item.disagreements) for item in order] == [
        ("d0", 1), ("d1", 0), ("d3", 0)]
    assert order[1].uncertainty == 0.45
    store.close()
    out = subprocess.run([sys.executable, "-m", "annotator", "queue", str(project_path),
                          "--annotator", "alice", "--limit", "2"], capture_output=True,
                         text=True).stdout
    assert out.index("d0") < out.index("d1") and "d3" not in out


def test_queue_hide_unsure_keeps_unscored_and_lexicon_counts():
    from annotator.model import Annotations, Argument
    from annotator.queue import hide_unsure

    spans = [Span(1, 0, 5, "Contact:Meet", SUGGESTIONS, SpanKind.TRIGGER, score=0.3, id=1),
             Span(1, 6, 9, "PERSON", SUGGESTIONS, score=None, id=2),
             Span(1, 10, 14, "PERSON", SUGGESTIONS, origin="lexicon", score=3.0, id=3),
             Span(1, 15, 20, "Contact:Meet", SUGGESTIONS, SpanKind.TRIGGER, score=0.8, id=4)]
    kept = hide_unsure(Annotations(spans, [Argument(1, "Entity", 2), Argument(4, "Entity", 3)]),
                       0.5)
    assert [s.id for s in kept.spans] == [2, 3, 4]
    assert [(a.trigger_id, a.argument_id) for a in kept.arguments] == [(4, 3)]


def _reference_values(store, doc_id):
    """(disagreements, uncertainty) computed in Python from the spans, the definition the SQL
    in `store_queue` must agree with."""
    spans = store.annotations(doc_id, SUGGESTIONS).spans
    lexicon_spans = [s for s in spans if s.origin == lexicon.ORIGIN]
    models = [s for s in spans if s.origin != lexicon.ORIGIN and s.kind is SpanKind.ENTITY]
    disagreements = sum(1 for x in lexicon_spans if any(
        x.overlaps(m) and (m.start, m.end, m.label) != (x.start, x.end, x.label) for m in models))
    uncertainty = sum(1 - s.score for s in spans if s.score is not None and 0 <= s.score <= 1)
    return disagreements, round(uncertainty, 4)


def _random_suggestions(store, ids, seed=7):
    rng = random.Random(seed)
    analyses = []
    for doc_id in ids:
        spans = []
        for _ in range(rng.randrange(0, 9)):
            start = rng.randrange(0, 30)
            end = start + rng.randrange(1, 8)
            origin = rng.choice(["model:m", "model:m", lexicon.ORIGIN])
            kind = SpanKind.TRIGGER if origin != lexicon.ORIGIN and rng.random() < 0.2 \
                else SpanKind.ENTITY
            label = rng.choice(["PERSON", "ORG"]) if kind is SpanKind.ENTITY else "Contact:Meet"
            score = (float(rng.randrange(1, 4)) if origin == lexicon.ORIGIN
                     else rng.choice([None, round(rng.random(), 3)]))
            spans.append(Span(doc_id, start, end, label, SUGGESTIONS, kind, origin,
                              score=score))
        analyses.append(Analysis(doc_id, "m", [], [], spans))
    store.save_analyses(analyses)


def test_queue_values_in_sql_match_their_definition(store):
    ids = store.add_documents(Document(f"d{i:02d}", f"Text {i} " + "word " * 10)
                              for i in range(40)).added
    _random_suggestions(store, ids)
    assert store.fill_queue_values() == len(ids)
    assert not store.stale_queue_values()
    rows = {r.id: r for r in store.document_summaries("alice")}
    for doc_id in ids:
        disagreements, uncertainty = _reference_values(store, doc_id)
        row = rows[doc_id]
        assert (row.disagreements, row.uncertainty) == (disagreements, uncertainty)
        assert row.value == round(disagreements + uncertainty, 4)
    assert sum(r.disagreements for r in rows.values()) > 0   # the data exercised both parts
    assert store_queue.LEXICON == lexicon.ORIGIN


def test_queue_list_order_is_informative_order_and_pages_agree(store):
    ids = store.add_documents(Document(f"d{i:02d}", f"Text {i} " + "word " * 10)
                              for i in range(40)).added
    _random_suggestions(store, ids, seed=3)
    for doc_id in ids[::7]:
        store.set_status(doc_id, "alice", Status.DONE)
    for doc_id in ids[3::9]:
        store.set_status(doc_id, "alice", Status.IN_PROGRESS)
    queue = informative_order(store, "alice", refresh_lexicon=False)
    rows = store.document_summaries("alice", order=ListOrder.INFORMATIVE)
    statuses = store.statuses("alice")
    section = {Status.IN_PROGRESS: 0, Status.TODO: 1, Status.DONE: 2}
    expected = sorted(rows, key=lambda r: (
        section[statuses.get(r.id, Status.TODO)],
        -r.value if statuses.get(r.id, Status.TODO) is Status.TODO else 0, r.id))
    order = [r.id for r in rows]
    assert order == [r.id for r in expected]
    todo = [r.id for r in rows if r.status is Status.TODO]
    assert [item.doc_id for item in queue] == todo          # the CLI's queue is the list's
    assert len(set(r.value for r in rows)) > 5
    # pages, the row of a document and its neighbours follow the same order
    paged = []
    while len(paged) < len(order):
        paged += [r.id for r in store.document_summaries(
            "alice", order=ListOrder.INFORMATIVE, offset=len(paged), limit=6)]
    assert paged == order
    for i, doc_id in enumerate(order):
        assert store.count_listed("alice", before=doc_id, order=ListOrder.INFORMATIVE) == i
        after = store.listed_neighbour("alice", doc_id, 1, order=ListOrder.INFORMATIVE)
        before = store.listed_neighbour("alice", doc_id, -1, order=ListOrder.INFORMATIVE)
        assert after == (order[i + 1] if i + 1 < len(order) else None)
        assert before == (order[i - 1] if i else None)
    assert store.listed_neighbour("alice", None, 1, order=ListOrder.INFORMATIVE) == order[0]
    assert [r.id for r in store.document_summaries(
        "alice", status=Status.TODO, order=ListOrder.INFORMATIVE, offset=2, limit=3)] == todo[2:5]
    assert store.count_listed("alice", order=ListOrder.INFORMATIVE) == len(order)


def test_queue_value_goes_stale_when_suggestions_change_and_not_when_decided(store):
    ids = store.add_documents([Document("a", "Trump met Kim in Hanoi."),
                               Document("b", "Trump talked to Kim.")]).added
    store.fill_queue_values()
    model = Span(ids[0], 0, 5, "ORG", SUGGESTIONS, SpanKind.ENTITY, "model:m", score=0.4)
    store.save_analyses([Analysis(ids[0], "m", [], [], [model])])     # a pre-annotation
    assert store.stale_queue_values() == [ids[0]]
    store.fill_queue_values()
    assert store.document_summaries("alice", ids=[ids[0]])[0].value == 0.6
    suggestion = store.annotations(ids[0], SUGGESTIONS).spans[0]
    store.add_span(Span(ids[0], 0, 5, "ORG", "alice", origin="model:m",
                        suggestion_id=suggestion.id))             # deciding changes nothing
    assert store.stale_queue_values() == []
    lexicon.add(store, "Trump", "PERSON")
    lexicon.refresh(store, ids)                                   # the lexicon learned
    assert set(store.stale_queue_values()) == {ids[1]}
    store.fill_queue_values()
    rows = {r.id: r for r in store.document_summaries("alice")}
    assert (rows[ids[1]].value, rows[ids[1]].disagreements) == (0.0, 0)
    store.update_span(suggestion.id, score=0.9)
    assert store.stale_queue_values() == [ids[0]]


def test_queue_migration_gives_an_older_projects_documents_their_values(tmp_path):
    import sqlite3

    import sqlite_utils

    from annotator.migrations import MIGRATIONS, SCHEMA_VERSION, _document_queue
    from annotator.schema import default_schema

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(conn)
    before = MIGRATIONS.index(_document_queue)
    for step in MIGRATIONS[:before]:
        step(db)
    conn.execute(f"PRAGMA user_version = {before}")
    conn.execute("INSERT INTO settings VALUES ('schema', ?)", [default_schema().to_json()])
    for doc_id, name, score in ((1, "sure", 0.9), (2, "unsure", 0.2), (3, "none", None)):
        conn.execute("INSERT INTO documents (id, name, text, content_hash, added_at) "
                     "VALUES (?, ?, 'Trump met Kim.', ?, 'now')", [doc_id, name, name])
        if score is not None:
            conn.execute("INSERT INTO spans (document_id, layer, kind, start_char, end_char, "
                         "label, origin, decision, score, updated_at) VALUES (?, 'suggestions', "
                         "'entity', 0, 5, 'PERSON', 'model:m', 'suggested', ?, 'now')",
                         [doc_id, score])
    conn.close()
    with Store(path) as store:
        assert store.version == SCHEMA_VERSION
        assert store.stale_queue_values() == [1, 2, 3]
        queue = informative_order(store, "alice", refresh_lexicon=False)
        assert [(item.name, item.value) for item in queue] == [
            ("unsure", 0.8), ("sure", 0.1), ("none", 0.0)]
        new = store.add_documents([Document("new", "Kim.")]).added[0]
        assert store.stale_queue_values() == [new]


def test_queue_refresh_leaves_the_ids_an_undo_or_redo_needs(store):
    """An undone add of the newest span keeps its id for the redo: the lexicon suggestions a
    refresh of the queue inserts meanwhile (as the window's background refresh does) take new
    ids, never that one (SQLite once gave a new row the highest id + 1)."""
    from annotator.journal import perform
    from annotator.operations import new_span
    from annotator.queue import refresh_queue

    ids = store.add_documents([Document("a", "Trump met Kim."),
                               Document("b", "Trump and Kim again.")]).added
    store.add_span(Span(ids[0], 10, 13, "PERSON", "bob"))   # the lexicon learns "Kim"
    edit = new_span(ids[0], 0, 5, "PERSON", "alice")
    entry = perform(store, edit, annotator="alice").entry_id
    perform(store, edit, "undo", annotator="alice", entry_of=entry)
    refresh_queue(store, "alice")
    suggested = [s for s in store.spans(ids[1]) if s.origin == lexicon.ORIGIN]
    assert [s.label for s in suggested] == ["PERSON"]
    assert min(s.id for s in suggested) > edit.added.id
    perform(store, edit, "redo", annotator="alice", entry_of=entry)
    assert [s.id for s in store.spans(ids[0], "alice")] == [edit.added.id]
