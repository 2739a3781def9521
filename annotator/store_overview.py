"""What a project holds, read as overviews: the document list as one annotator sees it, the
full-text search, and the corpus statistics `annotator stats` prints.

A part of `Store` (it mixes this class in), kept apart because none of it writes: these are the
read-only queries over every table, where the rest of the store is the model's rows and their
transactions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from annotator.model import GOLD, SUGGESTIONS, Decision, DocumentSummary, ListOrder, Status

#: the documents of the list, each with its status for the annotator bound as the first
#: parameter (counting them joins nothing more: SQLite would look up every row it joins)
LISTED = ("FROM documents d LEFT JOIN document_status st "
          "ON st.document_id = d.id AND st.annotator = ?")


def _listing(annotator: str, name: str, status: Status | None) -> tuple[str, list]:
    """The WHERE clause (and its parameters, `annotator` first) of a filtered document list."""
    where, params = ["1"], [annotator]
    if name:
        where.append("instr(lower(d.name), lower(?)) > 0")
        params.append(name)
    if status is not None:
        where.append("coalesce(st.status, 'todo') = ?")
        params.append(Status(status).value)
    return " AND ".join(where), params


@dataclass
class SearchHit:
    doc_id: int
    name: str
    snippet: str


class ProjectOverview:
    """Mixed into `Store`, whose connection (`_q`) and lists of documents and annotators these
    queries use."""

    path: Path

    def document_summaries(self, annotator: str, *, name: str = "",
                           status: Status | None = None, offset: int = 0, limit: int = -1,
                           ids: list[int] | None = None,
                           order: ListOrder = ListOrder.DOCUMENT) -> list[DocumentSummary]:
        """The document list as `annotator` sees it, in `order`: status, value in the queue
        (`annotator.queue`) and pending suggestions (none for gold, which is settled from the
        annotators' layers, not from the models' proposals, and none where an A/B experiment
        withholds them). A page of it (`offset`, `limit`), the documents whose name holds
        `name` (any case) and whose status is `status`, or just the documents `ids` (in id
        order): the window reads a page at a time, so a corpus of 100,000 opens as fast as one
        of four."""
        if order is ListOrder.INFORMATIVE and ids is None:
            page = self.informative_ids(annotator, name=name, status=status, offset=offset,
                                        limit=limit)
            rows = {row.id: row for row in self.document_summaries(annotator, ids=page)}
            return [rows[doc_id] for doc_id in page]
        where, params = _listing(annotator, name, status)
        if ids is not None:
            where += f" AND d.id IN ({', '.join('?' * len(ids))})" if ids else " AND 0"
        rows = self._q(
            f"""
            SELECT d.id, d.name, length(d.text), coalesce(st.status, 'todo'),
              (SELECT count(*) FROM spans s WHERE s.document_id = d.id AND s.layer = ?
                 AND ? != ? AND NOT EXISTS (SELECT 1 FROM experiment_documents x
                   WHERE x.document_id = d.id AND x.arm = 'withheld')
                 AND NOT EXISTS (SELECT 1 FROM spans m WHERE m.document_id = d.id
                   AND m.layer = ? AND (m.suggestion_id = s.id OR (m.start_char = s.start_char
                   AND m.end_char = s.end_char AND m.kind = s.kind)))),
              q.value, coalesce(q.disagreements, 0), coalesce(q.uncertainty, 0)
            {LISTED} LEFT JOIN document_queue q ON q.document_id = d.id WHERE {where}
            ORDER BY d.id LIMIT ? OFFSET ?
            """,
            [SUGGESTIONS, annotator, GOLD, annotator, *params, *(ids or []), limit, offset],
        )
        return [DocumentSummary(r[0], r[1], r[2], Status(r[3]), r[4], r[5], r[6], r[7])
                for r in rows]

    def count_listed(self, annotator: str, *, name: str = "", status: Status | None = None,
                     before: int | None = None, order: ListOrder = ListOrder.DOCUMENT) -> int:
        """How many documents the list shows with this filter (those listed before `before`
        in `order`, when given: the row that document is on)."""
        if before is not None and order is ListOrder.INFORMATIVE:
            return self.informative_position(annotator, before, name=name, status=status)
        where, params = _listing(annotator, name, status)
        if before is not None:
            where += " AND d.id < ?"
            params.append(before)
        return self._q(f"SELECT count(*) {LISTED} WHERE {where}", params)[0][0]

    def listed_neighbour(self, annotator: str, doc_id: int | None, direction: int, *,
                         name: str = "", status: Status | None = None,
                         order: ListOrder = ListOrder.DOCUMENT) -> int | None:
        """The document after (1) or before (-1) `doc_id` in the filtered list, in `order`;
        the first one when `doc_id` is None."""
        if order is ListOrder.INFORMATIVE:
            return self.informative_neighbour(annotator, doc_id, direction, name=name,
                                              status=status)
        where, params = _listing(annotator, name, status)
        if doc_id is not None:
            where += " AND d.id > ?" if direction > 0 else " AND d.id < ?"
            params.append(doc_id)
        order_by = "ASC" if direction > 0 or doc_id is None else "DESC"
        rows = self._q(f"SELECT d.id {LISTED} WHERE {where} ORDER BY d.id {order_by} LIMIT 1",
                       params)
        return rows[0][0] if rows else None

    def count_done(self, annotator: str) -> int:
        return self._q("SELECT count(*) FROM document_status WHERE annotator = ? AND status = ?",
                       [annotator, Status.DONE.value])[0][0]

    # --- search --------------------------------------------------------------------------
    def search(self, query: str, limit: int = 100) -> list[SearchHit]:
        """Full-text search over document names and text (SQLite FTS5, porter stemming)."""
        phrase = '"' + query.replace('"', '""') + '"'
        rows = self._q(
            "SELECT d.id, d.name, snippet(documents_fts, 1, '[', ']', '…', 12) "
            "FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid "
            "WHERE documents_fts MATCH ? ORDER BY rank LIMIT ?",
            [phrase, limit],
        )
        return [SearchHit(*r) for r in rows]

    # --- statistics ----------------------------------------------------------------------
    def stats(self) -> dict:
        """Counts people want before they trust a corpus; `annotator stats` prints them."""
        tokens = sum(len(json.loads(r[0])) for r in self._q("SELECT tokens FROM document_analysis"))
        by_layer: dict[str, dict] = {}
        for layer, kind, label, decision, n in self._q(
            "SELECT layer, kind, label, decision, count(*) FROM spans "
            "GROUP BY layer, kind, label, decision ORDER BY layer, kind, label"
        ):
            entry = by_layer.setdefault(layer, {"entity": {}, "trigger": {}, "rejected": 0})
            if decision == Decision.REJECTED.value:
                entry["rejected"] += n
            else:
                entry[kind][label] = entry[kind].get(label, 0) + n
        done = dict(self._q("SELECT annotator, count(*) FROM document_status WHERE status = ? "
                            "GROUP BY annotator ORDER BY annotator", [Status.DONE.value]))
        return {
            "project": str(self.path),
            "schema_version": self.version,
            "documents": self.count_documents(),
            "characters": self._q("SELECT coalesce(sum(length(text)), 0) FROM documents")[0][0],
            "analysed_documents": self._q("SELECT count(*) FROM document_analysis")[0][0],
            "tokens": tokens,
            "annotators": self.annotators(),
            "spans": {
                layer: {"entities": e["entity"], "triggers": e["trigger"],
                        "rejected": e["rejected"]}
                for layer, e in by_layer.items()
            },
            "events": {layer: self._events_by_type(layer) for layer in by_layer},
            "arguments": dict(self._q(
                "SELECT t.layer, count(*) FROM arguments a JOIN spans t ON t.id = a.trigger_id "
                "GROUP BY t.layer ORDER BY t.layer")),
            "done": {name: done.get(name, 0) for name in self.annotators()},
        }

    def _events_by_type(self, layer: str) -> dict[str, int]:
        """Events per type in `layer`: each trigger, and each further event sharing one (an
        argument frame above 0)."""
        counts = dict(self._q(
            "SELECT label, count(*) FROM spans WHERE layer = ? AND kind = 'trigger' "
            "AND decision != 'rejected' GROUP BY label ORDER BY label", [layer]))
        for label, extra in self._q(
                "SELECT t.label, count(DISTINCT a.trigger_id || ':' || a.frame) FROM arguments a "
                "JOIN spans t ON t.id = a.trigger_id WHERE t.layer = ? AND a.frame > 0 "
                "AND t.decision != 'rejected' GROUP BY t.label", [layer]):
            counts[label] = counts.get(label, 0) + extra
        return counts

    def rejected_rows(self, doc_ids: list[int], layer: str) -> list[tuple]:
        """(document_id, kind, start, end, label) of the spans `layer` rejected on `doc_ids`:
        the decisions exports that can say "not this" (Prodigy's `answer: reject`) write."""
        if not doc_ids:
            return []
        return self._q(
            "SELECT document_id, kind, start_char, end_char, label FROM spans WHERE layer = ? "
            f"AND decision = ? AND document_id IN ({','.join('?' * len(doc_ids))}) "
            "ORDER BY document_id, start_char, end_char DESC, id",
            [layer, Decision.REJECTED.value, *doc_ids])

    def decided_ids(self, layer: str) -> set[int]:
        """Documents on which `layer` holds any span, rejected decisions included."""
        return {r[0] for r in self._q("SELECT DISTINCT document_id FROM spans WHERE layer = ?",
                                      [layer])}
