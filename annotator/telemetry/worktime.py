"""Active time: how long people worked on which document, measured from their timeline.

The rule: between two consecutive moments of one person (journal entries, window activity),
the time counts as work on the document their window had open, if the window had the focus
and the gap is at most `IDLE_SECONDS` (two minutes); a longer gap is a pause, and none of it
counts. So a document opened in the morning and again in the afternoon gets both stretches and
not the lunch in between; an edit that is later undone still took the time it took.

Without activity rows (a project edited before the window recorded them, or by the command
line), the journal's edits alone make the timeline: the reading before a document's first edit
is then not seen, and the time to first edit is unknown (None).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from annotator.telemetry.sources import Entry, Moment, status_changes

IDLE_SECONDS = 120.0
#: operations that record no annotation decision (bookkeeping, bulk loads, the lead's work)
NOT_DECISIONS = frozenset({"set_status", "import", "supersede", "adjudicate"})
#: operations that decide on several spans at once: each span added is a decision
BULK = frozenset({"accept_all", "annotate_all"})


def decisions_in(entry: Entry) -> int:
    """How many annotation decisions an applied edit made."""
    if entry.operation in NOT_DECISIONS:
        return 0
    if entry.operation in BULK:
        return len(entry.edit.get("spans_added") or ()) or 1
    return 1


@dataclass
class DocumentTime:
    """One person's work on one document."""

    annotator: str
    document_id: int
    active_seconds: float = 0.0
    #: how many times a window opened it
    visits: int = 0
    #: decisions of the edits that stand (undone ones left out)
    decisions: int = 0
    #: active seconds from opening the document to its first edit (None: not seen opening)
    first_edit_seconds: float | None = None
    #: when the person last marked it done (None: not done)
    done_at: datetime | None = None


@dataclass
class WorkTime:
    """Active time per (person, document) and per (person, UTC day)."""

    documents: dict[tuple[str, int], DocumentTime]
    days: dict[tuple[str, date], float]
    idle_seconds: float

    def of(self, annotator: str, document_id: int) -> DocumentTime:
        key = (annotator, document_id)
        if key not in self.documents:
            self.documents[key] = DocumentTime(annotator, document_id)
        return self.documents[key]

    def annotator_seconds(self, annotator: str) -> float:
        return sum(t for (who, _), t in self.days.items() if who == annotator)


def measure(timelines: Mapping[str, Iterable[Moment]], standing: set[int],
            idle_seconds: float = IDLE_SECONDS) -> WorkTime:
    """Active time of everyone's timeline; `standing` holds the ids of the journal's applied
    edits that were not undone (`sources.in_force`)."""
    work = WorkTime({}, {}, idle_seconds)
    for annotator, moments in timelines.items():
        _walk(work, annotator, moments, standing)
    return work


def _walk(work: WorkTime, annotator: str, moments: Iterable[Moment], standing: set[int]) -> None:
    doc: int | None = None
    focused = True
    previous: datetime | None = None
    opened: set[int] = set()
    edited: set[int] = set()
    for moment in moments:
        if previous is not None and doc is not None and focused:
            gap = (moment.at - previous).total_seconds()
            if 0 <= gap <= work.idle_seconds:
                work.of(annotator, doc).active_seconds += gap
                day = (annotator, previous.date())
                work.days[day] = work.days.get(day, 0.0) + gap
        previous = moment.at
        kind = moment.kind
        if kind == "focus_out":
            focused = False
            continue
        focused = True
        if kind == "close":
            if moment.document_id is None or moment.document_id == doc:
                doc = None
            continue
        if moment.document_id is not None:
            doc = moment.document_id
        if kind == "open" and doc is not None:
            work.of(annotator, doc).visits += 1
            opened.add(doc)
        if moment.entry is not None:
            _count_edit(work, annotator, moment.entry, standing, opened, edited)


def _count_edit(work: WorkTime, annotator: str, entry: Entry, standing: set[int],
                opened: set[int], edited: set[int]) -> None:
    doc = entry.document_id
    if entry.action == "apply" and doc is not None:
        record = work.of(annotator, doc)
        if doc not in edited and entry.operation != "set_status":
            edited.add(doc)
            if doc in opened:
                record.first_edit_seconds = record.active_seconds
        if entry.id in standing:
            record.decisions += decisions_in(entry)
    if entry.action == "apply" and entry.id not in standing:
        return  # an undone status change leaves the status as it was
    if entry.action == "undo":
        return  # the undone apply's change is out of force already (see `standing`)
    for change in status_changes(entry):
        doc_id, who = change.get("document_id", doc), change.get("annotator", annotator)
        if doc_id is None or who is None:
            continue
        work.of(who, doc_id).done_at = entry.at if change.get("after") == "done" else None
