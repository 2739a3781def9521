"""Who has a layer and how far they are: each annotator's status per document (todo, in
progress, done) and the documents their layer has annotated.

A part of `Store` (it mixes this class in), kept apart from the annotations' rows: a status is
a person's word on a whole document, not a mark in its text.
"""

from __future__ import annotations

from annotator.changes import Effect
from annotator.model import GOLD, SUGGESTIONS, Decision, Status
from annotator.store_annotations import stored_at


class StatusRecords:
    """Mixed into `Store`, whose connection (`_q`, `db`), transactions (`atomic`) and recorders
    these use."""

    _recorders: list[Effect]

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
                [doc_id, annotator, Status(status).value, stored_at()],
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
