"""Import and export of training data: the two entry points the CLI and the GUI call.

`export_project(store, fmt, output, layer=..., status=..., split=..., seed=..., progress=...)`
streams the selected documents of one layer through a format's writer and returns an
`ExportReport`; `import_files(store, paths, fmt, annotator=..., progress=...)` reads files through
a format's reader into a layer and returns an `ImportReport`. Both reports carry `warnings` (what
a format could not hold or what was skipped, counted, with the documents or file:line places)
and a `summary` of human-readable lines.

Which documents an export takes (`status`):
- `done`: documents the annotator marked done. For the `gold` layer, documents whose gold
  status is done, or, when nobody recorded a gold status, that hold gold annotations
  (adjudicating a document is what puts spans in gold).
- `any`: documents the annotator touched: marked in progress or done, or holding their spans.
  Untouched documents are never exported: an empty document would teach a model "no entities".

What an import does:
- documents are matched by content (`store.document_by_hash`): annotations for a text the
  project holds attach to it; other texts become new documents. Text a format re-spaces
  (CoNLL) is matched on its non-space characters and its spans moved to the original offsets;
- spans go to the `annotator` layer, else the one the file names (Prodigy `_annotator_id`, a
  DocBin's user data), else `imported`; origin `import:<format>`, decision accepted; a span the
  layer already holds is not added twice, so importing a file again changes nothing;
- a document that arrives annotated (any record of an annotation tool, even with no spans) is
  marked done for that layer, so agreement and export pick it up like finished work;
- tokens and sentences a file brings (spaCy, Prodigy, CoNLL) are stored when the document has
  no analysis yet;
- labels the project schema lacks are added to it (and reported);
- all or nothing: every file is read and checked first, then one transaction writes.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from annotator.errors import Cancelled, InputError, Progress
from annotator.formats.atomic_output import replacing
from annotator.formats.context import (
    CONLL_DIALECTS,
    EXAMPLES,
    ConllLayout,
    ExportContext,
    Format,
    ImportContext,
    extended_schema,
)
from annotator.formats.records import (
    KINDS,
    Mention,
    Record,
    letters,
    moved_onto,
    record_from_rows,
)
from annotator.formats.registry import FORMATS, PLAIN_FORMATS, detect_format
from annotator.importing import (
    check_document,
    check_string,
    expand_paths,
    file_name_text,
    shown,
)
from annotator.model import (
    GOLD,
    SUGGESTIONS,
    Argument,
    Decision,
    Document,
    SpanKind,
    Status,
    Token,
    content_hash,
)
from annotator.model import Span as StoredSpan
from annotator.schema import Schema
from annotator.store import Store
from annotator.wording import plural

#: the layer imported annotations go to when neither the command nor the file names one
IMPORTED = "imported"
STATUSES = ("done", "any")
#: what `--conll-sep` names
SEPARATORS = {"space": " ", "tab": "\t"}
SCHEMES = ("IOB2", "IOB1", "BILOU")
IMPORT_FORMATS = {**PLAIN_FORMATS, **FORMATS}
#: documents an export reads from the database at a time
READ_BATCH = 200
#: what an `auto` import takes from a folder that is not a brat collection
AUTO_SUFFIXES = (".txt", ".jsonl")
#: what a folder may hold for an export to replace it (what exports write)
EXPORT_SUFFIXES = frozenset({".txt", ".ann", ".conf", ".cfg",
                             *(f.suffix for f in FORMATS.values() if f.suffix)})


@dataclass
class ExportReport:
    """What an export wrote, and what the format could not hold (`warnings`)."""

    format: str
    output: Path
    layer: str
    documents: int = 0
    entities: int = 0
    events: int = 0
    files: list[Path] = field(default_factory=list)
    #: documents per part of a train/dev split
    parts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def summary(self) -> list[str]:
        lines = [f"exported {plural(self.documents, 'document')} of layer {self.layer!r} as "
                 f"{self.format}: {plural(self.entities, 'entity span')}, "
                 f"{plural(self.events, 'event')}"]
        if self.parts:
            lines.append(", ".join(plural(n, f"{part} document")
                                   for part, n in self.parts.items()))
        lines += [f"wrote {path}" for path in self.files]
        return lines + [f"warning: {w}" for w in self.warnings]


@dataclass
class ImportReport:
    """What an import added, and what it skipped or could not represent (`warnings`)."""

    format: str
    files: int = 0
    documents_added: int = 0
    documents_matched: int = 0
    spans_added: int = 0
    arguments_added: int = 0
    #: rejected decisions (Prodigy's `answer: reject`) written as tombstones
    rejections_added: int = 0
    #: layer -> documents that received annotations in it
    layers: dict[str, int] = field(default_factory=dict)
    labels_added: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: records read (a record is a line, a DocBin Doc, a brat file ...; several may hold the
    #: same text, and then they are one document)
    records: int = 0
    #: records whose text an earlier record of this import had: (its place, the first's place)
    repeats: list[tuple[str, str]] = field(default_factory=list)

    @property
    def documents(self) -> int:
        """Distinct documents the import brought or annotated."""
        return self.documents_added + self.documents_matched

    @property
    def summary(self) -> list[str]:
        read = (f" ({plural(self.records, 'record')})" if self.records != self.documents
                else "")
        lines = [f"imported {plural(self.documents_added, 'document')} from "
                 f"{plural(self.files, 'file')} ({self.format}){read}"
                 + (f", {self.documents_matched:,} already in the project"
                    if self.documents_matched else "")]
        for layer, n in self.layers.items():
            lines.append(f"layer {layer!r}: annotations on {plural(n, 'document')}")
        if self.layers:
            lines.append(f"added {plural(self.spans_added, 'span')} and "
                         f"{plural(self.arguments_added, 'event argument')}"
                         + (f", and {plural(self.rejections_added, 'rejected span')} (kept as "
                            "decisions, not annotations)" if self.rejections_added else ""))
        if self.labels_added:
            lines.append("added to the project schema: " + ", ".join(self.labels_added))
        if self.repeats:
            shown = "; ".join(f"{again} repeats {first}"
                              for again, first in self.repeats[:EXAMPLES])
            more = (f" and {len(self.repeats) - EXAMPLES} more"
                    if len(self.repeats) > EXAMPLES else "")
            lines.append(f"warning: {plural(len(self.repeats), 'record')} repeat the text of an "
                         f"earlier record ({shown}{more}): one document each, annotations "
                         "together")
        return lines + [f"warning: {w}" for w in self.warnings]


def _tick(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None and progress(done, total) is False:
        raise Cancelled("cancelled")


# --- export ------------------------------------------------------------------------------
def default_layer(store: Store) -> str:
    """The layer to export when none is named: the only annotator, or gold when it is alone."""
    candidates = store.annotators()
    if store.annotated_ids(GOLD):
        candidates.append(GOLD)
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise InputError("the project has no annotations to export yet")
    raise InputError("several layers to export from: choose --annotator "
                     + "|".join(c for c in candidates if c != GOLD)
                     + (" or --gold" if GOLD in candidates else ""))


def select_documents(store: Store, layer: str, status: str = "done") -> list[int]:
    """Ids of the documents an export of `layer` takes (see the module docstring)."""
    if status not in STATUSES:
        raise InputError(f"unknown status {status!r}: use {' or '.join(STATUSES)}")
    statuses = store.statuses(layer)
    annotated = store.annotated_ids(layer)
    if status == "done":
        chosen = {d for d, s in statuses.items() if s is Status.DONE}
        if layer == GOLD:
            chosen |= {d for d in annotated if d not in statuses}
    else:
        chosen = store.decided_ids(layer) | {d for d, s in statuses.items()
                                             if s is not Status.TODO}
    return sorted(chosen)


def layer_records(store: Store, ids: Iterable[int], layer: str, *,
                  tokens: bool = True) -> Iterator[Record]:
    """The documents `ids` with `layer`'s effective annotations, one at a time (read in
    batches, so memory stays flat); `tokens`: with their stored tokens and sentences (formats
    that do not use them skip the cost)."""
    ids = list(ids)
    for first in range(0, len(ids), READ_BATCH):
        batch = ids[first : first + READ_BATCH]
        span_rows, argument_rows = store.layer_rows(batch, [layer])
        spans: dict[int, list[tuple]] = {}
        for row in span_rows:
            spans.setdefault(row[0], []).append(row)
        arguments: dict[int, list[tuple]] = {}
        for row in argument_rows:
            arguments.setdefault(row[0], []).append(row)
        offsets = store.token_offsets(batch) if tokens else {}
        rejected: dict[int, list[Mention]] = {}
        for doc_id, kind, start, end, label in store.rejected_rows(batch, layer):
            rejected.setdefault(doc_id, []).append(Mention(start, end, label, KINDS[kind]))
        statuses = store.statuses(layer)
        for doc_id in batch:
            record = record_from_rows(store.document(doc_id), spans.get(doc_id, []),
                                      arguments.get(doc_id, []), layer, offsets.get(doc_id),
                                      store.sentences(doc_id) if tokens else None)
            record.rejected = rejected.get(doc_id, [])
            # a document the annotator has not marked done holds decisions, not a complete
            # annotation (gold without a status counts as done, as `select_documents` says)
            record.partial = statuses.get(doc_id, Status.DONE if layer == GOLD else Status.TODO) \
                is not Status.DONE
            yield record


def split_ids(ids: Sequence[int], dev_fraction: float, seed: int) -> tuple[list[int], list[int]]:
    """A reproducible train/dev split: the same ids, fraction and seed give the same split."""
    if not 0 < dev_fraction < 1:
        raise InputError(f"--split takes the dev fraction, between 0 and 1, not {dev_fraction}")
    if len(ids) < 2:
        raise InputError(f"a train/dev split needs at least 2 documents, not {len(ids)}")
    shuffled = list(ids)
    random.Random(seed).shuffle(shuffled)
    n_dev = min(len(ids) - 1, max(1, round(len(ids) * dev_fraction)))
    dev = set(shuffled[:n_dev])
    return [i for i in ids if i not in dev], [i for i in ids if i in dev]


def export_project(store: Store, fmt: str, output: Path | str, *, layer: str | None = None,
                   status: str = "done", split: float | None = None, seed: int = 0,
                   scheme: str = "IOB2", dialect: str = "conll2003",
                   conll_columns: int | None = None, conll_sep: str | None = None,
                   progress: Progress | None = None) -> ExportReport:
    """Write one layer of the project in format `fmt` to `output`.

    Without `split`, `output` is the file (a folder for brat). With `split` (the dev fraction),
    `output` is a folder that receives `train` and `dev` parts (and for spaCy a `config.cfg`).
    Files appear only when the export finished: a cancelled or failed export leaves `output`
    as it was. Raises `Cancelled` when `progress` returns False.
    """
    format_ = _format(fmt)
    if scheme.upper() not in SCHEMES:
        raise InputError(f"unknown scheme {scheme!r}: use {', '.join(SCHEMES)}")
    conll = conll_layout(dialect, conll_columns, conll_sep)
    layer = layer or default_layer(store)
    if layer == SUGGESTIONS:
        raise InputError("suggestions are proposals, not annotations: export an annotator's "
                         "layer or --gold")
    if layer not in store.layers():
        raise InputError(f"no layer {layer!r} in this project; layers: "
                         + (", ".join(store.layers()) or "none yet"))
    output = Path(output)
    ids = select_documents(store, layer, status)
    if not ids:
        raise InputError(f"nothing to export: layer {layer!r} has no documents with status "
                         f"{status!r}" + (" (try --status any)" if status == "done" else ""))
    context = ExportContext(schema=store.schema, scheme=scheme.upper(), conll=conll)
    report = ExportReport(format_.name, output, layer)
    written = 0

    def counted(records: Iterator[Record]) -> Iterator[Record]:
        nonlocal written
        for record in records:
            report.documents += 1
            report.entities += len(record.entities)
            report.events += len(record.events())  # events sharing a trigger count apart
            yield record
            written += 1
            _tick(progress, written, len(ids))

    _tick(progress, 0, len(ids))
    if split is None:
        if output.is_dir() and not format_.writes_folder:
            raise InputError(f"{format_.name} writes a file: give a file name, not a folder",
                             output)
        with replacing(output, folder=format_.writes_folder,
                       check=_check_replaceable) as target:
            format_.write(counted(layer_records(store, ids, layer, tokens=format_.tokens)),
                          target, context)
        report.files.append(output)
    else:
        train, dev = split_ids(ids, split, seed)
        with replacing(output, folder=True, check=_check_replaceable) as target:
            parts = {}
            for name, part in (("train", train), ("dev", dev)):
                parts[name] = target / f"{name}{format_.suffix}"
                records = layer_records(store, part, layer, tokens=format_.tokens)
                format_.write(counted(records), parts[name], context)
            if format_.finish_split is not None:
                format_.finish_split(target, {n: output / p.name for n, p in parts.items()})
            report.files += [output / p.relative_to(target) for p in sorted(target.iterdir())]
        report.parts = {"train": len(train), "dev": len(dev)}
    report.warnings += context.notes.lines()
    return report


def conll_layout(dialect: str = "conll2003", columns: int | None = None,
                 separator: str | None = None) -> ConllLayout:
    """A CoNLL dialect (`CONLL_DIALECTS`), with its columns (2 or 4) or separator (`space`,
    `tab`) overridden."""
    if dialect not in CONLL_DIALECTS:
        raise InputError(f"unknown CoNLL dialect {dialect!r}: use {', '.join(CONLL_DIALECTS)}")
    layout = CONLL_DIALECTS[dialect]
    if columns is not None:
        if columns not in (2, 4):
            raise InputError(f"--conll-columns takes 2 or 4, not {columns}")
        layout = replace(layout, columns=columns)
    if separator is not None:
        if separator not in SEPARATORS:
            raise InputError(f"--conll-sep takes {' or '.join(SEPARATORS)}, not {separator!r}")
        layout = replace(layout, separator=SEPARATORS[separator])
    return layout


def _check_replaceable(folder: Path) -> None:
    if not folder.is_dir():
        raise InputError("exists and is not a folder", folder)
    strangers = [p for p in folder.rglob("*") if p.is_file() and p.suffix not in EXPORT_SUFFIXES]
    if strangers:
        raise InputError(f"the folder holds files an export does not write ({strangers[0].name}"
                         "...): choose a new folder", folder)


def _format(name: str, formats: dict[str, Format] = FORMATS) -> Format:
    try:
        return formats[name]
    except KeyError:
        raise InputError(f"unknown format {name!r}: use {', '.join(formats)}") from None


# --- import ------------------------------------------------------------------------------
def read_records(paths: Iterable[Path | str], fmt: str, context: ImportContext,
                 progress: Progress | None = None) -> tuple[list[Record], int]:
    """Every record of every input, checked; raises `InputError` on the first bad one."""
    paths = [Path(p) for p in paths]
    if not paths:
        raise InputError("no files to import")
    plan = [step for path in paths for step in _plan(path, fmt)]
    records: list[Record] = []
    for done, (path, format_) in enumerate(plan, 1):
        for record in format_.read(path, context):
            # names readers took from a file name that is not UTF-8 (a zip from another
            # system): the undecodable bytes become U+FFFD instead of refusing the file
            record.name = file_name_text(record.name)
            if isinstance(record.meta.get("source"), str):
                record.meta["source"] = file_name_text(record.meta["source"])
            check_record(record)
            records.append(record)
        _tick(progress, done, len(plan))
    return records, len(plan)


def _plan(path: Path, fmt: str) -> list[tuple[Path, Format]]:
    """The files of one input path and the format to read each with."""
    if fmt == "auto":
        fmt = detect_format(path)
        if path.is_dir() and fmt != "brat":
            return [(p, _format(detect_format(p), IMPORT_FORMATS))
                    for p in expand_paths([path], AUTO_SUFFIXES)]
    format_ = _format(fmt, IMPORT_FORMATS)
    if format_.writes_folder:
        return [(path, format_)]
    return [(p, format_) for p in expand_paths([path], format_.suffixes)]


def check_record(record: Record) -> None:
    """The invariants every reader's output must hold, whatever the format checked itself."""
    check_document(record.text, record.name, record.meta, record.source)
    if record.layer is not None:
        if not isinstance(record.layer, str):
            raise InputError(f"the annotator name must be a string, not {shown(record.layer)}",
                             record.source)
        check_string(record.layer, "the annotator name", record.source)
    for mention in record.spans + record.rejected:
        if not isinstance(mention.label, str):
            raise InputError(f"a span label must be a string, not {shown(mention.label)}",
                             record.source)
        check_string(mention.label, f"the label {shown(mention.label)}", record.source)
        if not 0 <= mention.start < mention.end <= len(record.text):
            raise InputError(f"span {mention.start}..{mention.end} is outside the text "
                             f"({len(record.text)} characters)", record.source)
        if not mention.label:
            raise InputError(f"span {mention.start}..{mention.end} has no label", record.source)
    for trigger, role, argument, _frame in record.arguments:
        if not isinstance(role, str):
            raise InputError(f"an event role must be a string, not {shown(role)}",
                             record.source)
        check_string(role, f"the role {shown(role)}", record.source)
        if record.spans[trigger].kind is not SpanKind.TRIGGER or not role:
            raise InputError("an event argument must hang off a trigger and name a role",
                             record.source)
        if record.spans[argument].kind is not SpanKind.ENTITY:
            raise InputError("an event argument must be an entity span", record.source)


def import_files(store: Store, paths: Iterable[Path | str], fmt: str = "auto", *,
                 annotator: str | None = None,
                 progress: Progress | None = None) -> ImportReport:
    """Import documents and their annotations from `paths`, all or nothing (module docstring).

    `fmt` is a name in `FORMATS`, `txt`, or `auto` (by file suffix; a folder of `.ann` files is
    brat). Raises `InputError` for bad input and `Cancelled` when `progress` returns False; in
    both cases nothing was written.
    """
    if annotator == SUGGESTIONS:
        raise InputError("the suggestions layer is for models; import into an annotator's layer")
    if fmt != "auto":
        _format(fmt, IMPORT_FORMATS)
    context = ImportContext(schema=store.schema)
    records, files = read_records(paths, fmt, context, progress)
    report = ImportReport(fmt, files=files)
    with store.atomic():
        new_labels = _write_records(store, records, fmt, annotator, report, progress)
        if new_labels:
            store.set_schema(extended_schema(store.schema, new_labels, context.schemas))
            report.labels_added = sorted(new_labels)
    report.warnings = context.notes.lines()
    return report


def _write_records(store: Store, records: Sequence[Record], fmt: str, annotator: str | None,
                   report: ImportReport, progress: Progress | None) -> dict[str, SpanKind]:
    schema = store.schema
    new_labels: dict[str, SpanKind] = {}
    seen_docs: set[int] = set()
    #: document id -> where this import first met its text
    first_place: dict[int, str] = {}
    layer_docs: dict[str, set[int]] = {}
    by_letters: dict[str, int] | None = None
    report.records = len(records)
    for done, record in enumerate(records, 1):
        document = store.document_by_hash(content_hash(record.text))
        if document is None and record.rebuilt:
            if by_letters is None:
                by_letters = {content_hash(letters(d.text)): d.id for d in store.iter_documents()}
            found = by_letters.get(content_hash(letters(record.text)))
            if found is not None:
                document = store.document(found)
                record = moved_onto(record, document.text)
        if document is None:
            doc_id = store.add_documents([Document(record.name, record.text, record.meta)]).added[0]
            report.documents_added += 1
        else:
            doc_id = document.id
            if doc_id not in seen_docs:
                report.documents_matched += 1
        seen_docs.add(doc_id)
        place = _place(record)
        if doc_id in first_place:
            report.repeats.append((place, first_place[doc_id]))
        else:
            first_place[doc_id] = place
        if record.tokens and store.analysis_model(doc_id) is None:
            store.set_tokens(doc_id, f"import:{fmt}", [Token(*t) for t in record.tokens],
                             record.sentences or [])
        if record.annotated or record.partial:
            layer = annotator or record.layer or IMPORTED
            if layer == SUGGESTIONS:
                raise InputError("names the suggestions layer as its annotator; pass "
                                 "--annotator", record.source)
            _attach(store, doc_id, record, layer, f"import:{fmt}", report)
            _reject(store, doc_id, record.rejected, layer, f"import:{fmt}", report)
            if record.annotated:
                store.set_status(doc_id, layer, Status.DONE)
            layer_docs.setdefault(layer, set()).add(doc_id)
            report.layers[layer] = len(layer_docs[layer])
            for mention in record.spans + record.rejected:
                _check_kind(schema, new_labels, mention.label, mention.kind, record.source)
                known = schema.events if mention.kind is SpanKind.TRIGGER else schema.entities
                if mention.label not in known:
                    new_labels[mention.label] = mention.kind
        _tick(progress, done, len(records))
    return new_labels


def _place(record: Record) -> str:
    """Where a record came from, short: `file.jsonl:3`, `d.spacy: document 2`, `a.ann`."""
    return Path(record.source).name if record.source else record.name


def _reject(store: Store, doc_id: int, mentions: Sequence[Mention], layer: str, origin: str,
            report: ImportReport) -> None:
    """Rejected decisions: each a tombstone in `layer` on a suggestion at that place (the
    suggestion is added when the project has none), as a rejection in the workbench makes."""
    if not mentions:
        return
    suggested = {s.key: s.id for s in store.spans(doc_id, SUGGESTIONS)}
    decided = {s.suggestion_id for s in store.spans(doc_id, layer)}
    for mention in mentions:
        key = (mention.start, mention.end, mention.label, mention.kind)
        if key not in suggested:
            suggested[key] = store.add_span(StoredSpan(
                doc_id, mention.start, mention.end, mention.label, SUGGESTIONS, mention.kind,
                origin=origin, decision=Decision.SUGGESTED)).id
        if suggested[key] not in decided:
            decided.add(suggested[key])
            store.add_span(StoredSpan(doc_id, mention.start, mention.end, mention.label, layer,
                                      mention.kind, origin=origin, decision=Decision.REJECTED,
                                      suggestion_id=suggested[key]))
            report.rejections_added += 1


def _check_kind(schema: Schema, new_labels: dict[str, SpanKind], label: str, kind: SpanKind,
                source: str) -> None:
    """A label has one kind: an entity label on an event trigger (or an event type on an
    entity) contradicts the schema, or the kind the same import gave it earlier."""
    other = SpanKind.ENTITY if kind is SpanKind.TRIGGER else SpanKind.TRIGGER
    known_other = schema.entities if other is SpanKind.ENTITY else schema.events
    if label in known_other or new_labels.get(label) is other:
        what = {SpanKind.ENTITY: "an entity label", SpanKind.TRIGGER: "an event type"}
        raise InputError(f"{shown(label)} is {what[other]} in the project's schema (or earlier "
                         f"in this import) but is used here as {what[kind]}; a label has one "
                         "kind: rename it in the file", *_where(source))


def _where(source: str) -> tuple[str, int | None]:
    """("file", line) from a record's "file:line" source."""
    path, _, line = source.rpartition(":")
    return (path, int(line)) if path and line.isdecimal() else (source, None)


def _attach(store: Store, doc_id: int, record: Record, layer: str, origin: str,
            report: ImportReport) -> None:
    existing = store.annotations(doc_id, layer, effective=True)
    ids = {(s.start, s.end, s.label, s.kind): s.id for s in existing.spans}
    span_ids: list[int] = []
    for mention in record.spans:
        key = (mention.start, mention.end, mention.label, mention.kind)
        if key not in ids:
            stored = store.add_span(StoredSpan(doc_id, mention.start, mention.end, mention.label,
                                               layer, mention.kind, origin=origin,
                                               decision=Decision.ACCEPTED))
            ids[key] = stored.id
            report.spans_added += 1
        span_ids.append(ids[key])
    links = {(a.trigger_id, a.role, a.argument_id, a.frame) for a in existing.arguments}
    for trigger, role, argument, frame in record.arguments:
        link = (span_ids[trigger], role, span_ids[argument], frame)
        if link not in links:
            links.add(link)
            store.add_argument(Argument(*link[:3], origin=origin, decision=Decision.ACCEPTED,
                                        frame=frame))
            report.arguments_added += 1
