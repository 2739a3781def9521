"""Telemetry's rows in the project: the activity of windows (which document was shown to whom,
focus, throttled input) and the documents of an A/B experiment on suggestions.

A part of `Store` (it mixes this class in), kept apart from the annotations' rows: these say how
people worked, not what they annotated. Times are UTC ISO-8601 with milliseconds, as in the
edit journal, so the two sort and compare as one timeline.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Literal

ACTIVITY_KINDS = ("open", "close", "focus_in", "focus_out", "input")
ActivityKind = Literal["open", "close", "focus_in", "focus_out", "input"]
ARMS = ("withheld", "shown")
#: the setting holding how an experiment's documents were chosen (share, seed, when)
EXPERIMENT_SETTING = "experiment"


def stamp(at: datetime | None = None) -> str:
    """A moment as the journal and the activity table store it (UTC, milliseconds)."""
    at = at or datetime.now(timezone.utc)
    if at.tzinfo is None:
        raise ValueError("a moment needs a time zone")
    return at.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def parse_stamp(text: str) -> datetime:
    """The moment a stored stamp stands for (a stamp without a zone is read as UTC)."""
    at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return at if at.tzinfo is not None else at.replace(tzinfo=timezone.utc)


def _person_since(annotator: str | None, since: datetime | None) -> tuple[str, list]:
    """The WHERE clause (and its parameters) for rows of one person (or all) from a moment on,
    in the journal and the activity table alike."""
    where, params = ["1"], []
    if annotator is not None:
        where.append("annotator = ?")
        params.append(annotator)
    if since is not None:
        where.append("at >= ?")
        params.append(stamp(since))
    return " AND ".join(where), params


@dataclass(frozen=True)
class Activity:
    """One row of the activity table."""

    at: datetime
    annotator: str
    document_id: int | None
    kind: str
    id: int | None = None


class ActivityRecords:
    """Mixed into `Store`, whose connection (`_q`, `db`) and transactions (`atomic`) these use."""

    def record_activity(self, annotator: str, document_id: int | None, kind: ActivityKind,
                        at: datetime | None = None) -> None:
        """Note that `annotator`'s window did `kind` (on `document_id`) now, or at `at`."""
        if kind not in ACTIVITY_KINDS:
            raise ValueError(f"unknown activity {kind!r}")
        with self.atomic():
            self.db.execute(
                "INSERT INTO activity (at, annotator, document_id, kind) VALUES (?, ?, ?, ?)",
                [stamp(at), annotator, document_id, kind])

    def activity(self, annotator: str | None = None, since: datetime | None = None
                 ) -> list[Activity]:
        """Activity rows in time order, of one annotator or all, from `since` on."""
        where, params = _person_since(annotator, since)
        rows = self._q("SELECT id, at, annotator, document_id, kind FROM activity WHERE "
                       f"{where} ORDER BY at, id", params)
        return [Activity(parse_stamp(at), who, doc, kind, row_id)
                for row_id, at, who, doc, kind in rows]

    def add_activity(self, rows: Iterable[Activity],
                     documents: Mapping[int, int] | None = None) -> int:
        """Copy activity rows in (from another project: `documents` maps its document ids to
        this one's; rows of other documents are left out). A row already here (same moment,
        person, document and kind) is not added twice, so copying again changes nothing.
        Returns how many rows were added."""
        added = 0
        with self.atomic():
            for row in rows:
                doc = row.document_id
                if documents is not None and doc is not None:
                    if doc not in documents:
                        continue
                    doc = documents[doc]
                at = stamp(row.at)
                if self._q("SELECT 1 FROM activity WHERE at = ? AND annotator = ? AND kind = ? "
                           "AND document_id IS ?", [at, row.annotator, row.kind, doc]):
                    continue
                self.db.execute(
                    "INSERT INTO activity (at, annotator, document_id, kind) VALUES (?, ?, ?, ?)",
                    [at, row.annotator, doc, row.kind])
                added += 1
        return added

    def journal_steps(self, annotator: str | None = None, since: datetime | None = None,
                      needed: Sequence[str] = ()) -> list[tuple]:
        """The journal as telemetry walks it, in time order: (id, at, annotator, document_id,
        action, operation, entry_of, edit), where `edit` is the JSON text only for the rows
        whose operation is among `needed` or that record a status, and None otherwise.
        Measuring time reads every row of a person's history, and parsing every edit would
        cost more than all the rest (`annotator.journal.entries` reads whole rows)."""
        marks = ", ".join("?" * len(needed)) or "NULL"
        where, params = _person_since(annotator, since)
        return self._q(
            "SELECT id, at, annotator, document_id, action, operation, entry_of, CASE WHEN "
            f"operation IN ({marks}) OR instr(edit, '\"status') THEN edit END "
            f"FROM journal WHERE {where} ORDER BY at, id", [*needed, *params])

    def done_times(self) -> dict[tuple[str, int], datetime]:
        """(annotator, document id) -> when the status last changed, for documents marked
        done (the journal knows better; this serves projects without one)."""
        rows = self._q("SELECT annotator, document_id, updated_at FROM document_status "
                       "WHERE status = 'done'")
        return {(who, doc): parse_stamp(at) for who, doc, at in rows}

    # --- the A/B experiment ----------------------------------------------------------------
    def set_experiment_arms(self, arms: Mapping[int, str]) -> None:
        """Replace the experiment's documents: document id -> `withheld` or `shown`."""
        unknown = sorted(set(arms.values()) - set(ARMS))
        if unknown:
            raise ValueError(f"unknown experiment arm {unknown[0]!r}")
        with self.atomic():
            self.db.execute("DELETE FROM experiment_documents")
            for doc_id, arm in sorted(arms.items()):
                self.db.execute("INSERT INTO experiment_documents (document_id, arm) "
                                "VALUES (?, ?)", [doc_id, arm])

    def experiment_arms(self, doc_ids: Sequence[int] | None = None) -> dict[int, str]:
        """Document id -> arm, for the documents in the experiment (all, or among `doc_ids`)."""
        rows = self._q("SELECT document_id, arm FROM experiment_documents ORDER BY document_id")
        arms = dict(rows)
        return arms if doc_ids is None else {d: arms[d] for d in doc_ids if d in arms}

    def suggestions_withheld(self, doc_id: int) -> bool:
        """Whether annotators are to see no suggestions on this document (an A/B experiment's
        `withheld` arm). The GUI's session asks this when it opens a document."""
        return bool(self._q("SELECT 1 FROM experiment_documents WHERE document_id = ? AND "
                            "arm = 'withheld'", [doc_id]))
