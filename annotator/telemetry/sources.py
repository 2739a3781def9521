"""What telemetry reads: the edit journal and the activity table, as one timeline per person.

The journal (issue "Trust") holds every applied, undone and redone edit with its moment,
person, document and the edit itself as JSON; the activity table holds what the window did
(`open`, `close`, `focus_in`, `focus_out`, throttled `input`). A project written before the
journal existed simply has none: every figure is then measured from what there is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from annotator.store import Store
from annotator.store_activity import Activity, parse_stamp, stamp


@dataclass(frozen=True)
class Entry:
    """One journal row (the table's columns; `edit` parsed)."""

    id: int
    at: datetime
    annotator: str
    document_id: int | None
    action: str
    operation: str
    description: str
    edit: dict = field(default_factory=dict)
    entry_of: int | None = None


def journal_entries(store: Store, annotator: str | None = None,
                    since: datetime | None = None) -> list[Entry]:
    """Journal rows in time order (none when the project has no journal)."""
    if not store.db["journal"].exists():
        return []
    sql = ("SELECT id, at, annotator, document_id, action, operation, description, edit, "
           "entry_of FROM journal WHERE 1")
    params: list = []
    if annotator is not None:
        sql += " AND annotator = ?"
        params.append(annotator)
    if since is not None:
        sql += " AND at >= ?"
        params.append(stamp(since))
    rows = store.db.execute(sql + " ORDER BY at, id", params).fetchall()
    return [Entry(row_id, parse_stamp(at), who, doc, action, operation, description,
                  json.loads(edit or "{}"), entry_of)
            for row_id, at, who, doc, action, operation, description, edit, entry_of in rows]


def in_force(entries: Iterable[Entry]) -> set[int]:
    """Ids of the `apply` entries whose edit stands at the end: an undo takes one back, a
    redo puts it back (both name the apply they act on in `entry_of`)."""
    standing: dict[int, bool] = {}
    for entry in entries:
        if entry.action == "apply":
            standing[entry.id] = True
        elif entry.entry_of is not None and entry.entry_of in standing:
            standing[entry.entry_of] = entry.action == "redo"
    return {entry_id for entry_id, up in standing.items() if up}


@dataclass(frozen=True)
class Moment:
    """A point of one person's timeline: a journal entry or an activity row."""

    at: datetime
    annotator: str
    document_id: int | None
    #: the activity kind, or `edit` for a journal entry
    kind: str
    entry: Entry | None = None


def timeline(entries: Iterable[Entry], activity: Iterable[Activity]) -> dict[str, list[Moment]]:
    """Person -> their moments in time order (at the same instant, activity first: a window
    opens a document before the edit made in it)."""
    moments: dict[str, list[tuple]] = {}
    for row in activity:
        moments.setdefault(row.annotator, []).append(
            (row.at, 0, row.id or 0, Moment(row.at, row.annotator, row.document_id, row.kind)))
    for entry in entries:
        moments.setdefault(entry.annotator, []).append(
            (entry.at, 1, entry.id, Moment(entry.at, entry.annotator, entry.document_id, "edit",
                                           entry)))
    return {who: [m for *_, m in sorted(items, key=lambda t: t[:3])]
            for who, items in sorted(moments.items())}


def status_changes(entry: Entry) -> Iterator[dict]:
    """The status changes an entry's edit records (`{"document_id", "annotator", "before",
    "after"}`), whether the edit holds one or a list."""
    status = entry.edit.get("status")
    if isinstance(status, dict):
        yield status
    elif isinstance(status, list):
        yield from (s for s in status if isinstance(s, dict))
