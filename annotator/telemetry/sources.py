"""What telemetry reads: the edit journal and the activity table, as one timeline per person.

The journal (`annotator.journal`) holds every applied, undone and redone edit with its
moment, person, document and the edit itself as JSON; the activity table holds what the window
did (`open`, `close`, `focus_in`, `focus_out`, throttled `input`). A project edited before
either existed simply has none: every figure is then measured from what there is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from annotator.journal import JournalEntry as Entry
from annotator.store_activity import Activity


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
    return {who: [m for *_, m in sorted(items, key=lambda t: t[:3])]
            for who, items in sorted(moments.items())}


def status_changes(entry: Entry) -> Iterator[dict]:
    """The status changes an entry's edit records (`{"document_id", "annotator", "before",
    "after"}`): one under `status`, several under `statuses`."""
    if isinstance(entry.edit.get("status"), dict):
        yield entry.edit["status"]
    yield from (s for s in entry.edit.get("statuses") or () if isinstance(s, dict))
