"""How informative each document is, kept in `document_queue` so the list orders in SQL.

A part of `Store` (it mixes this class in). The value of a document (`annotator.queue` says
why it is what it is) depends only on the `suggestions` layer, never on an annotator's
decisions, so one row per document serves every annotator. Triggers on `spans` mark a row
stale when a suggestion of its document is written (pre-annotation, a lexicon refresh); this
computes the stale rows again, a batch of documents per short transaction, so a window's key
press never waits long for the write lock.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.model import SUGGESTIONS, SpanKind, Status

#: `annotator.lexicon.ORIGIN` (that module imports the store, so it cannot be imported here)
LEXICON = "lexicon"
#: documents computed per transaction
QUEUE_BATCH = 500

#: (document_id, value, disagreements, uncertainty) of the documents in {ids}: uncertainty is
#: 1 - p summed over suggestions with a probability (lexicon evidence counts are above 1 and
#: add nothing); a disagreement is a lexicon suggestion overlapped by a model's entity
#: suggestion with another label or another extent
_VALUES = f"""
SELECT d.id, round(coalesce(x.n, 0) + round(coalesce(u.total, 0), 4), 4), coalesce(x.n, 0),
       round(coalesce(u.total, 0), 4), 0
FROM documents d
LEFT JOIN (SELECT document_id, sum(1.0 - score) AS total FROM spans
           WHERE layer = '{SUGGESTIONS}' AND score BETWEEN 0 AND 1 AND document_id IN ({{ids}})
           GROUP BY document_id) u ON u.document_id = d.id
LEFT JOIN (SELECT x.document_id, count(*) AS n FROM spans x
           WHERE x.layer = '{SUGGESTIONS}' AND x.origin = '{LEXICON}' AND x.document_id IN ({{ids}})
             AND EXISTS (SELECT 1 FROM spans m WHERE m.document_id = x.document_id
               AND m.layer = '{SUGGESTIONS}' AND m.origin != '{LEXICON}'
               AND m.kind = '{SpanKind.ENTITY.value}'
               AND m.start_char < x.end_char AND x.start_char < m.end_char
               AND NOT (m.start_char = x.start_char AND m.end_char = x.end_char
                        AND m.label = x.label))
           GROUP BY x.document_id) x ON x.document_id = d.id
WHERE d.id IN ({{ids}})
"""


class QueueValues:
    """Mixed into `Store`: its connection (`db`, `_q`) and transactions (`atomic`)."""

    def stale_queue_values(self) -> list[int]:
        """Documents whose value is out of date (new, or a suggestion of theirs changed)."""
        return [r[0] for r in self._q(
            "SELECT document_id FROM document_queue WHERE stale = 1 ORDER BY document_id")]

    def fill_queue_values(self) -> int:
        """Compute the stale values: one SQL aggregate per batch of `QUEUE_BATCH` documents,
        each its own transaction. Returns how many were stale."""
        stale = self.stale_queue_values()
        for first in range(0, len(stale), QUEUE_BATCH):
            batch = stale[first:first + QUEUE_BATCH]
            marks = ", ".join("?" * len(batch))
            with self.atomic():
                self.db.execute("REPLACE INTO document_queue (document_id, value, disagreements, "
                                "uncertainty, stale) " + _VALUES.format(ids=marks), batch * 3)
        return len(stale)


@dataclass(frozen=True)
class _Section:
    """One status's part of the informative order: where its documents are and how sorted."""

    status: Status
    #: FROM and WHERE of its documents (`annotator` the first parameter)
    rows: str
    #: the column that holds a document's id there
    id: str
    #: sorted by value (highest first), else by id
    by_value: bool


_SECTIONS = tuple(
    _Section(status, "FROM document_status st WHERE st.annotator = ? AND st.status = "
             f"'{status.value}'", "st.document_id", False)
    if status is not Status.TODO else
    _Section(status, "FROM document_queue q WHERE NOT EXISTS (SELECT 1 FROM document_status st "
             "WHERE st.document_id = q.document_id AND st.annotator = ? AND st.status != "
             f"'{Status.TODO.value}')", "q.document_id", True)
    for status in (Status.IN_PROGRESS, Status.TODO, Status.DONE))


class InformativeOrder:
    """Mixed into `Store`: the document list in `ListOrder.INFORMATIVE` (in progress by id,
    then to do by value, highest first, then done by id), one status section at a time. The
    to-do section is read from `document_queue`, which a trigger gives every document a row.

    Each section is read through an index (`document_status_by_status`, or
    `document_queue_by_value` for the to-do documents) in the order shown, so a page, the row
    of a document and its neighbour cost the rows they pass, not a sort of the whole corpus:
    a page of 100,000 documents is read in milliseconds."""

    def _sections(self, status: Status | None) -> list[_Section]:
        return [s for s in _SECTIONS if status is None or s.status is Status(status)]

    def _where(self, section: _Section, annotator: str, name: str) -> tuple[str, list]:
        sql, params = section.rows, [annotator]
        if name:
            sql += (f" AND EXISTS (SELECT 1 FROM documents d WHERE d.id = {section.id} "
                    "AND instr(lower(d.name), lower(?)) > 0)")
            params.append(name)
        return sql, params

    def _order_by(self, section: _Section, sort: str = "ASC") -> str:
        back = "DESC" if sort == "ASC" else "ASC"
        return (f"q.value {back}, q.document_id {sort}" if section.by_value
                else f"{section.id} {sort}")

    def informative_ids(self, annotator: str, *, name: str = "", status: Status | None = None,
                        offset: int = 0, limit: int = -1) -> list[int]:
        """The ids of a page of the list in the informative order."""
        found: list[int] = []
        for section in self._sections(status):
            if 0 <= limit <= len(found):
                break
            rows, params = self._where(section, annotator, name)
            if offset:
                count = self._q(f"SELECT count(*) {rows}", params)[0][0]
                if offset >= count:
                    offset -= count
                    continue
            wanted = -1 if limit < 0 else limit - len(found)
            found += [r[0] for r in self._q(
                f"SELECT {section.id} {rows} ORDER BY {self._order_by(section)} "
                "LIMIT ? OFFSET ?", [*params, wanted, offset])]
            offset = 0
        return found

    def _section_of(self, annotator: str, doc_id: int) -> tuple[Status, float]:
        """The section a document is in for `annotator`, and its value."""
        rows = self._q(
            "SELECT coalesce((SELECT status FROM document_status WHERE document_id = ? "
            "AND annotator = ?), ?), coalesce((SELECT value FROM document_queue "
            "WHERE document_id = ?), 0)", [doc_id, annotator, Status.TODO.value, doc_id])
        return Status(rows[0][0]), rows[0][1]

    def informative_position(self, annotator: str, doc_id: int, *, name: str = "",
                             status: Status | None = None) -> int:
        """How many documents come before `doc_id` in the informative order."""
        own, value = self._section_of(annotator, doc_id)
        before = 0
        for section in self._sections(status):
            rows, params = self._where(section, annotator, name)
            if section.status is not own:
                before += self._q(f"SELECT count(*) {rows}", params)[0][0]
                continue
            if section.by_value:
                before += self._q(f"SELECT count(*) {rows} AND q.value > ?",
                                  [*params, value])[0][0]
                before += self._q(f"SELECT count(*) {rows} AND q.value = ? "
                                  "AND q.document_id < ?", [*params, value, doc_id])[0][0]
            else:
                before += self._q(f"SELECT count(*) {rows} AND {section.id} < ?",
                                  [*params, doc_id])[0][0]
            break
        return before

    def informative_neighbour(self, annotator: str, doc_id: int | None, direction: int, *,
                              name: str = "", status: Status | None = None) -> int | None:
        """The document after (1) or before (-1) `doc_id` in the informative order; the first
        one when `doc_id` is None."""
        sections = self._sections(status)
        sort = "ASC" if direction > 0 or doc_id is None else "DESC"
        if sort == "DESC":
            sections = sections[::-1]
        own, value = (None, 0.0) if doc_id is None else self._section_of(annotator, doc_id)
        reached = doc_id is None or own not in [s.status for s in sections]
        for section in sections:
            rows, params = self._where(section, annotator, name)
            tries: list[tuple[str, list]] = [("", [])]
            if section.status is own:
                reached = True
                later, earlier = (">", "<") if sort == "ASC" else ("<", ">")
                tries = ([(f" AND q.value = ? AND q.document_id {later} ?", [value, doc_id]),
                          (f" AND q.value {earlier} ?", [value])] if section.by_value
                         else [(f" AND {section.id} {later} ?", [doc_id])])
            elif not reached:
                continue
            for condition, more in tries:
                found = self._q(f"SELECT {section.id} {rows}{condition} ORDER BY "
                                f"{self._order_by(section, sort)} LIMIT 1", [*params, *more])
                if found:
                    return found[0][0]
        return None
