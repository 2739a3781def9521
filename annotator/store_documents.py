"""The documents of a project and their analyses: texts (each once, by content), the tokens and
sentences a pipeline read in them, and the suggestions it made.

A part of `Store` (it mixes this class in), kept apart from the annotations' rows: a document's
text never changes once added, and an analysis is replaced whole; the suggestions it brings are
written in bulk here, while annotators' decisions on them are kept.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from annotator.changes import StoreError
from annotator.model import (
    SUGGESTIONS,
    Decision,
    Document,
    Parse,
    Sentence,
    Span,
    SpanKind,
    Token,
    content_hash,
)
from annotator.store_annotations import ARGUMENT_COLUMNS, SPAN_COLUMNS, stored_at


@dataclass
class AddReport:
    """What `add_documents` did: the new ids, and the names it skipped as already present."""

    added: list[int] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)


@dataclass
class Analysis:
    """A pipeline's reading of one document: tokens, sentences, and the suggestions it makes.

    `arguments` refer to `spans` by position: (trigger index, role, argument index, score);
    `parse` is kept for linking later suggestions (None: the pipeline has no parser).
    """

    doc_id: int
    model: str
    tokens: Sequence[Token]
    sentences: Sequence[Sentence]
    spans: Sequence[Span] = ()
    arguments: Sequence[tuple[int, str, int, float | None]] = ()
    argument_origin: str = "rule:arguments"
    parse: Parse | None = None


def pack_parse(parse: Parse) -> bytes:
    """A parse as stored: zlib-compressed JSON of the labels used and, per token, its length,
    trailing space (0/1), head as an offset from the token and dep, POS and tag as indices into
    the labels (flat lists of small numbers: quick to read, and they compress well)."""
    labels = sorted({*parse.deps, *parse.pos, *parse.tags})
    index = {label: i for i, label in enumerate(labels)}
    packed = {"labels": labels, "lengths": list(parse.lengths),
              "spaces": [int(space) for space in parse.spaces],
              "heads": [head - i for i, head in enumerate(parse.heads)],
              "deps": [index[d] for d in parse.deps], "pos": [index[p] for p in parse.pos],
              "tags": [index[t] for t in parse.tags]}
    return zlib.compress(json.dumps(packed, separators=(",", ":")).encode("ascii"))


def unpack_parse(blob: bytes) -> Parse:
    """The inverse of `pack_parse`."""
    packed = json.loads(zlib.decompress(blob))
    labels = packed["labels"]
    return Parse(tuple(packed["lengths"]), tuple(map(bool, packed["spaces"])),
                 tuple(i + offset for i, offset in enumerate(packed["heads"])),
                 tuple(labels[i] for i in packed["deps"]), tuple(labels[i] for i in packed["pos"]),
                 tuple(labels[i] for i in packed["tags"]))


class DocumentRecords:
    """Mixed into `Store`, whose connection (`_q`, `db`), transactions (`atomic`) and spans and
    arguments (`spans`, `arguments`) these use."""

    _lengths: dict[int, int]

    # --- documents -----------------------------------------------------------------------
    def add_documents(self, documents: Iterable[Document]) -> AddReport:
        """Add documents in one transaction; a text already in the project is skipped."""
        report = AddReport()
        with self.atomic():
            for doc in documents:
                digest = content_hash(doc.text)
                if self._q("SELECT 1 FROM documents WHERE content_hash = ?", [digest]):
                    report.duplicates.append(doc.name)
                    continue
                cursor = self.db.execute(
                    "INSERT INTO documents (name, text, meta, content_hash, added_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [self._unique_name(doc.name), doc.text,
                     json.dumps(doc.meta, ensure_ascii=False), digest, stored_at()],
                )
                report.added.append(cursor.lastrowid)
        return report

    def _unique_name(self, name: str) -> str:
        candidate, n = name, 1
        while self._q("SELECT 1 FROM documents WHERE name = ?", [candidate]):
            n += 1
            candidate = f"{name} ({n})"
        return candidate

    def _document(self, where: str, value) -> Document | None:
        rows = self._q(f"SELECT id, name, text, meta FROM documents WHERE {where} = ?", [value])
        if not rows:
            return None
        doc_id, name, text, meta = rows[0]
        return Document(name=name, text=text, meta=json.loads(meta or "{}"), id=doc_id)

    def document(self, doc_id: int) -> Document:
        doc = self._document("id", doc_id)
        if doc is None:
            raise StoreError(f"no document with id {doc_id}")
        return doc

    def document_by_name(self, name: str) -> Document | None:
        return self._document("name", name)

    def document_by_hash(self, digest: str) -> Document | None:
        return self._document("content_hash", digest)

    def document_ids(self) -> list[int]:
        return [r[0] for r in self._q("SELECT id FROM documents ORDER BY id")]

    def count_documents(self) -> int:
        return self._q("SELECT count(*) FROM documents")[0][0]

    def iter_documents(self, ids: Iterable[int] | None = None) -> Iterator[Document]:
        """Documents one at a time (constant memory), in id order."""
        for doc_id in self.document_ids() if ids is None else ids:
            yield self.document(doc_id)

    def _length(self, doc_id: int) -> int:
        """A document's length in characters, which SQLite counts by scanning the text; a
        document's text never changes, so each is counted once per connection."""
        length = self._lengths.get(doc_id)
        if length is None:
            rows = self._q("SELECT length(text) FROM documents WHERE id = ?", [doc_id])
            if not rows:
                raise StoreError(f"no document with id {doc_id}")
            length = self._lengths[doc_id] = rows[0][0]
        return length

    # --- analyses (tokens, sentences) ----------------------------------------------------
    def tokens(self, doc_id: int) -> list[Token]:
        rows = self._q("SELECT tokens FROM document_analysis WHERE document_id = ?", [doc_id])
        return [Token(s, e, bool(w)) for s, e, w in json.loads(rows[0][0])] if rows else []

    def sentences(self, doc_id: int) -> list[Sentence]:
        rows = self._q("SELECT sentences FROM document_analysis WHERE document_id = ?", [doc_id])
        return [Sentence(s, e) for s, e in json.loads(rows[0][0])] if rows else []

    def parse(self, doc_id: int) -> Parse | None:
        """The stored parse of the document's tokens; None when it was analysed without a
        parser or before parses were kept (re-analysing brings it)."""
        rows = self._q("SELECT parse FROM document_analysis WHERE document_id = ?", [doc_id])
        return unpack_parse(rows[0][0]) if rows and rows[0][0] is not None else None

    def analysis_model(self, doc_id: int) -> str | None:
        rows = self._q("SELECT model FROM document_analysis WHERE document_id = ?", [doc_id])
        return rows[0][0] if rows else None

    def analysed_ids(self, model: str) -> set[int]:
        rows = self._q("SELECT document_id FROM document_analysis WHERE model = ?", [model])
        return {r[0] for r in rows}

    def token_offsets(self, doc_ids: Sequence[int]) -> dict[int, list[list[int]]]:
        """[start, end, whitespace] of the stored tokens of each analysed document among
        `doc_ids`, as stored, without building `Token` objects (the agreement measures read
        millions of them)."""
        if not doc_ids:
            return {}
        rows = self._q("SELECT document_id, tokens FROM document_analysis WHERE document_id IN "
                       f"({','.join('?' * len(doc_ids))})", list(doc_ids))
        return {doc_id: json.loads(tokens) for doc_id, tokens in rows}

    def set_tokens(self, doc_id: int, model: str, tokens: Sequence[Token],
                   sentences: Sequence[Sentence], parse: Parse | None = None) -> None:
        """Replace the document's analysis (a parse that is not given is gone)."""
        if parse is not None and list(parse.lengths) != [t.end - t.start for t in tokens]:
            raise StoreError(f"a parse of {len(parse.heads)} tokens does not fit the "
                             f"{len(tokens)} tokens stored")
        with self.atomic():
            self.db.execute(
                "INSERT INTO document_analysis (document_id, model, tokens, sentences, "
                "analysed_at, parse) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(document_id) DO "
                "UPDATE SET model = excluded.model, tokens = excluded.tokens,"
                " sentences = excluded.sentences, analysed_at = excluded.analysed_at,"
                " parse = excluded.parse",
                [doc_id, model, json.dumps([[t.start, t.end, int(t.ws)] for t in tokens]),
                 json.dumps([[s.start, s.end] for s in sentences]), stored_at(),
                 None if parse is None else pack_parse(parse)],
            )

    def save_analyses(self, analyses: Iterable[Analysis]) -> int:
        """Store tokens and replace undecided suggestions, for a batch, in one transaction.

        A suggestion some annotator has decided on (accepted, edited or rejected) is kept, and
        a new suggestion at the same place with the same label is not added twice.
        Returns how many suggestion spans were added.
        """
        added = 0
        with self.atomic():
            for analysis in analyses:
                self.set_tokens(analysis.doc_id, analysis.model, analysis.tokens,
                                analysis.sentences, analysis.parse)
                added += self._replace_suggestions(analysis)
        return added

    def _replace_suggestions(self, analysis: Analysis) -> int:
        # Pre-annotation writes tens of rows per document: they go in directly, not through
        # add_span/add_argument, whose per-row checks are made once here (length) or hold by
        # construction (same document and layer), so the database does not slow the pipeline.
        doc_id = analysis.doc_id
        self.db.execute(
            "DELETE FROM spans WHERE document_id = ? AND layer = ? AND NOT EXISTS "
            "(SELECT 1 FROM spans m WHERE m.suggestion_id = spans.id)",
            [doc_id, SUGGESTIONS],
        )
        kept = {s.key: s.id for s in self.spans(doc_id, SUGGESTIONS)}
        length, now = self._length(doc_id), stored_at()
        ids: list[int] = []
        added = 0
        for span in analysis.spans:
            if span.key not in kept:
                if span.end > length:
                    raise StoreError(f"span {span.start}..{span.end} is outside document {doc_id}")
                kept[span.key] = self.db.execute(
                    f"INSERT INTO spans ({SPAN_COLUMNS}, updated_at) "
                    "VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
                    [doc_id, SUGGESTIONS, span.kind.value, span.start, span.end, span.label,
                     span.origin, Decision.SUGGESTED.value, span.score, now],
                ).lastrowid
                added += 1
            ids.append(kept[span.key])
        existing = {(a.trigger_id, a.role, a.argument_id)
                    for a in self.arguments(doc_id, SUGGESTIONS)}
        for trigger, role, argument, score in analysis.arguments:
            if analysis.spans[trigger].kind is not SpanKind.TRIGGER:
                raise StoreError(f"span {ids[trigger]} is not an event trigger")
            triple = (ids[trigger], role, ids[argument])
            if triple not in existing:
                existing.add(triple)
                self.db.execute(
                    f"INSERT INTO arguments ({ARGUMENT_COLUMNS}) "
                    "VALUES (NULL, ?, ?, ?, ?, ?, ?, 0)",
                    [*triple, analysis.argument_origin, Decision.SUGGESTED.value, score],
                )
        return added
