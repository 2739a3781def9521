"""The project database: one SQLite file per project, over sqlite-utils.

Why it looks like this:
- every public write runs in one transaction (`atomic`), and the file is in WAL mode with
  `synchronous=FULL`, so a write that returns survives a crash or power cut;
- SQL stays in this module and the parts `Store` mixes in, one concept each: the documents and
  their analyses (`store_documents`), spans and arguments (`store_annotations`), layers and
  statuses (`store_status`), the read-only overviews (`store_overview`), telemetry's rows
  (`store_activity`) and how informative each document is, with the list in that order
  (`store_queue`); callers get and give `annotator.model` objects;
- tables and columns read well in Datasette or the sqlite3 shell (`documents`, `spans`,
  `arguments`, `document_status`, `settings`), and migrations are numbered (`migrations.py`).

This module holds what the parts share: opening and recognising the file, its life cycle
(checkpoints, closing, handing on), transactions, settings and the schema. Every name callers
import from here (`Store`, `StoreError`, `Analysis`, `undecided` ...) still is.

A `Store` belongs to one thread (sqlite3's rule); background work opens its own on the same path.
"""

from __future__ import annotations

import os
import sqlite3
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

from annotator.changes import Effect, StoreError
from annotator.migrations import SCHEMA_VERSION, NewerProjectError, migrate
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
from annotator.store_annotations import (
    ARGUMENT_COLUMNS,
    IDS_PER_QUERY,
    SPAN_COLUMNS,
    AnnotationRecords,
    undecided,
)
from annotator.store_documents import AddReport, Analysis, DocumentRecords
from annotator.store_overview import ProjectOverview, SearchHit
from annotator.store_queue import InformativeOrder, QueueValues
from annotator.store_status import StatusRecords


class Store(DocumentRecords, AnnotationRecords, StatusRecords, ProjectOverview, ActivityRecords,
            QueueValues, InformativeOrder):
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
                # its own transactions: a step may need foreign keys off between them
                migrate(self.db, state.version if state.restored else None,
                        atomic=self.atomic)
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


__all__ = ["ARGUMENT_COLUMNS", "IDS_PER_QUERY", "SPAN_COLUMNS", "AddReport", "Analysis",
           "SCHEMA_VERSION", "SearchHit", "Store", "StoreError", "undecided"]
