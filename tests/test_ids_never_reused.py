"""Span and argument ids are never given out again, so undo and redo can always put a row back
with its own id: a span drawn, suggested or imported after an undo (in any document, by any
program) takes a new id, and the redo works even after switching documents or a restart."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import sqlite_utils

from annotator import operations
from annotator.journal import history, perform
from annotator.migrations import MIGRATIONS, SCHEMA_VERSION, _ids_never_reused
from annotator.model import SUGGESTIONS, Argument, Document, Span, SpanKind
from annotator.schema import default_schema
from annotator.store import Store

TEXT = "Mike Pompeo met Kim Yong Chol in New York."


def two_documents(store: Store) -> list[int]:
    return store.add_documents([Document("a", TEXT), Document("b", "Trump met Kim.")]).added


def redo_last(store: Store, doc_id: int) -> None:
    """Redo the annotator's last undone step on `doc_id`, as the window's history rebuilds it."""
    entry, edit = history(store, "alice", doc_id).redo[-1]
    perform(store, edit, "redo", annotator="alice", entry_of=entry.id)


def test_ids_never_reused_redo_of_a_span_after_a_span_drawn_in_another_document(project_path):
    """Draw a span in a, undo it, draw one in b, come back to a (after a restart) and redo."""
    with Store(project_path) as store:
        a, b = two_documents(store)
        drawn = operations.new_span(a, 16, 29, "PERSON", "alice")
        perform(store, drawn, annotator="alice")
        perform(store, drawn, "undo", annotator="alice")
        other = operations.new_span(b, 0, 5, "PERSON", "alice")
        perform(store, other, annotator="alice")
        assert other.added.id > drawn.added.id
    with Store(project_path) as store:
        redo_last(store, a)
        assert [s.id for s in store.spans(a, "alice")] == [drawn.added.id]
        assert [s.id for s in store.spans(b, "alice")] == [other.added.id]


def test_ids_never_reused_redo_of_an_argument_after_one_linked_in_another_document(store):
    a, b = two_documents(store)
    spans = {}
    for doc_id, start, end, label, kind in ((a, 12, 15, "Contact:Meet", SpanKind.TRIGGER),
                                            (a, 0, 11, "PERSON", SpanKind.ENTITY),
                                            (b, 6, 9, "Contact:Meet", SpanKind.TRIGGER),
                                            (b, 10, 13, "PERSON", SpanKind.ENTITY)):
        edit = operations.new_span(doc_id, start, end, label, "alice", kind)
        perform(store, edit, annotator="alice")
        spans[doc_id, label] = edit.added
    role = store.schema.events["Contact:Meet"].roles
    linked = operations.set_argument(store, spans[a, "Contact:Meet"], next(iter(role)),
                                     spans[a, "PERSON"])
    perform(store, linked, annotator="alice", document_id=a)  # as the window names it
    [argument] = store.arguments(a, "alice")
    perform(store, linked, "undo", annotator="alice", document_id=a)
    perform(store, operations.set_argument(store, spans[b, "Contact:Meet"], next(iter(role)),
                                           spans[b, "PERSON"]), annotator="alice",
            document_id=b)
    [other] = store.arguments(b, "alice")
    assert other.id > argument.id
    redo_last(store, a)
    assert store.arguments(a, "alice") == [argument]


# --- a project written before: the migration ------------------------------------------------
def span_json(span_id: int, doc_id: int, start: int, end: int, label: str,
              kind: str = "entity", suggestion_id: int | None = None) -> dict:
    return {"id": span_id, "document_id": doc_id, "layer": "alice", "kind": kind,
            "start": start, "end": end, "label": label, "origin": "manual",
            "decision": "edited" if suggestion_id else "accepted", "score": None,
            "suggestion_id": suggestion_id}


def old_project(path: Path) -> None:
    """A project as the schema before `_ids_never_reused` wrote it: suggestions and decisions
    on them (`suggestion_id`), events in two frames, and alice's journal whose last steps (a
    span, then an argument, both the newest ids) were undone."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    db = sqlite_utils.Database(conn)
    conn.execute("BEGIN")
    version = MIGRATIONS.index(_ids_never_reused)
    for step in MIGRATIONS[:version]:
        step(db)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute("INSERT INTO settings VALUES ('schema', ?)", [default_schema().to_json()])
    for name, text in (("a", TEXT), ("b", "Trump met Kim.")):
        conn.execute("INSERT INTO documents (name, text, content_hash, added_at) "
                     "VALUES (?, ?, ?, 'then')", [name, text, name])
    spans = [(1, 1, SUGGESTIONS, "entity", 0, 11, "PERSON", "model:m", "suggested", 0.9, None),
             (2, 1, "alice", "entity", 0, 11, "PERSON", "model:m", "accepted", 0.9, 1),
             (3, 1, SUGGESTIONS, "trigger", 12, 15, "Contact:Meet", "rule", "suggested", None,
              None),
             (4, 1, "alice", "trigger", 12, 15, "Contact:Meet", "rule", "accepted", None, 3),
             (5, 1, "alice", "entity", 33, 41, "GPE", "manual", "accepted", None, None),
             (6, 2, "alice", "entity", 0, 5, "PERSON", "manual", "accepted", None, None)]
    conn.executemany("INSERT INTO spans VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'then')", spans)
    arguments = [(1, 3, "Entity", 1, "rule", "suggested", 0.5, 0),
                 (2, 4, "Entity", 2, "manual", "accepted", None, 0),
                 (3, 4, "Place", 5, "manual", "accepted", None, 1)]
    conn.executemany("INSERT INTO arguments (id, trigger_id, role, argument_id, origin, "
                     "decision, score, frame) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", arguments)
    undone_span = span_json(7, 1, 16, 29, "PERSON")
    undone_argument = {"id": 4, "trigger_id": 4, "role": "Entity", "argument_id": 5,
                       "frame": 1, "origin": "manual", "decision": "accepted", "score": None}
    steps = [("add", "Add PERSON span", {"spans_added": [undone_span]}),
             ("link_role", "Set Entity", {"arguments_added": [undone_argument]})]
    # both applied, then both undone (the argument first)
    for n, (action, (operation, description, effect), entry_of) in enumerate(
            (("apply", steps[0], None), ("apply", steps[1], None), ("undo", steps[1], 2),
             ("undo", steps[0], 1))):
        edit = json.dumps({"description": description, "operation": operation, **effect},
                          sort_keys=True)
        conn.execute("INSERT INTO journal (at, annotator, document_id, action, operation, "
                     "description, edit, entry_of) VALUES (?, 'alice', 1, ?, ?, ?, ?, ?)",
                     [f"2026-01-01T10:00:0{n}.000+00:00", action, operation, description, edit,
                      entry_of])
    conn.execute("COMMIT")
    conn.close()


def schema_rows(db: sqlite3.Connection) -> set[tuple]:
    return set(db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall())


def table_rows(db: sqlite3.Connection) -> dict[str, list[tuple]]:
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                       "AND name NOT IN ('sqlite_sequence', 'settings')")]
    return {t: sorted(db.execute(f"SELECT * FROM '{t}'").fetchall(), key=repr) for t in tables}


def test_ids_never_reused_migration_keeps_every_row_index_and_trigger(tmp_path):
    path = tmp_path / "old.db"
    old_project(path)
    conn = sqlite3.connect(path)
    schema_before, rows_before = schema_rows(conn), table_rows(conn)
    conn.close()
    with Store(path) as store:
        assert store.version == SCHEMA_VERSION
        assert store.db.execute("PRAGMA foreign_keys").fetchone() == (1,)
        conn = store.db.conn
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert table_rows(conn) == rows_before
        schema_after = schema_rows(conn)
        tables = {r for r in schema_before if r[0] == "table" and r[1] in ("spans", "arguments")}
        # the same SQL but for AUTOINCREMENT (and the quotes SQLite's RENAME puts in)
        autoincrement = {(kind, name, table, sql.replace(
            f"CREATE TABLE {name}", f'CREATE TABLE "{name}"').replace(
            "id INTEGER PRIMARY KEY", "id INTEGER PRIMARY KEY AUTOINCREMENT"))
            for kind, name, table, sql in tables}
        sequence = {r for r in schema_after if r[1] == "sqlite_sequence"}
        assert schema_after - sequence == schema_before - tables | autoincrement
        # the journal's undone span (7) and argument (4) keep their ids free
        assert dict(conn.execute("SELECT name, seq FROM sqlite_sequence")) == {
            "spans": 7, "arguments": 4}
        new = store.add_span(Span(2, 10, 13, "PERSON", "alice"))
        assert new.id == 8
        new_argument = store.add_argument(Argument(4, "Entity", 5))
        assert new_argument.id == 5
        redo_last(store, 1)
        assert 7 in {s.id for s in store.spans(1, "alice")}
        redo_last(store, 1)
        assert [a.id for a in store.arguments(1, "alice")] == [2, 3, 4, 5]
        # the triggers on spans still work: a new suggestion makes its document's value stale
        store.fill_queue_values()
        store.add_span(Span(2, 6, 9, "Contact:Meet", SUGGESTIONS, SpanKind.TRIGGER, "rule"))
        assert store.stale_queue_values() == [2]
