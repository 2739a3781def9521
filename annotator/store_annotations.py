"""The annotations' rows: spans and the arguments that join them into events, every layer alike
(the models' suggestions, each annotator's, gold).

A part of `Store` (it mixes this class in), kept apart from opening the file and from the
documents: these are the rows every edit writes, with the checks that keep a layer whole (a
span inside its document, an argument in its trigger's document and layer, one decision per
suggestion). Each write is reported to the effects being recorded (`Store.recording`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timezone

from annotator.changes import Effect, StoreError
from annotator.model import SUGGESTIONS, Annotations, Argument, Decision, Span, SpanKind


def stored_at() -> str:
    """The time a row is written (`updated_at`, `added_at` ...): UTC to the second (the journal
    and the activity table use milliseconds, `store_activity.stamp`)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


SPAN_COLUMNS = (
    "id, document_id, layer, kind, start_char, end_char, label, origin, decision, score, "
    "suggestion_id"
)
ARGUMENT_COLUMNS = "id, trigger_id, role, argument_id, origin, decision, score, frame"
#: well under SQLite's limit on parameters in one statement (32,766; 999 before 3.32)
IDS_PER_QUERY = 900


#: Span field -> (column, conversion), for writing only the columns an update changes
_SPAN_UPDATES = {
    "doc_id": ("document_id", int), "layer": ("layer", str),
    "kind": ("kind", lambda k: SpanKind(k).value), "start": ("start_char", int),
    "end": ("end_char", int), "label": ("label", str), "origin": ("origin", str),
    "decision": ("decision", lambda d: Decision(d).value), "score": ("score", lambda x: x),
    "suggestion_id": ("suggestion_id", lambda x: x),
}

#: value -> member without Enum.__call__, which dominates reading a thousand spans
_KINDS = {k.value: k for k in SpanKind}
_DECISIONS = {d.value: d for d in Decision}


def _span(row: Sequence) -> Span:
    return Span(
        id=row[0], doc_id=row[1], layer=row[2], kind=_KINDS[row[3]], start=row[4], end=row[5],
        label=row[6], origin=row[7], decision=_DECISIONS[row[8]], score=row[9],
        suggestion_id=row[10],
    )


def _argument(row: Sequence) -> Argument:
    return Argument(
        id=row[0], trigger_id=row[1], role=row[2], argument_id=row[3], origin=row[4],
        decision=Decision(row[5]), score=row[6], frame=row[7],
    )



class AnnotationRecords:
    """Mixed into `Store`, whose connection (`_q`, `db`), transactions (`atomic`), recorders
    and document lengths (`_length`) these use."""

    _recorders: list[Effect]

    def add_span(self, span: Span) -> Span:
        """Insert a span; an explicit id (as undo uses) is kept, otherwise one is assigned.

        A decision on a suggestion needs the suggestion to exist still (a pre-annotation run
        in another program may have replaced it) and is the layer's only one on it."""
        if span.end > self._length(span.doc_id):
            raise StoreError(f"span {span.start}..{span.end} is outside document {span.doc_id}")
        with self.atomic():
            if span.suggestion_id is not None:
                self._check_suggestion(span)
            try:
                cursor = self.db.execute(
                    f"INSERT INTO spans ({SPAN_COLUMNS}, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [span.id, span.doc_id, span.layer, span.kind.value, span.start, span.end,
                     span.label, span.origin, span.decision.value, span.score,
                     span.suggestion_id, stored_at()],
                )
            except sqlite3.IntegrityError as exc:
                if span.id is not None and self._q("SELECT 1 FROM spans WHERE id = ?", [span.id]):
                    raise StoreError(f"span id {span.id} is taken by another span") from None
                raise StoreError(f"span {span.start}..{span.end} {span.label}: {exc}") from None
            stored = span.with_(id=cursor.lastrowid)
            for effect in self._recorders:
                effect.span_added(stored)
        return stored

    def _check_suggestion(self, span: Span) -> None:
        if not self._q("SELECT 1 FROM spans WHERE id = ?", [span.suggestion_id]):
            raise StoreError(f"the suggestion {span.label} at {span.start}..{span.end} is gone: "
                             "pre-annotation was run again since; reopen the document")
        other = self.decision_on(span.suggestion_id, span.layer)
        if other is not None and other != span.id:
            raise StoreError(f"{span.layer} has already decided on the suggestion {span.label} "
                             f"at {span.start}..{span.end} (perhaps in another window)")

    def decision_on(self, suggestion_id: int, layer: str) -> int | None:
        """The id of `layer`'s span deciding on suggestion `suggestion_id`, if there is one."""
        rows = self._q("SELECT id FROM spans WHERE suggestion_id = ? AND layer = ?",
                       [suggestion_id, layer])
        return rows[0][0] if rows else None

    def get_span(self, span_id: int) -> Span:
        rows = self._q(f"SELECT {SPAN_COLUMNS} FROM spans WHERE id = ?", [span_id])
        if not rows:
            raise StoreError(f"no span with id {span_id}")
        return _span(rows[0])

    def update_span(self, span_id: int, **changes) -> Span:
        """Change label, kind, start, end, decision, origin, score or suggestion link of a span.

        Read and written in one transaction, and only the columns that change are written, so
        another program changing other columns of the same span meanwhile is not overwritten.
        """
        with self.atomic():
            before = self.get_span(span_id)
            span = before.with_(**changes)
            if span.end > self._length(span.doc_id):
                raise StoreError(f"span {span.start}..{span.end} is outside document "
                                 f"{span.doc_id}")
            columns = {column: convert(getattr(span, name))
                       for name, (column, convert) in _SPAN_UPDATES.items()
                       if getattr(span, name) != getattr(before, name)}
            if not columns:
                return before
            if "suggestion_id" in columns and span.suggestion_id is not None:
                self._check_suggestion(span)
            assignments = ", ".join(f"{column} = ?" for column in columns)
            self.db.execute(f"UPDATE spans SET {assignments}, updated_at = ? WHERE id = ?",
                            [*columns.values(), stored_at(), span_id])
            for effect in self._recorders:
                effect.span_changed(before, span)
        return span

    def delete_span(self, span_id: int) -> tuple[Span, list[Argument]]:
        """Delete a span and the arguments that use it; returns both so undo can restore them."""
        with self.atomic():
            span = self.get_span(span_id)
            rows = self._q(
                f"SELECT {ARGUMENT_COLUMNS} FROM arguments WHERE trigger_id = ? OR argument_id = ?"
                " ORDER BY id", [span_id, span_id],
            )
            arguments = [_argument(r) for r in rows]
            self.db.execute("DELETE FROM spans WHERE id = ?", [span_id])
            for effect in self._recorders:
                effect.span_removed(span, arguments)
        return span, arguments

    def spans(self, doc_id: int, layer: str | None = None) -> list[Span]:
        sql = f"SELECT {SPAN_COLUMNS} FROM spans WHERE document_id = ?"
        params: list = [doc_id]
        if layer is not None:
            sql += " AND layer = ?"
            params.append(layer)
        return [_span(r) for r in self._q(sql + " ORDER BY start_char, end_char DESC, id", params)]

    def spans_by_id(self, span_ids: Iterable[int]) -> list[Span]:
        """The spans among `span_ids` that exist (an edit's undo may have deleted some). Asked
        in slices: "annotate all occurrences" across a corpus can write more spans than SQLite
        takes parameters in one statement."""
        return [_span(r) for r in self._rows_by_id(
            f"SELECT {SPAN_COLUMNS} FROM spans WHERE id IN ({{}})", span_ids)]

    def add_argument(self, argument: Argument) -> Argument:
        with self.atomic():
            trigger = self.get_span(argument.trigger_id)
            arg = self.get_span(argument.argument_id)
            if trigger.kind is not SpanKind.TRIGGER:
                raise StoreError(f"span {trigger.id} is not an event trigger")
            if trigger.layer != arg.layer or trigger.doc_id != arg.doc_id:
                raise StoreError("an argument must be in the same document and layer as its "
                                 "trigger")
            if argument.frame < 0:
                raise StoreError(f"an event frame is a number from 0, not {argument.frame}")
            try:
                cursor = self.db.execute(
                    f"INSERT INTO arguments ({ARGUMENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [argument.id, argument.trigger_id, argument.role, argument.argument_id,
                     argument.origin, argument.decision.value, argument.score,
                     argument.frame],
                )
            except sqlite3.IntegrityError:
                raise StoreError(f"argument id {argument.id} is taken") from None
            stored = replace(argument, id=cursor.lastrowid)
            for effect in self._recorders:
                effect.argument_added(stored)
        return stored

    def get_argument(self, argument_id: int) -> Argument:
        rows = self._q(f"SELECT {ARGUMENT_COLUMNS} FROM arguments WHERE id = ?", [argument_id])
        if not rows:
            raise StoreError(f"no argument with id {argument_id}")
        return _argument(rows[0])

    def arguments_by_id(self, argument_ids: Iterable[int]) -> list[Argument]:
        """The arguments among `argument_ids` that exist."""
        return [_argument(r) for r in self._rows_by_id(
            f"SELECT {ARGUMENT_COLUMNS} FROM arguments WHERE id IN ({{}})", argument_ids)]

    def arguments_of_spans(self, span_ids: Iterable[int]) -> list[Argument]:
        """The arguments whose trigger or argument is among `span_ids`."""
        ids = list(span_ids)
        rows = self._rows_by_id(f"SELECT {ARGUMENT_COLUMNS} FROM arguments WHERE trigger_id IN "
                                "({})", ids)
        rows += self._rows_by_id(f"SELECT {ARGUMENT_COLUMNS} FROM arguments WHERE argument_id "
                                 "IN ({})", ids)
        return [_argument(r) for r in dict.fromkeys(rows)]

    def _rows_by_id(self, sql: str, ids: Iterable[int]) -> list[tuple]:
        """`sql` with `{}` for a list of ids, asked in slices (SQLite's parameter limit)."""
        ids = list(ids)
        found: list[tuple] = []
        for at in range(0, len(ids), IDS_PER_QUERY):
            part = ids[at:at + IDS_PER_QUERY]
            found += self._q(sql.format(", ".join("?" * len(part))), part)
        return found

    def delete_argument(self, argument_id: int) -> Argument:
        with self.atomic():
            argument = self.get_argument(argument_id)
            self.db.execute("DELETE FROM arguments WHERE id = ?", [argument_id])
            for effect in self._recorders:
                effect.argument_removed(argument)
        return argument

    def arguments(self, doc_id: int, layer: str | None = None) -> list[Argument]:
        sql = (f"SELECT {', '.join('a.' + c.strip() for c in ARGUMENT_COLUMNS.split(','))} "
               "FROM arguments a JOIN spans t ON t.id = a.trigger_id WHERE t.document_id = ?")
        params: list = [doc_id]
        if layer is not None:
            sql += " AND t.layer = ?"
            params.append(layer)
        return [_argument(r) for r in self._q(sql + " ORDER BY a.id", params)]

    def annotations(self, doc_id: int, layer: str, *, effective: bool = False) -> Annotations:
        """One layer's spans and arguments on a document; `effective` drops tombstones."""
        spans = self.spans(doc_id, layer)
        arguments = self.arguments(doc_id, layer)
        if effective:
            spans = [s for s in spans if s.is_effective]
            keep = {s.id for s in spans}
            arguments = [a for a in arguments if a.trigger_id in keep and a.argument_id in keep
                         and a.decision is not Decision.REJECTED]
        return Annotations(spans, arguments)

    def layer_rows(self, doc_ids: Sequence[int],
                   layers: Sequence[str]) -> tuple[list[tuple], list[tuple]]:
        """Effective spans and arguments of `layers` on `doc_ids` as plain tuples.

        For code that reads a whole corpus (agreement), where building a `Span` per row would
        cost more than the computation. Spans: (document_id, layer, id, kind, start, end,
        label), in document and text order; arguments: (document_id, layer, trigger_id, role,
        argument_id, frame), in the order they were made, both ends effective and the argument
        not rejected.
        """
        if not doc_ids or not layers:
            return [], []
        where = (f"IN ({','.join('?' * len(doc_ids))}) AND "
                 f"{{}}.layer IN ({','.join('?' * len(layers))})")
        effective = [Decision.ACCEPTED.value, Decision.EDITED.value]
        spans = self._q(
            "SELECT document_id, layer, id, kind, start_char, end_char, label FROM spans s "
            f"WHERE s.document_id {where.format('s')} AND s.decision IN (?, ?) "
            "ORDER BY document_id, start_char, end_char DESC, id",
            [*doc_ids, *layers, *effective])
        arguments = self._q(
            "SELECT t.document_id, t.layer, a.trigger_id, a.role, a.argument_id, a.frame "
            "FROM arguments a JOIN spans t ON t.id = a.trigger_id "
            "JOIN spans g ON g.id = a.argument_id "
            f"WHERE t.document_id {where.format('t')} AND a.decision != ? "
            "AND t.decision IN (?, ?) AND g.decision IN (?, ?) ORDER BY a.id",
            [*doc_ids, *layers, Decision.REJECTED.value, *effective, *effective])
        return spans, arguments

    def pending_suggestions(self, doc_id: int, annotator: str) -> Annotations:
        """Suggestions `annotator` has not decided on: not linked to, nor at a place they marked."""
        return undecided(self.annotations(doc_id, SUGGESTIONS), self.spans(doc_id, annotator))

    def clear_layer(self, doc_id: int, layer: str) -> None:
        with self.atomic():
            self.db.execute("DELETE FROM spans WHERE document_id = ? AND layer = ?",
                            [doc_id, layer])


def undecided(suggestions: Annotations, mine: Sequence[Span]) -> Annotations:
    """The suggestions an annotator with spans `mine` has not decided on: not linked to, nor at
    a place they marked. (The GUI keeps a document's suggestions and calls this per edit.)"""
    decided = {s.suggestion_id for s in mine if s.suggestion_id is not None}
    places = {(s.start, s.end, s.kind) for s in mine}
    spans = [s for s in suggestions.spans
             if s.id not in decided and (s.start, s.end, s.kind) not in places]
    keep = {s.id for s in spans}
    return Annotations(spans, [a for a in suggestions.arguments if a.trigger_id in keep])
