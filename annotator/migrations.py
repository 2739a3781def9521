"""Numbered, forward-only migrations of the project database.

`PRAGMA user_version` holds the number of the last migration applied, so opening an older
project upgrades it in place and a newer one is refused rather than misread. `migrate` runs
the steps in one transaction, except a step that rebuilds a table (`_WITHOUT_FOREIGN_KEYS`):
SQLite's procedure for that needs foreign keys off, which can only be switched between
transactions, so it runs in one of its own; every step stamps its number as it goes, so a
program stopped in between leaves a project the next open carries on upgrading.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: sqlite-utils loads pandas and numpy when installed
    import sqlite_utils


def _script(db: sqlite_utils.Database, sql: str) -> None:
    """Run several statements inside the caller's transaction (`executescript` would commit
    it first, so a program killed while creating a project could leave half a schema)."""
    statement = ""
    for line in sql.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""


def _v1_initial(db: sqlite_utils.Database) -> None:
    _script(db,
        """
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            text TEXT NOT NULL,
            meta TEXT NOT NULL DEFAULT '{}',
            content_hash TEXT NOT NULL UNIQUE,
            added_at TEXT NOT NULL
        );
        CREATE TABLE document_analysis (
            document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            tokens TEXT NOT NULL,
            sentences TEXT NOT NULL,
            analysed_at TEXT NOT NULL
        );
        CREATE TABLE spans (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            layer TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('entity', 'trigger')),
            start_char INTEGER NOT NULL,
            end_char INTEGER NOT NULL,
            label TEXT NOT NULL,
            origin TEXT NOT NULL,
            decision TEXT NOT NULL
                CHECK (decision IN ('suggested', 'accepted', 'rejected', 'edited')),
            score REAL,
            suggestion_id INTEGER REFERENCES spans(id) ON DELETE SET NULL,
            updated_at TEXT NOT NULL,
            CHECK (0 <= start_char AND start_char < end_char)
        );
        CREATE INDEX spans_by_document_layer ON spans (document_id, layer);
        CREATE INDEX spans_by_suggestion ON spans (suggestion_id);
        CREATE TABLE arguments (
            id INTEGER PRIMARY KEY,
            trigger_id INTEGER NOT NULL REFERENCES spans(id) ON DELETE CASCADE,
            role TEXT NOT NULL,
            argument_id INTEGER NOT NULL REFERENCES spans(id) ON DELETE CASCADE,
            origin TEXT NOT NULL,
            decision TEXT NOT NULL,
            score REAL
        );
        CREATE INDEX arguments_by_trigger ON arguments (trigger_id);
        CREATE INDEX arguments_by_argument ON arguments (argument_id);
        CREATE TABLE document_status (
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('todo', 'in_progress', 'done')),
            updated_at TEXT NOT NULL,
            PRIMARY KEY (document_id, annotator)
        );
        """
    )
    # what sqlite-utils' enable_fts(["name", "text"], create_triggers=True, tokenize="porter")
    # writes, run in this transaction
    _script(db,
        """
        CREATE VIRTUAL TABLE "documents_fts" USING FTS5 (
            "name", "text", tokenize='porter', content="documents"
        );
        CREATE TRIGGER "documents_ai" AFTER INSERT ON "documents" BEGIN
          INSERT INTO "documents_fts" (rowid, "name", "text")
            VALUES (new.rowid, new."name", new."text");
        END;
        CREATE TRIGGER "documents_ad" AFTER DELETE ON "documents" BEGIN
          INSERT INTO "documents_fts" ("documents_fts", rowid, "name", "text")
            VALUES('delete', old.rowid, old."name", old."text");
        END;
        CREATE TRIGGER "documents_au" AFTER UPDATE ON "documents" BEGIN
          INSERT INTO "documents_fts" ("documents_fts", rowid, "name", "text")
            VALUES('delete', old.rowid, old."name", old."text");
          INSERT INTO "documents_fts" (rowid, "name", "text")
            VALUES (new.rowid, new."name", new."text");
        END;
        """)


#: ACE 2005's English event guidelines name the parties of these event types `Entity`.
ACE_CONTACT_EVENTS = ("Contact:Meet", "Contact:Phone-Write")


def _ace_contact_roles(db: sqlite_utils.Database) -> None:
    """Contact:Meet / Contact:Phone-Write parties: role `Participant` becomes ACE's `Entity`,
    in every layer's arguments and in the project's copy of the schema (when it has the old
    name and not already an `Entity` role, so a custom schema keeps its own choice)."""
    rows = db.execute("SELECT value FROM settings WHERE key = 'schema'").fetchall()
    renamed: list[str] = []
    if rows:
        schema = json.loads(rows[0][0])
        for label in ACE_CONTACT_EVENTS:
            event = schema.get("events", {}).get(label)
            if not event or "Participant" not in event.get("roles", {}) \
                    or "Entity" in event["roles"]:
                continue
            event["roles"] = {("Entity" if role == "Participant" else role): allowed
                              for role, allowed in event["roles"].items()}
            event["required"] = ["Entity" if r == "Participant" else r
                                 for r in event.get("required", [])]
            renamed.append(label)
        if renamed:
            db.execute("UPDATE settings SET value = ? WHERE key = 'schema'",
                       [json.dumps(schema, ensure_ascii=False)])
    else:
        renamed = list(ACE_CONTACT_EVENTS)
    if renamed:
        marks = ", ".join("?" * len(renamed))
        db.execute("UPDATE arguments SET role = 'Entity' WHERE role = 'Participant' AND "
                   f"trigger_id IN (SELECT id FROM spans WHERE label IN ({marks}))", renamed)


def _argument_frames(db: sqlite_utils.Database) -> None:
    """Events that share a trigger: each argument names its event's frame on the trigger."""
    db.execute("ALTER TABLE arguments ADD COLUMN frame INTEGER NOT NULL DEFAULT 0")


def _journal(db: sqlite_utils.Database) -> None:
    """Every applied, undone and redone edit (`annotator.journal`)."""
    db.execute(
        """
        CREATE TABLE journal (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            annotator TEXT NOT NULL,
            document_id INTEGER,
            action TEXT NOT NULL CHECK (action IN ('apply', 'undo', 'redo')),
            operation TEXT NOT NULL,
            description TEXT NOT NULL,
            edit TEXT NOT NULL,
            entry_of INTEGER
        )
        """
    )
    db.execute("CREATE INDEX journal_by_annotator_document ON journal (annotator, document_id, id)")
    db.execute("CREATE INDEX journal_by_document ON journal (document_id, id)")


def _activity_and_experiment(db: sqlite_utils.Database) -> None:
    """Telemetry's own records: when a window showed which document to whom (active time is
    measured from these and the edit journal), and the documents of an A/B experiment on
    suggestions (`withheld`: annotators see no suggestions there; `shown`: the control arm)."""
    db.execute(
        """
        CREATE TABLE activity (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            annotator TEXT NOT NULL,
            document_id INTEGER REFERENCES documents(id) ON DELETE CASCADE,
            kind TEXT NOT NULL
                CHECK (kind IN ('open', 'close', 'focus_in', 'focus_out', 'input'))
        )
        """
    )
    db.execute("CREATE INDEX activity_by_annotator ON activity (annotator, at)")
    db.execute(
        """
        CREATE TABLE experiment_documents (
            document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            arm TEXT NOT NULL CHECK (arm IN ('withheld', 'shown'))
        )
        """
    )


def _lexicon(db: sqlite_utils.Database) -> None:
    """What people did to the project lexicon by hand (`annotator.lexicon`); its evidence is
    read from the spans."""
    db.execute(
        """
        CREATE TABLE lexicon_added (
            phrase TEXT NOT NULL,
            label TEXT NOT NULL,
            added_at TEXT NOT NULL,
            PRIMARY KEY (phrase, label)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE lexicon_forgotten (
            phrase TEXT PRIMARY KEY,         -- '' for every phrase (a clear)
            forgotten_at TEXT NOT NULL,
            last_span_id INTEGER NOT NULL    -- spans up to this id, not updated since, are old
        )
        """
    )


def _models(db: sqlite_utils.Database) -> None:
    """Models trained on the project (`annotator.model_registry`)."""
    db.execute(
        """
        CREATE TABLE models (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            path TEXT NOT NULL,
            trained_from TEXT NOT NULL,      -- the layer it learned from
            base TEXT NOT NULL,              -- the pipeline it started from, or 'blank'
            trained_at TEXT NOT NULL,
            steps INTEGER NOT NULL,
            seconds REAL NOT NULL,
            scores TEXT NOT NULL,            -- JSON: evaluation on the held-out documents
            train_documents TEXT NOT NULL,   -- JSON list of document ids
            held_out TEXT NOT NULL           -- JSON list of document ids (dev split)
        )
        """
    )


def _one_decision_per_suggestion(db: sqlite_utils.Database) -> None:
    """A layer holds at most one decision on a suggestion (two windows once stored both an
    accept and a reject): duplicates are resolved by the latest write, then a unique index."""
    db.execute(
        """
        DELETE FROM spans WHERE id IN (
            SELECT id FROM (
                SELECT id, row_number() OVER (
                    PARTITION BY layer, suggestion_id ORDER BY updated_at DESC, id DESC) AS n
                FROM spans WHERE suggestion_id IS NOT NULL)
            WHERE n > 1)
        """
    )
    db.execute("CREATE UNIQUE INDEX spans_one_decision ON spans (layer, suggestion_id) "
               "WHERE suggestion_id IS NOT NULL")


def _instances(db: sqlite_utils.Database) -> None:
    """Programs that have the project open for writing, with a heartbeat (`annotator.presence`)."""
    db.execute(
        """
        CREATE TABLE instances (
            id TEXT PRIMARY KEY,
            annotator TEXT NOT NULL,
            pid INTEGER NOT NULL,
            host TEXT NOT NULL,
            started_at TEXT NOT NULL,
            heartbeat_at TEXT NOT NULL
        )
        """
    )


def _one_kind_per_label(db: sqlite_utils.Database) -> None:
    """A label has one kind: a project whose schema lists a label both as an entity label and
    as an event type (imports once added it to both) keeps the kind the default schema gives
    it, else the kind most of its spans have (entity on a tie)."""
    from annotator.schema import default_schema

    rows = db.execute("SELECT value FROM settings WHERE key = 'schema'").fetchall()
    if not rows:
        return
    schema = json.loads(rows[0][0])
    entities, events = schema.get("entities", {}), schema.get("events", {})
    both = set(entities) & set(events)
    if not both:
        return
    default = default_schema()
    for label in sorted(both):
        if label in default.events or label in default.entities:
            keep_event = label in default.events
        else:
            counts = dict(db.execute("SELECT kind, count(*) FROM spans WHERE label = ? "
                                     "GROUP BY kind", [label]).fetchall())
            keep_event = counts.get("trigger", 0) > counts.get("entity", 0)
        if keep_event:
            del entities[label]
            for event in events.values():
                for role, allowed in event.get("roles", {}).items():
                    event["roles"][role] = [a for a in allowed if a != label]
        else:
            del events[label]
    db.execute("UPDATE settings SET value = ? WHERE key = 'schema'",
               [json.dumps(schema, ensure_ascii=False)])


def _document_queue(db: sqlite_utils.Database) -> None:
    """How informative each document's suggestions are (`annotator.queue`), kept so that the
    document list can be ordered by it in SQL: one row per document (a trigger adds it with a
    new document). Triggers mark a row stale whenever a suggestion of its document is written
    and `Store.fill_queue_values` computes stale rows again; until then the row keeps its last
    value, so the list does not jump meanwhile. The annotators' own layers never touch it, so a
    key press pays nothing. Existing documents start stale."""
    _script(db,
        """
        CREATE TABLE document_queue (
            document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            value REAL NOT NULL DEFAULT 0,          -- disagreements + uncertainty
            disagreements INTEGER NOT NULL DEFAULT 0, -- lexicon suggestions a model contradicts
            uncertainty REAL NOT NULL DEFAULT 0,    -- sum of 1 - p over suggestions with one
            stale INTEGER NOT NULL DEFAULT 1        -- 1: a suggestion changed since computed
        );
        CREATE INDEX document_queue_by_value ON document_queue (value DESC, document_id);
        CREATE INDEX document_queue_stale ON document_queue (document_id) WHERE stale = 1;
        CREATE INDEX document_status_by_status ON document_status (annotator, status, document_id);
        INSERT INTO document_queue (document_id) SELECT id FROM documents;
        CREATE TRIGGER document_queue_document_added AFTER INSERT ON documents BEGIN
          INSERT INTO document_queue (document_id) VALUES (new.id);
        END;
        CREATE TRIGGER document_queue_suggestion_added AFTER INSERT ON spans
        WHEN new.layer = 'suggestions' BEGIN
          UPDATE document_queue SET stale = 1 WHERE document_id = new.document_id AND NOT stale;
        END;
        CREATE TRIGGER document_queue_suggestion_removed AFTER DELETE ON spans
        WHEN old.layer = 'suggestions' BEGIN
          UPDATE document_queue SET stale = 1 WHERE document_id = old.document_id AND NOT stale;
        END;
        CREATE TRIGGER document_queue_suggestion_changed
        AFTER UPDATE OF document_id, layer, kind, start_char, end_char, label, origin, score
        ON spans WHEN old.layer = 'suggestions' OR new.layer = 'suggestions' BEGIN
          UPDATE document_queue SET stale = 1
          WHERE document_id IN (old.document_id, new.document_id) AND NOT stale;
        END;
        """)


def _stored_parse(db: sqlite_utils.Database) -> None:
    """The dependency parse of the stored tokens (`store_documents.pack_parse`), so the
    lexicon's suggestions can become event arguments; analyses made before have none until the
    document is analysed again."""
    db.execute("ALTER TABLE document_analysis ADD COLUMN parse BLOB")


#: the highest span id and argument id the edit journal names anywhere (undone rows, the
#: suggestions and spans their rows point at), in the JSON of `annotator.changes`: an `id`
#: under `arguments_added`/`_removed` is an argument's (SQLite may quote the key in the path)
_JOURNAL_IDS = """
SELECT max(CASE WHEN t.key = 'id' AND t.path LIKE '$.%arguments%' THEN NULL ELSE t.atom END),
       max(CASE WHEN t.key = 'id' AND t.path LIKE '$.%arguments%' THEN t.atom END)
FROM journal j, json_tree(j.edit) t
WHERE json_valid(j.edit) AND t.type = 'integer'
  AND t.key IN ('id', 'suggestion_id', 'trigger_id', 'argument_id')
"""


def _ids_never_reused(db: sqlite_utils.Database) -> None:
    """Span and argument ids are never given out again (AUTOINCREMENT). Undo and redo put rows
    back with their ids, and without it SQLite gives a new row the highest id + 1: after the
    newest span was undone, any span drawn, suggested or imported took its id, and the redo
    was refused. Each table is rebuilt by SQLite's procedure (lang_altertable.html#otheralter:
    the same columns, indexes and triggers, the rows copied), which needs foreign keys off
    (`migrate` does that) lest dropping the old table cascade into the arguments. Each sequence
    starts past every id the journal still names, so an undone row keeps its id free."""
    if db.execute("PRAGMA foreign_keys").fetchone()[0]:
        raise RuntimeError("rebuilding spans and arguments needs foreign keys off")
    broken = set(db.execute("PRAGMA foreign_key_check").fetchall())
    journalled = dict(zip(("spans", "arguments"), db.execute(_JOURNAL_IDS).fetchone(),
                          strict=True))
    for table, highest in journalled.items():
        _rebuild_with_autoincrement(db, table)
        used = db.execute("SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = ?",
                          [table]).fetchone()[0]
        db.execute("DELETE FROM sqlite_sequence WHERE name = ?", [table])
        db.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)",
                   [table, max(used, highest or 0)])
    added = set(db.execute("PRAGMA foreign_key_check").fetchall()) - broken
    if added:
        raise sqlite3.IntegrityError(f"rebuilding spans and arguments broke references: "
                                     f"{sorted(added)[:3]}")


def _rebuild_with_autoincrement(db: sqlite_utils.Database, table: str) -> None:
    """`table` again with `id INTEGER PRIMARY KEY AUTOINCREMENT`: its SQL as stored (so every
    column and constraint, those added later included, stays as it is), its rows, and its
    indexes and triggers (other migrations added some) as `sqlite_master` holds them."""
    (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                        [table]).fetchone()
    rebuilt = f"{table}_rebuilt"
    sql, named = re.subn(rf'^CREATE TABLE "?{table}"?', f"CREATE TABLE {rebuilt}", sql.strip())
    sql, keyed = re.subn(r"\bid INTEGER PRIMARY KEY\b", "id INTEGER PRIMARY KEY AUTOINCREMENT",
                         sql, count=1)
    if not (named and keyed):
        raise sqlite3.DatabaseError(f"the {table} table is not as annotator made it (no "
                                    "'id INTEGER PRIMARY KEY'); it was left as it is")
    parts = [r[0] for r in db.execute(
        "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') "
        "AND sql IS NOT NULL ORDER BY type, name", [table])]
    db.execute(sql)
    db.execute(f"INSERT INTO {rebuilt} SELECT * FROM {table}")
    db.execute(f"DROP TABLE {table}")
    db.execute(f"ALTER TABLE {rebuilt} RENAME TO {table}")
    for part in parts:
        db.execute(part)


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _v1_initial, _ace_contact_roles, _argument_frames, _journal, _activity_and_experiment,
    _lexicon, _models, _one_decision_per_suggestion, _instances, _one_kind_per_label,
    _document_queue, _stored_parse, _ids_never_reused,
]
SCHEMA_VERSION = len(MIGRATIONS)
#: steps that rebuild a table others refer to, which SQLite's procedure does with foreign keys
#: off: `migrate` runs each in a transaction of its own with them off
_WITHOUT_FOREIGN_KEYS = {_ids_never_reused}


class NewerProjectError(RuntimeError):
    pass


#: what each migration leaves that can be seen in a project's schema (tables, indexes,
#: "table.column"), for projects that lost their version number
_MARKS = {_argument_frames: "arguments.frame", _journal: "journal",
          _activity_and_experiment: "activity", _lexicon: "lexicon_added", _models: "models",
          _one_decision_per_suggestion: "spans_one_decision", _instances: "instances",
          _document_queue: "document_queue", _stored_parse: "document_analysis.parse",
          _ids_never_reused: "sqlite_sequence"}


def version_of_tables(names: set[str]) -> int:
    """The version of a project that lost `PRAGMA user_version` (restored from `.dump`, which
    does not keep it) and has no `schema_version` setting, judged from its schema: `names`
    holds its tables, indexes and "table.column"s. The last migration whose mark is there
    counts as applied; the ones before it that left no mark are safe to run again."""
    found = [MIGRATIONS.index(step) + 1 for step, mark in _MARKS.items() if mark in names]
    return max(found, default=1)


def migrate(db: sqlite_utils.Database, current: int | None = None, *,
            atomic: Callable[[], AbstractContextManager[None]]) -> int:
    """Apply the migrations this database lacks; returns the version it is at now.

    `atomic` opens a transaction (`Store.atomic`); the caller holds none, since a step in
    `_WITHOUT_FOREIGN_KEYS` needs foreign keys switched off between transactions. `current`
    overrides `PRAGMA user_version` (a project restored from a dump has lost it). The
    `schema_version` setting, which a dump keeps, repeats the version once all have run.
    """
    if db.conn.in_transaction:
        raise RuntimeError("migrate runs its own transactions")
    while True:
        with atomic():
            if current is not None:
                _refuse_newer(current)
                db.execute(f"PRAGMA user_version = {current}")
                current = None
            version = db.execute("PRAGMA user_version").fetchone()[0]
            _refuse_newer(version)
            for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
                if step in _WITHOUT_FOREIGN_KEYS:
                    break
                step(db)
                db.execute(f"PRAGMA user_version = {number}")
            else:
                _record_version(db)
                return SCHEMA_VERSION
        _step_without_foreign_keys(db, atomic)


def _refuse_newer(version: int) -> None:
    if version > SCHEMA_VERSION:
        raise NewerProjectError(
            f"this project was written by a newer annotator (schema {version}, "
            f"this version knows up to {SCHEMA_VERSION}); upgrade annotator to open it"
        )


def _step_without_foreign_keys(db: sqlite_utils.Database,
                               atomic: Callable[[], AbstractContextManager[None]]) -> None:
    """The next step, with foreign keys off for its transaction only (unless another program
    took it meanwhile: the version is read again inside)."""
    enforced = db.execute("PRAGMA foreign_keys").fetchone()[0]
    db.execute("PRAGMA foreign_keys = OFF")
    try:
        with atomic():
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version < SCHEMA_VERSION and MIGRATIONS[version] in _WITHOUT_FOREIGN_KEYS:
                MIGRATIONS[version](db)
                db.execute(f"PRAGMA user_version = {version + 1}")
    finally:
        db.execute(f"PRAGMA foreign_keys = {'ON' if enforced else 'OFF'}")


def _record_version(db: sqlite_utils.Database) -> None:
    """`schema_version` (and `user_version`) say `SCHEMA_VERSION`, written only if they did
    not already, so opening a current project writes nothing."""
    recorded = db.execute("SELECT value FROM settings WHERE key = 'schema_version'").fetchall()
    stamped = db.execute("PRAGMA user_version").fetchone()[0]
    if recorded != [(str(SCHEMA_VERSION),)] or stamped != SCHEMA_VERSION:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute("INSERT INTO settings (key, value) VALUES ('schema_version', ?) "
                   "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                   [str(SCHEMA_VERSION)])
