"""The project database: one SQLite file per project, over sqlite-utils.

Why it looks like this:
- every public write runs in one transaction (`atomic`), and the file is in WAL mode with
  `synchronous=FULL`, so a write that returns survives a crash or power cut;
- SQL stays in this module (and its read-only half, `store_overview`); callers get and give
  `annotator.model` objects;
- tables and columns read well in Datasette or the sqlite3 shell (`documents`, `spans`,
  `arguments`, `document_status`, `settings`), and migrations are numbered (`migrations.py`).

A `Store` belongs to one thread (sqlite3's rule); background work opens its own on the same path.
"""

from __future__ import annotations

import json
import os
import sqlite3
import weakref
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from annotator.changes import Effect, StoreError
from annotator.migrations import SCHEMA_VERSION, NewerProjectError, migrate
from annotator.model import (
    GOLD,
    SUGGESTIONS,
    Annotations,
    Argument,
    Decision,
    Document,
    Sentence,
    Span,
    SpanKind,
    Status,
    Token,
    content_hash,
)
from annotator.project_file import (
    FileState,
    backup_before_migrating,
    check_writable,
    checkpoint,
    close_connection,
    describe_error,
    inspect_file,
    read_only_uri,
)
from annotator.schema import Schema, default_schema
from annotator.store_activity import ActivityRecords
from annotator.store_overview import ProjectOverview, SearchHit


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class AddReport:
    """What `add_documents` did: the new ids, and the names it skipped as already present."""

    added: list[int] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)


@dataclass
class Analysis:
    """A pipeline's reading of one document: tokens, sentences, and the suggestions it makes.

    `arguments` refer to `spans` by position: (trigger index, role, argument index, score).
    """

    doc_id: int
    model: str
    tokens: Sequence[Token]
    sentences: Sequence[Sentence]
    spans: Sequence[Span] = ()
    arguments: Sequence[tuple[int, str, int, float | None]] = ()
    argument_origin: str = "rule:arguments"


SPAN_COLUMNS = (
    "id, document_id, layer, kind, start_char, end_char, label, origin, decision, score, "
    "suggestion_id"
)
ARGUMENT_COLUMNS = "id, trigger_id, role, argument_id, origin, decision, score, frame"
#: well under SQLite's limit on parameters in one statement (32,766; 999 before 3.32)
IDS_PER_QUERY = 900


#: Span field -> (column, conversion), for writing only the columns an update changes
_SPAN_UPDATES = {
    "doc_id": ("document_id", int), "layer": ("layer", str),
    "kind": ("kind", lambda k: SpanKind(k).value), "start": ("start_char", int),
    "end": ("end_char", int), "label": ("label", str), "origin": ("origin", str),
    "decision": ("decision", lambda d: Decision(d).value), "score": ("score", lambda x: x),
    "suggestion_id": ("suggestion_id", lambda x: x),
}

#: value -> member without Enum.__call__, which dominates reading a thousand spans
_KINDS = {k.value: k for k in SpanKind}
_DECISIONS = {d.value: d for d in Decision}


def _span(row: Sequence) -> Span:
    return Span(
        id=row[0], doc_id=row[1], layer=row[2], kind=_KINDS[row[3]], start=row[4], end=row[5],
        label=row[6], origin=row[7], decision=_DECISIONS[row[8]], score=row[9],
        suggestion_id=row[10],
    )


def _argument(row: Sequence) -> Argument:
    return Argument(
        id=row[0], trigger_id=row[1], role=row[2], argument_id=row[3], origin=row[4],
        decision=Decision(row[5]), score=row[6], frame=row[7],
    )


class Store(ProjectOverview, ActivityRecords):
    """A project: documents, their analyses, every layer of annotations, and the schema."""

    def __init__(self, path: str | Path, *, create: bool = True, schema: Schema | None = None,
                 readonly: bool = False, check: bool = False):
        """Open (or, with `create`, start) the project at `path`.

        `readonly`: for commands that only read (stats, export, agreement): the file is opened
        with SQLite's `mode=ro`, never takes the write lock, and is never created or changed
        (an older project is first upgraded once). `check`: run `PRAGMA quick_check` first and
        refuse a damaged file (write commands, before they add to it). The file is recognised
        before anything is written (`project_file.inspect_file`): someone else's database is
        refused untouched, and a project is backed up before a migration rewrites it.
        """
        self.path = Path(path)
        self.readonly = readonly
        state = self._recognise(create=create and not readonly)
        if readonly and (state.version < SCHEMA_VERSION or state.restored):
            Store(self.path, create=False).close()  # upgrade once, then read
            state = inspect_file(self.path)
        try:
            if readonly:
                # In a read-only folder no other program can be writing unless a -wal is
                # there already; without one, SQLite could not make its -shm, so read the
                # file as it is (immutable)
                settled = (not os.access(self.path.resolve().parent, os.W_OK)
                           and not self.path.with_name(self.path.name + "-wal").exists())
                conn = sqlite3.connect(read_only_uri(self.path, immutable=settled), uri=True,
                                       isolation_level=None, timeout=30)
            else:
                check_writable(self.path)
                if not state.is_empty and (state.version < SCHEMA_VERSION or state.restored):
                    backup_before_migrating(self.path, state.version)
                conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: {describe_error(exc)}") from None
        # imported here, not with the module: it loads pandas and numpy when they are
        # installed, which `annotator --help` and every import of the store would pay for
        import sqlite_utils

        self.db = sqlite_utils.Database(conn)
        self._closer = weakref.finalize(self, close_connection, conn, not readonly, self.path)
        self._depth = 0
        self._schema: Schema | None = None
        self._lengths: dict[int, int] = {}
        #: effects being recorded (`recording`); every span, argument and status write is
        #: reported to each
        self._recorders: list[Effect] = []
        try:
            if check:
                self.quick_check()
            if not readonly:
                with self.atomic():
                    migrate(self.db, state.version if state.restored else None)
                    if state.is_empty or self.get_setting("schema") is None:
                        self.set_schema(schema or default_schema())
        except sqlite3.DatabaseError as exc:
            self.close()
            raise StoreError(f"{self.path}: {describe_error(exc)}") from None
        except (NewerProjectError, StoreError) as exc:
            self.close()
            raise StoreError(f"{self.path}: {exc}" if str(self.path) not in str(exc)
                             else str(exc)) from None

    def _recognise(self, *, create: bool) -> FileState:
        state = inspect_file(self.path)
        if state.is_empty and not create:
            if not state.exists:
                raise StoreError(f"{self.path}: no such project")
            raise StoreError(f"{self.path}: an empty file, not a project (left as it is)")
        if not state.is_empty and not state.is_project:
            tables = ", ".join(sorted(state.tables)[:5])
            raise StoreError(f"{self.path}: not an annotator project (a SQLite database with "
                             f"tables {tables}); it was left untouched")
        if state.version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: this project was written by a newer annotator (schema "
                f"{state.version}, this version knows up to {SCHEMA_VERSION}); upgrade "
                "annotator to open it")
        return state

    # --- life cycle ----------------------------------------------------------------------
    def close(self) -> None:
        """Checkpoint the write-ahead log into the file and close: the `.db` alone then holds
        everything (a program that ends without calling this gets the same at exit)."""
        self._closer()

    def checkpoint(self) -> bool:
        """Copy the write-ahead log into the `.db` now (the GUI calls this when idle); False
        if another program's transaction kept part of it for later."""
        if self.readonly or self._depth:
            return False
        return checkpoint(self.db.conn)

    def hand_on(self) -> None:
        """Make the file ready to be handed on (mailed, copied, backed up) and close it: the
        log checkpointed and the file switched to a rollback journal, so there is no `-wal`
        that a copy could miss; the next program to open it switches back to WAL."""
        if not self.readonly:
            checkpoint(self.db.conn)
            self.db.execute("PRAGMA journal_mode=DELETE")
        self.close()

    def data_version(self) -> int:
        """A number that changes whenever another connection commits to the project (SQLite's
        `PRAGMA data_version`): compare it to see whether something else wrote meanwhile."""
        return self.db.execute("PRAGMA data_version").fetchone()[0]

    def quick_check(self) -> None:
        """Refuse a damaged file (SQLite's `PRAGMA quick_check`) with a one-line StoreError."""
        try:
            rows = self._q("PRAGMA quick_check")
        except sqlite3.DatabaseError as exc:
            raise StoreError(describe_error(exc)) from None
        if rows != [("ok",)]:
            raise StoreError(f"the project file is damaged ({rows[0][0]}); restore a backup "
                             "(a .vN-backup.db beside it, or your own), or recover it with "
                             "`sqlite3 FILE .recover`; nothing was changed")

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """One transaction; nested calls join the outer one, so compound edits commit once."""
        conn = self.db.conn
        if self._depth == 0:
            if self.readonly:
                raise StoreError(f"{self.path}: opened read-only; nothing can be changed")
            conn.execute("BEGIN IMMEDIATE")
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth -= 1
            # SQLite may have rolled back already (a full disk does): the original error is
            # the one to report, not "cannot rollback - no transaction is active"
            if self._depth == 0 and conn.in_transaction:
                with suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            raise
        self._depth -= 1
        if self._depth == 0:
            try:
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    with suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                raise

    @contextmanager
    def recording(self) -> Iterator[Effect]:
        """Collect into an `Effect` every span, argument and status row written meanwhile (the
        caller holds the transaction: an effect of a rolled-back write means nothing)."""
        effect = Effect()
        self._recorders.append(effect)
        try:
            yield effect
        finally:
            self._recorders = [e for e in self._recorders if e is not effect]

    def _q(self, sql: str, params: Sequence | dict = ()) -> list[tuple]:
        return self.db.execute(sql, params).fetchall()

    # --- settings and schema -------------------------------------------------------------
    def get_setting(self, key: str, default: str | None = None) -> str | None:
        rows = self._q("SELECT value FROM settings WHERE key = ?", [key])
        return rows[0][0] if rows else default

    def set_setting(self, key: str, value: str) -> None:
        with self.atomic():
            self.db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, value],
            )

    @property
    def schema(self) -> Schema:
        if self._schema is None:
            self._schema = Schema.from_json(self.get_setting("schema"))
        return self._schema

    def set_busy_timeout(self, seconds: float) -> None:
        """How long a write waits for another program's transaction before it fails with
        "database is locked" (30 s by default: right for batch jobs, not for a key press)."""
        self.db.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")

    def reread_schema(self) -> Schema:
        """The schema as stored now: another connection (an import running in the background,
        the CLI) may have added labels since this one read it."""
        self._schema = None
        return self.schema

    def set_schema(self, schema: Schema) -> None:
        both = sorted(set(schema.entities) & set(schema.events))
        if both:
            raise StoreError(f"{', '.join(both)} would be both an entity label and an event "
                             "type; a label has one kind")
        self.set_setting("schema", schema.to_json())
        self._schema = schema

    # --- documents -----------------------------------------------------------------------
    def add_documents(self, documents: Iterable[Document]) -> AddReport:
        """Add documents in one transaction; a text already in the project is skipped."""
        report = AddReport()
        with self.atomic():
            for doc in documents:
                digest = content_hash(doc.text)
                if self._q("SELECT 1 FROM documents WHERE content_hash = ?", [digest]):
                    report.duplicates.append(doc.name)
                    continue
                cursor = self.db.execute(
                    "INSERT INTO documents (name, text, meta, content_hash, added_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [self._unique_name(doc.name), doc.text,
                     json.dumps(doc.meta, ensure_ascii=False), digest, _now()],
                )
                report.added.append(cursor.lastrowid)
        return report

    def _unique_name(self, name: str) -> str:
        candidate, n = name, 1
        while self._q("SELECT 1 FROM documents WHERE name = ?", [candidate]):
            n += 1
            candidate = f"{name} ({n})"
        return candidate

    def _document(self, where: str, value) -> Document | None:
        rows = self._q(f"SELECT id, name, text, meta FROM documents WHERE {where} = ?", [value])
        if not rows:
            return None
        doc_id, name, text, meta = rows[0]
        return Document(name=name, text=text, meta=json.loads(meta or "{}"), id=doc_id)

    def document(self, doc_id: int) -> Document:
        doc = self._document("id", doc_id)
        if doc is None:
            raise StoreError(f"no document with id {doc_id}")
        return doc

    def document_by_name(self, name: str) -> Document | None:
        return self._document("name", name)

    def document_by_hash(self, digest: str) -> Document | None:
        return self._document("content_hash", digest)

    def document_ids(self) -> list[int]:
        return [r[0] for r in self._q("SELECT id FROM documents ORDER BY id")]

    def count_documents(self) -> int:
        return self._q("SELECT count(*) FROM documents")[0][0]

    def iter_documents(self, ids: Iterable[int] | None = None) -> Iterator[Document]:
        """Documents one at a time (constant memory), in id order."""
        for doc_id in self.document_ids() if ids is None else ids:
            yield self.document(doc_id)

    # --- analyses (tokens, sentences) ----------------------------------------------------
    def tokens(self, doc_id: int) -> list[Token]:
        rows = self._q("SELECT tokens FROM document_analysis WHERE document_id = ?", [doc_id])
        return [Token(s, e, bool(w)) for s, e, w in json.loads(rows[0][0])] if rows else []

    def sentences(self, doc_id: int) -> list[Sentence]:
        rows = self._q("SELECT sentences FROM document_analysis WHERE document_id = ?", [doc_id])
        return [Sentence(s, e) for s, e in json.loads(rows[0][0])] if rows else []

    def analysis_model(self, doc_id: int) -> str | None:
        rows = self._q("SELECT model FROM document_analysis WHERE document_id = ?", [doc_id])
        return rows[0][0] if rows else None

    def analysed_ids(self, model: str) -> set[int]:
        rows = self._q("SELECT document_id FROM document_analysis WHERE model = ?", [model])
        return {r[0] for r in rows}

    def set_tokens(self, doc_id: int, model: str, tokens: Sequence[Token],
                   sentences: Sequence[Sentence]) -> None:
        with self.atomic():
            self.db.execute(
                "INSERT INTO document_analysis (document_id, model, tokens, sentences, analysed_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT(document_id) DO UPDATE SET"
                " model = excluded.model, tokens = excluded.tokens,"
                " sentences = excluded.sentences, analysed_at = excluded.analysed_at",
                [doc_id, model, json.dumps([[t.start, t.end, int(t.ws)] for t in tokens]),
                 json.dumps([[s.start, s.end] for s in sentences]), _now()],
            )

    def save_analyses(self, analyses: Iterable[Analysis]) -> int:
        """Store tokens and replace undecided suggestions, for a batch, in one transaction.

        A suggestion some annotator has decided on (accepted, edited or rejected) is kept, and
        a new suggestion at the same place with the same label is not added twice.
        Returns how many suggestion spans were added.
        """
        added = 0
        with self.atomic():
            for analysis in analyses:
                self.set_tokens(analysis.doc_id, analysis.model, analysis.tokens,
                                analysis.sentences)
                added += self._replace_suggestions(analysis)
        return added

    def _replace_suggestions(self, analysis: Analysis) -> int:
        # Pre-annotation writes tens of rows per document: they go in directly, not through
        # add_span/add_argument, whose per-row checks are made once here (length) or hold by
        # construction (same document and layer), so the database does not slow the pipeline.
        doc_id = analysis.doc_id
        self.db.execute(
            "DELETE FROM spans WHERE document_id = ? AND layer = ? AND NOT EXISTS "
            "(SELECT 1 FROM spans m WHERE m.suggestion_id = spans.id)",
            [doc_id, SUGGESTIONS],
        )
        kept = {s.key: s.id for s in self.spans(doc_id, SUGGESTIONS)}
        length, now = self._length(doc_id), _now()
        ids: list[int] = []
        added = 0
        for span in analysis.spans:
            if span.key not in kept:
                if span.end > length:
                    raise StoreError(f"span {span.start}..{span.end} is outside document {doc_id}")
                kept[span.key] = self.db.execute(
                    f"INSERT INTO spans ({SPAN_COLUMNS}, updated_at) "
                    "VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
                    [doc_id, SUGGESTIONS, span.kind.value, span.start, span.end, span.label,
                     span.origin, Decision.SUGGESTED.value, span.score, now],
                ).lastrowid
                added += 1
            ids.append(kept[span.key])
        existing = {(a.trigger_id, a.role, a.argument_id)
                    for a in self.arguments(doc_id, SUGGESTIONS)}
        for trigger, role, argument, score in analysis.arguments:
            if analysis.spans[trigger].kind is not SpanKind.TRIGGER:
                raise StoreError(f"span {ids[trigger]} is not an event trigger")
            triple = (ids[trigger], role, ids[argument])
            if triple not in existing:
                existing.add(triple)
                self.db.execute(
                    f"INSERT INTO arguments ({ARGUMENT_COLUMNS}) "
                    "VALUES (NULL, ?, ?, ?, ?, ?, ?, 0)",
                    [*triple, analysis.argument_origin, Decision.SUGGESTED.value, score],
                )
        return added

    # --- spans and arguments -------------------------------------------------------------
    def add_span(self, span: Span) -> Span:
        """Insert a span; an explicit id (as undo uses) is kept, otherwise one is assigned.

        A decision on a suggestion needs the suggestion to exist still (a pre-annotation run
        in another program may have replaced it) and is the layer's only one on it."""
        if span.end > self._length(span.doc_id):
            raise StoreError(f"span {span.start}..{span.end} is outside document {span.doc_id}")
        with self.atomic():
            if span.suggestion_id is not None:
                self._check_suggestion(span)
            try:
                cursor = self.db.execute(
                    f"INSERT INTO spans ({SPAN_COLUMNS}, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [span.id, span.doc_id, span.layer, span.kind.value, span.start, span.end,
                     span.label, span.origin, span.decision.value, span.score,
                     span.suggestion_id, _now()],
                )
            except sqlite3.IntegrityError as exc:
                if span.id is not None and self._q("SELECT 1 FROM spans WHERE id = ?", [span.id]):
                    raise StoreError(f"span id {span.id} is taken by another span") from None
                raise StoreError(f"span {span.start}..{span.end} {span.label}: {exc}") from None
            stored = span.with_(id=cursor.lastrowid)
            for effect in self._recorders:
                effect.span_added(stored)
        return stored

    def _check_suggestion(self, span: Span) -> None:
        if not self._q("SELECT 1 FROM spans WHERE id = ?", [span.suggestion_id]):
            raise StoreError(f"the suggestion {span.label} at {span.start}..{span.end} is gone: "
                             "pre-annotation was run again since; reopen the document")
        other = self.decision_on(span.suggestion_id, span.layer)
        if other is not None and other != span.id:
            raise StoreError(f"{span.layer} has already decided on the suggestion {span.label} "
                             f"at {span.start}..{span.end} (perhaps in another window)")

    def decision_on(self, suggestion_id: int, layer: str) -> int | None:
        """The id of `layer`'s span deciding on suggestion `suggestion_id`, if there is one."""
        rows = self._q("SELECT id FROM spans WHERE suggestion_id = ? AND layer = ?",
                       [suggestion_id, layer])
        return rows[0][0] if rows else None

    def _length(self, doc_id: int) -> int:
        """A document's length in characters, which SQLite counts by scanning the text; a
        document's text never changes, so each is counted once per connection."""
        length = self._lengths.get(doc_id)
        if length is None:
            rows = self._q("SELECT length(text) FROM documents WHERE id = ?", [doc_id])
            if not rows:
                raise StoreError(f"no document with id {doc_id}")
            length = self._lengths[doc_id] = rows[0][0]
        return length

    def get_span(self, span_id: int) -> Span:
        rows = self._q(f"SELECT {SPAN_COLUMNS} FROM spans WHERE id = ?", [span_id])
        if not rows:
            raise StoreError(f"no span with id {span_id}")
        return _span(rows[0])

    def update_span(self, span_id: int, **changes) -> Span:
        """Change label, kind, start, end, decision, origin, score or suggestion link of a span.

        Read and written in one transaction, and only the columns that change are written, so
        another program changing other columns of the same span meanwhile is not overwritten.
        """
        with self.atomic():
            before = self.get_span(span_id)
            span = before.with_(**changes)
            if span.end > self._length(span.doc_id):
                raise StoreError(f"span {span.start}..{span.end} is outside document "
                                 f"{span.doc_id}")
            columns = {column: convert(getattr(span, name))
                       for name, (column, convert) in _SPAN_UPDATES.items()
                       if getattr(span, name) != getattr(before, name)}
            if not columns:
                return before
            if "suggestion_id" in columns and span.suggestion_id is not None:
                self._check_suggestion(span)
            assignments = ", ".join(f"{column} = ?" for column in columns)
            self.db.execute(f"UPDATE spans SET {assignments}, updated_at = ? WHERE id = ?",
                            [*columns.values(), _now(), span_id])
            for effect in self._recorders:
                effect.span_changed(before, span)
        return span

    def delete_span(self, span_id: int) -> tuple[Span, list[Argument]]:
        """Delete a span and the arguments that use it; returns both so undo can restore them."""
        with self.atomic():
            span = self.get_span(span_id)
            rows = self._q(
                f"SELECT {ARGUMENT_COLUMNS} FROM arguments WHERE trigger_id = ? OR argument_id = ?"
                " ORDER BY id", [span_id, span_id],
            )
            arguments = [_argument(r) for r in rows]
            self.db.execute("DELETE FROM spans WHERE id = ?", [span_id])
            for effect in self._recorders:
                effect.span_removed(span, arguments)
        return span, arguments

    def spans(self, doc_id: int, layer: str | None = None) -> list[Span]:
        sql = f"SELECT {SPAN_COLUMNS} FROM spans WHERE document_id = ?"
        params: list = [doc_id]
        if layer is not None:
            sql += " AND layer = ?"
            params.append(layer)
        return [_span(r) for r in self._q(sql + " ORDER BY start_char, end_char DESC, id", params)]

    def spans_by_id(self, span_ids: Iterable[int]) -> list[Span]:
        """The spans among `span_ids` that exist (an edit's undo may have deleted some). Asked
        in slices: "annotate all occurrences" across a corpus can write more spans than SQLite
        takes parameters in one statement."""
        return [_span(r) for r in self._rows_by_id(
            f"SELECT {SPAN_COLUMNS} FROM spans WHERE id IN ({{}})", span_ids)]

    def add_argument(self, argument: Argument) -> Argument:
        with self.atomic():
            trigger = self.get_span(argument.trigger_id)
            arg = self.get_span(argument.argument_id)
            if trigger.kind is not SpanKind.TRIGGER:
                raise StoreError(f"span {trigger.id} is not an event trigger")
            if trigger.layer != arg.layer or trigger.doc_id != arg.doc_id:
                raise StoreError("an argument must be in the same document and layer as its "
                                 "trigger")
            if argument.frame < 0:
                raise StoreError(f"an event frame is a number from 0, not {argument.frame}")
            try:
                cursor = self.db.execute(
                    f"INSERT INTO arguments ({ARGUMENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [argument.id, argument.trigger_id, argument.role, argument.argument_id,
                     argument.origin, argument.decision.value, argument.score,
                     argument.frame],
                )
            except sqlite3.IntegrityError:
                raise StoreError(f"argument id {argument.id} is taken") from None
            stored = replace(argument, id=cursor.lastrowid)
            for effect in self._recorders:
                effect.argument_added(stored)
        return stored

    def get_argument(self, argument_id: int) -> Argument:
        rows = self._q(f"SELECT {ARGUMENT_COLUMNS} FROM arguments WHERE id = ?", [argument_id])
        if not rows:
            raise StoreError(f"no argument with id {argument_id}")
        return _argument(rows[0])

    def arguments_by_id(self, argument_ids: Iterable[int]) -> list[Argument]:
        """The arguments among `argument_ids` that exist."""
        return [_argument(r) for r in self._rows_by_id(
            f"SELECT {ARGUMENT_COLUMNS} FROM arguments WHERE id IN ({{}})", argument_ids)]

    def arguments_of_spans(self, span_ids: Iterable[int]) -> list[Argument]:
        """The arguments whose trigger or argument is among `span_ids`."""
        ids = list(span_ids)
        rows = self._rows_by_id(f"SELECT {ARGUMENT_COLUMNS} FROM arguments WHERE trigger_id IN "
                                "({})", ids)
        rows += self._rows_by_id(f"SELECT {ARGUMENT_COLUMNS} FROM arguments WHERE argument_id "
                                 "IN ({})", ids)
        return [_argument(r) for r in dict.fromkeys(rows)]

    def _rows_by_id(self, sql: str, ids: Iterable[int]) -> list[tuple]:
        """`sql` with `{}` for a list of ids, asked in slices (SQLite's parameter limit)."""
        ids = list(ids)
        found: list[tuple] = []
        for at in range(0, len(ids), IDS_PER_QUERY):
            part = ids[at:at + IDS_PER_QUERY]
            found += self._q(sql.format(", ".join("?" * len(part))), part)
        return found

    def delete_argument(self, argument_id: int) -> Argument:
        with self.atomic():
            argument = self.get_argument(argument_id)
            self.db.execute("DELETE FROM arguments WHERE id = ?", [argument_id])
            for effect in self._recorders:
                effect.argument_removed(argument)
        return argument

    def arguments(self, doc_id: int, layer: str | None = None) -> list[Argument]:
        sql = (f"SELECT {', '.join('a.' + c.strip() for c in ARGUMENT_COLUMNS.split(','))} "
               "FROM arguments a JOIN spans t ON t.id = a.trigger_id WHERE t.document_id = ?")
        params: list = [doc_id]
        if layer is not None:
            sql += " AND t.layer = ?"
            params.append(layer)
        return [_argument(r) for r in self._q(sql + " ORDER BY a.id", params)]

    def annotations(self, doc_id: int, layer: str, *, effective: bool = False) -> Annotations:
        """One layer's spans and arguments on a document; `effective` drops tombstones."""
        spans = self.spans(doc_id, layer)
        arguments = self.arguments(doc_id, layer)
        if effective:
            spans = [s for s in spans if s.is_effective]
            keep = {s.id for s in spans}
            arguments = [a for a in arguments if a.trigger_id in keep and a.argument_id in keep
                         and a.decision is not Decision.REJECTED]
        return Annotations(spans, arguments)

    def layer_rows(self, doc_ids: Sequence[int],
                   layers: Sequence[str]) -> tuple[list[tuple], list[tuple]]:
        """Effective spans and arguments of `layers` on `doc_ids` as plain tuples.

        For code that reads a whole corpus (agreement), where building a `Span` per row would
        cost more than the computation. Spans: (document_id, layer, id, kind, start, end,
        label), in document and text order; arguments: (document_id, layer, trigger_id, role,
        argument_id, frame), in the order they were made, both ends effective and the argument
        not rejected.
        """
        if not doc_ids or not layers:
            return [], []
        where = (f"IN ({','.join('?' * len(doc_ids))}) AND "
                 f"{{}}.layer IN ({','.join('?' * len(layers))})")
        effective = [Decision.ACCEPTED.value, Decision.EDITED.value]
        spans = self._q(
            "SELECT document_id, layer, id, kind, start_char, end_char, label FROM spans s "
            f"WHERE s.document_id {where.format('s')} AND s.decision IN (?, ?) "
            "ORDER BY document_id, start_char, end_char DESC, id",
            [*doc_ids, *layers, *effective])
        arguments = self._q(
            "SELECT t.document_id, t.layer, a.trigger_id, a.role, a.argument_id, a.frame "
            "FROM arguments a JOIN spans t ON t.id = a.trigger_id "
            "JOIN spans g ON g.id = a.argument_id "
            f"WHERE t.document_id {where.format('t')} AND a.decision != ? "
            "AND t.decision IN (?, ?) AND g.decision IN (?, ?) ORDER BY a.id",
            [*doc_ids, *layers, Decision.REJECTED.value, *effective, *effective])
        return spans, arguments

    def token_offsets(self, doc_ids: Sequence[int]) -> dict[int, list[list[int]]]:
        """[start, end, whitespace] of the stored tokens of each analysed document among
        `doc_ids`, as stored, without building `Token` objects (the agreement measures read
        millions of them)."""
        if not doc_ids:
            return {}
        rows = self._q("SELECT document_id, tokens FROM document_analysis WHERE document_id IN "
                       f"({','.join('?' * len(doc_ids))})", list(doc_ids))
        return {doc_id: json.loads(tokens) for doc_id, tokens in rows}

    def pending_suggestions(self, doc_id: int, annotator: str) -> Annotations:
        """Suggestions `annotator` has not decided on: not linked to, nor at a place they marked."""
        return undecided(self.annotations(doc_id, SUGGESTIONS), self.spans(doc_id, annotator))

    def clear_layer(self, doc_id: int, layer: str) -> None:
        with self.atomic():
            self.db.execute("DELETE FROM spans WHERE document_id = ? AND layer = ?",
                            [doc_id, layer])

    # --- layers and status ---------------------------------------------------------------
    def layers(self) -> list[str]:
        rows = self._q("SELECT DISTINCT layer FROM spans UNION "
                       "SELECT DISTINCT annotator FROM document_status ORDER BY 1")
        return [r[0] for r in rows]

    def annotators(self) -> list[str]:
        """People with a layer or a status; not the suggestions and gold layers."""
        return [name for name in self.layers() if name not in (SUGGESTIONS, GOLD)]

    def set_status(self, doc_id: int, annotator: str, status: Status) -> None:
        status = Status(status)
        with self.atomic():
            if self._recorders:
                before = self.status(doc_id, annotator)
                for effect in self._recorders:
                    effect.status_set(doc_id, annotator, before, status)
            self.db.execute(
                "INSERT INTO document_status (document_id, annotator, status, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT(document_id, annotator) DO UPDATE SET "
                "status = excluded.status, updated_at = excluded.updated_at",
                [doc_id, annotator, Status(status).value, _now()],
            )

    def status(self, doc_id: int, annotator: str) -> Status:
        rows = self._q("SELECT status FROM document_status WHERE document_id = ? AND annotator = ?",
                       [doc_id, annotator])
        return Status(rows[0][0]) if rows else Status.TODO

    def done_ids(self, annotator: str) -> set[int]:
        rows = self._q("SELECT document_id FROM document_status WHERE annotator = ? AND status = ?",
                       [annotator, Status.DONE.value])
        return {r[0] for r in rows}

    def statuses(self, annotator: str) -> dict[int, Status]:
        """Every status `annotator` has recorded, by document id (unlisted documents are todo)."""
        rows = self._q("SELECT document_id, status FROM document_status WHERE annotator = ?",
                       [annotator])
        return {doc_id: Status(status) for doc_id, status in rows}

    def annotated_ids(self, layer: str) -> set[int]:
        """Documents on which `layer` holds at least one accepted or edited span."""
        rows = self._q("SELECT DISTINCT document_id FROM spans WHERE layer = ? AND decision IN "
                       "(?, ?)", [layer, Decision.ACCEPTED.value, Decision.EDITED.value])
        return {r[0] for r in rows}



def undecided(suggestions: Annotations, mine: Sequence[Span]) -> Annotations:
    """The suggestions an annotator with spans `mine` has not decided on: not linked to, nor at
    a place they marked. (The GUI keeps a document's suggestions and calls this per edit.)"""
    decided = {s.suggestion_id for s in mine if s.suggestion_id is not None}
    places = {(s.start, s.end, s.kind) for s in mine}
    spans = [s for s in suggestions.spans
             if s.id not in decided and (s.start, s.end, s.kind) not in places]
    keep = {s.id for s in spans}
    return Annotations(spans, [a for a in suggestions.arguments if a.trigger_id in keep])


__all__ = ["AddReport", "Analysis", "SCHEMA_VERSION", "SearchHit", "Store", "StoreError",
           "undecided"]
