"""What telemetry reads: the edit journal and the activity table, as one timeline per person.

The journal (`annotator.journal`) holds every applied, undone and redone edit with its
moment, person, document and the edit itself as JSON; the activity table holds what the window
did (`open`, `close`, `focus_in`, `focus_out`, throttled `input`). A project edited before
either existed simply has none: every figure is then measured from what there is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter

from annotator.journal import JournalEntry as Entry
from annotator.store import Store
from annotator.store_activity import Activity, parse_stamp

#: operations whose edit telemetry reads (how many spans a bulk decision made)
READ_EDITS = ("accept_all", "annotate_all")


def journal_entries(store: Store, annotator: str | None = None,
                    since: datetime | None = None) -> list[Entry]:
    """Journal rows in time order (of one person, from `since` on), with the edit parsed only
    where telemetry reads it (bulk decisions, status changes; otherwise `{}`), and without
    descriptions."""
    return [Entry(row_id, parse_stamp(at), who, doc, action, operation, "",
                  json.loads(edit) if edit else {}, entry_of)
            for row_id, at, who, doc, action, operation, entry_of, edit
            in store.journal_steps(annotator, since, READ_EDITS)]


def in_force(rows: Iterable[Entry]) -> set[int]:
    """Ids of the `apply` entries whose edit stands at the end: an undo takes one back, a
    redo puts it back (both name the apply they act on in `entry_of`)."""
    standing: dict[int, bool] = {}
    for entry in rows:
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


def timeline(journal: Iterable[Entry], activity: Iterable[Activity]) -> dict[str, list[Moment]]:
    """Person -> their moments in time order (at the same instant, activity first: a window
    opens a document before the edit made in it)."""
    moments: dict[str, list[tuple]] = {}
    for row in activity:
        moments.setdefault(row.annotator, []).append(
            (row.at, 0, row.id or 0, Moment(row.at, row.annotator, row.document_id, row.kind)))
    for entry in journal:
        moments.setdefault(entry.annotator, []).append(
            (entry.at, 1, entry.id, Moment(entry.at, entry.annotator, entry.document_id, "edit",
                                           entry)))
    by_time = itemgetter(0, 1, 2)
    return {who: [item[3] for item in sorted(items, key=by_time)]
            for who, items in sorted(moments.items())}


def status_changes(entry: Entry) -> Iterator[dict]:
    """The status changes an entry's edit records (`{"document_id", "annotator", "before",
    "after"}`): one under `status`, several under `statuses`."""
    if isinstance(entry.edit.get("status"), dict):
        yield entry.edit["status"]
    yield from (s for s in entry.edit.get("statuses") or () if isinstance(s, dict))
