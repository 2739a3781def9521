"""The edit journal: every applied, undone and redone annotator edit, kept in the project file.

`perform(store, edit, action, annotator=...)` is the one way an annotator edit reaches the
project (the GUI session, the CLI and adjudication all call it): it applies, undoes or redoes the
edit and appends the journal row in the same transaction, so the file never holds an edit without
its record or a record without its edit. Undo and redo are checked against the file first
(`annotator.changes.Effect.check`); a refusal raises `StoreError` and changes nothing.

A row (table `journal`) holds: `at` (UTC, ISO-8601 with milliseconds), the `annotator` who
acted, the `document_id` (NULL when an edit spans documents), `action` (`apply`, `undo`,
`redo`), the `operation` (the intent: `add`, `accept`, `reject`, `relabel`, `resize`,
`delete`, `accept_all`, `link_role`, `unlink_role`, `set_status`, `annotate_all`,
`adjudicate`, ...), the `description` an undo menu shows, the `edit` as stable JSON (the
edit as it was applied, for all three actions: see `annotator.changes`), and for undo and
redo `entry_of`, the id of the `apply` row they reverse or re-apply.

Readers: `entries` (filtered by document, annotator, time), and `history` which rebuilds an
annotator's undo and redo stacks on a document from the rows, so undo works after a restart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

from annotator.changes import ChangeSet, StoreError
from annotator.edits import (
    AddArgument,
    AddSpan,
    Compound,
    Edit,
    LateArgument,
    Recorded,
    RemoveArgument,
    RemoveSpan,
    SetStatus,
    UpdateSpan,
    from_json,
)
from annotator.model import Decision
from annotator.store import Store

ACTIONS = ("apply", "undo", "redo")
#: the key an entry copied from another project file (`split`, `merge`) carries in its edit:
#: that file's path. Such entries are history to read, not steps to undo here.
COPIED = "copied_from"
#: how many steps `history` keeps on an undo stack
HISTORY_LIMIT = 200


@dataclass(frozen=True)
class JournalEntry:
    id: int
    at: datetime
    annotator: str
    document_id: int | None
    action: str
    operation: str
    description: str
    edit: dict = field(hash=False)
    entry_of: int | None = None

    def rebuilt(self) -> Recorded:
        """The edit this row records, ready to undo or redo."""
        return from_json(self.edit)


@dataclass
class Performed:
    """What `perform` did: the journal row it wrote and what the edit touched."""

    entry_id: int
    changes: ChangeSet


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def perform(store: Store, edit: Edit, action: str = "apply", *, annotator: str,
            document_id: int | None = None, operation: str | None = None,
            entry_of: int | None = None) -> Performed:
    """Apply, undo or redo `edit` and journal it, in one transaction.

    `document_id` defaults to the one document the edit touched (None if several); an undo or
    redo names the `apply` row it reverses in `entry_of` (found by the edit's record when not
    given). Raises `StoreError` (nothing changed) when the store refuses the edit, or when an
    undo or redo no longer fits the file.
    """
    if action not in ACTIONS:
        raise ValueError(f"action must be one of {ACTIONS}, not {action!r}")
    if action != "apply" and edit.effect is None:
        raise StoreError(f"{edit.description}: not applied, nothing to {action}")
    first = edit.effect is None
    try:
        with store.atomic():
            with store.recording() as done:
                if action == "undo":
                    edit.revert(store)
                else:
                    edit.apply(store)
            if not edit.operation:
                edit.operation = operation or operation_of(store, edit)
            record = edit.to_json()
            docs = edit.effect.documents()
            if document_id is None and len(docs) == 1:
                document_id = next(iter(docs))
            if action != "apply" and entry_of is None:
                entry_of = _apply_row(store, annotator, record)
            cursor = store.db.execute(
                "INSERT INTO journal (at, annotator, document_id, action, operation, "
                "description, edit, entry_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [now(), annotator, document_id, action, operation or edit.operation,
                 edit.description, json.dumps(record, sort_keys=True, ensure_ascii=False),
                 entry_of])
    except BaseException:
        if first:
            edit.forget()
        raise
    return Performed(cursor.lastrowid, done.change_set())


def _apply_row(store: Store, annotator: str, record: dict) -> int | None:
    rows = store.db.execute(
        "SELECT id FROM journal WHERE action = 'apply' AND annotator = ? AND edit = ? "
        "ORDER BY id DESC LIMIT 1",
        [annotator, json.dumps(record, sort_keys=True, ensure_ascii=False)]).fetchall()
    return rows[0][0] if rows else None


def operation_of(store: Store, edit: Edit) -> str:
    """The intent an edit carries out, as the journal names it (for edits that do not say)."""
    if isinstance(edit, Compound):
        parts = {operation_of(store, e) for e in edit.edits}
        if "accept" in parts:  # an event with its arguments (the session names accept_all)
            return "accept"
        if parts == {"add"}:
            return "annotate_all" if len(edit.edits) > 1 else "add"
        return parts.pop() if len(parts) == 1 else "edit"
    if isinstance(edit, AddSpan):
        span = edit.span
        if span.suggestion_id is None:
            return "add"
        if span.decision is Decision.REJECTED:
            return "reject"
        if span.decision is Decision.ACCEPTED:
            return "accept"
        suggestion = store.spans_by_id([span.suggestion_id])
        if suggestion and suggestion[0].label != span.label:
            return "relabel"
        return "resize"
    if isinstance(edit, RemoveSpan):
        return "delete"
    if isinstance(edit, UpdateSpan):
        if "label" in edit.values:
            return "relabel"
        if "start" in edit.values or "end" in edit.values:
            return "resize"
        if edit.values.get("decision") is Decision.ACCEPTED:
            return "accept"
        return "change"
    if isinstance(edit, AddArgument | LateArgument):
        return "link_role"
    if isinstance(edit, RemoveArgument):
        return "unlink_role"
    if isinstance(edit, SetStatus):
        return "set_status"
    return "edit"


# --- reading ------------------------------------------------------------------------------------
def _entry(row: tuple) -> JournalEntry:
    return JournalEntry(row[0], datetime.fromisoformat(row[1]), row[2], row[3], row[4], row[5],
                        row[6], json.loads(row[7]), row[8])


_COLUMNS = "id, at, annotator, document_id, action, operation, description, edit, entry_of"


def entries(store: Store, *, document_id: int | None = None, annotator: str | None = None,
            since: datetime | None = None, until: datetime | None = None,
            limit: int | None = None) -> list[JournalEntry]:
    """Journal rows in the order they were written, filtered by document, annotator and time
    (`since` inclusive, `until` exclusive; naive datetimes are taken as UTC)."""
    where, params = [], []
    if document_id is not None:
        where.append("document_id = ?")
        params.append(document_id)
    if annotator is not None:
        where.append("annotator = ?")
        params.append(annotator)
    for op, moment in ((">=", since), ("<", until)):
        if moment is not None:
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=timezone.utc)
            where.append(f"at {op} ?")
            params.append(moment.astimezone(timezone.utc).isoformat(timespec="milliseconds"))
    sql = f"SELECT {_COLUMNS} FROM journal"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY id"
    if limit is not None:
        sql = f"SELECT * FROM ({sql[:-len(' ORDER BY id')]} ORDER BY id DESC LIMIT {int(limit)})" \
              " ORDER BY id"
    return [_entry(r) for r in store.db.execute(sql, params).fetchall()]


@dataclass
class History:
    """An annotator's undo and redo stacks on one document, oldest first; each item is the
    `apply` row and its edit, rebuilt (`perform(store, edit, "undo", entry_of=entry.id)`)."""

    undo: list[tuple[JournalEntry, Recorded]] = field(default_factory=list)
    redo: list[tuple[JournalEntry, Recorded]] = field(default_factory=list)


def history(store: Store, annotator: str, document_id: int | None,
            limit: int = HISTORY_LIMIT) -> History:
    """The undo and redo stacks as the journal left them: an apply pushes (and clears the redo
    stack), an undo moves the top to the redo stack, a redo moves it back. At most `limit`
    steps are kept on the undo stack (the oldest fall off, as in a bounded QUndoStack)."""
    sql = (f"SELECT {_COLUMNS} FROM journal WHERE annotator = ? AND document_id "
           + ("IS NULL" if document_id is None else "= ?") + " ORDER BY id")
    params = [annotator] if document_id is None else [annotator, document_id]
    applied: dict[int, JournalEntry] = {}
    undo: list[int] = []
    redo: list[int] = []
    for row in store.db.execute(sql, params):
        entry = _entry(row)
        if COPIED in entry.edit:  # another file's history: its ids are not this file's
            continue
        if entry.action == "apply":
            applied[entry.id] = entry
            undo.append(entry.id)
            redo.clear()
            del undo[:-limit]
        elif entry.action == "undo" and entry.entry_of in undo:
            undo.remove(entry.entry_of)
            redo.append(entry.entry_of)
        elif entry.action == "redo" and entry.entry_of in redo:
            redo.remove(entry.entry_of)
            undo.append(entry.entry_of)
    return History([(applied[i], applied[i].rebuilt()) for i in undo],
                   [(applied[i], applied[i].rebuilt()) for i in redo])


# --- across files (split, merge) ----------------------------------------------------------------
def copy_entries(source: Store, target: Store, *, documents: dict[int, int],
                 spans: dict[int, int], annotators: set[str], origin: str) -> int:
    """Copy `annotators`' journal rows on `documents` (source id -> target id) into `target`,
    so the journal travels with `split` and comes back with `merge`.

    Span ids in the edits are mapped through `spans` (source -> target; ids not there, of
    spans gone since, become null, as do argument ids); the copy's edit names its origin under
    `copied_from`. A row `target` already holds (same time, annotator, action, description and
    document: it went out with `split` and came back) is not copied again; one copied from
    this same `origin` before (a file merged again) gets the new span ids, since merging copies
    the layer again and span ids are never reused. Returns the number of rows copied.
    """
    if not documents or not annotators:
        return 0
    held = {tuple(r[:5]): (r[5], r[6]) for r in target.db.execute(
        "SELECT at, annotator, action, description, document_id, id, "
        f"json_extract(edit, '$.{COPIED}') FROM journal").fetchall()}
    marks = ", ".join("?" * len(annotators))
    rows = source.db.execute(
        f"SELECT {_COLUMNS} FROM journal WHERE annotator IN ({marks}) AND document_id IS NOT "
        "NULL ORDER BY id", sorted(annotators)).fetchall()
    new_ids: dict[int, int] = {}
    copied = 0
    with target.atomic():
        for row in rows:
            doc = documents.get(row[3])
            if doc is None:
                continue
            key = (row[1], row[2], row[4], row[6], doc)
            edit = _mapped(json.loads(row[7]), documents, spans)
            edit.setdefault(COPIED, origin)
            if key in held:
                row_id, copied_from = held[key]
                if copied_from == origin:
                    target.db.execute("UPDATE journal SET edit = ? WHERE id = ?", [json.dumps(
                        edit, sort_keys=True, ensure_ascii=False), row_id])
                continue
            cursor = target.db.execute(
                "INSERT INTO journal (at, annotator, document_id, action, operation, "
                "description, edit, entry_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [row[1], row[2], doc, row[4], row[5], row[6],
                 json.dumps(edit, sort_keys=True, ensure_ascii=False),
                 new_ids.get(row[8]) if row[8] is not None else None])
            new_ids[row[0]] = cursor.lastrowid
            held[key] = (cursor.lastrowid, edit[COPIED])
            copied += 1
    return copied


def _mapped(edit: dict, documents: dict[int, int], spans: dict[int, int]) -> dict:
    def span(data: dict) -> dict:
        return {**data, "id": spans.get(data["id"]),
                "document_id": documents.get(data["document_id"]),
                "suggestion_id": spans.get(data["suggestion_id"])}

    def argument(data: dict) -> dict:
        return {**data, "id": None, "trigger_id": spans.get(data["trigger_id"]),
                "argument_id": spans.get(data["argument_id"])}

    out = dict(edit)
    for key in ("spans_added", "spans_removed"):
        if key in out:
            out[key] = [span(s) for s in out[key]]
    if "spans_changed" in out:
        out["spans_changed"] = [{"id": spans.get(c["id"]), "before": span(c["before"]),
                                 "after": span(c["after"])} for c in out["spans_changed"]]
    for key in ("arguments_added", "arguments_removed"):
        if key in out:
            out[key] = [argument(a) for a in out[key]]
    for status in ([out["status"]] if "status" in out else []) + out.get("statuses", []):
        status["document_id"] = documents.get(status["document_id"])
    return out
