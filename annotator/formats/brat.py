"""brat standoff: `NAME.txt` + `NAME.ann` per document and the collection's `annotation.conf`::

    T1	PERSON 0 11	Mike Pompeo
    T2	Contact-Meet 12 16	meet
    T3	PERSON 17 20	Kim
    E1	Contact-Meet:T2 Participant:T1 Participant2:T3

Entities and triggers are `T` lines (a trigger's type is its event type), events are `E` lines
whose repeated roles are numbered as brat does (`Participant`, `Participant2`). Several `E`
lines may share one trigger (`E1 Binding:T3 Theme:T1`, `E2 Binding:T3 Theme:T2`): they stay
separate events, frames 0, 1 ... of that trigger, and are written back as separate `E` lines.
brat type names allow no ':', so `Contact:Meet` is written `Contact-Meet` (see
`schema.brat_event_name`) and mapped back through the project schema on import;
`annotation.conf` is the project schema (plus any label in use that it lacks). Offsets are
code points into the `.txt`, as ours.

Import reads the same, and the collection's `annotation.conf` (in the folder of the `.ann` or
above) so event types the project lacks arrive with their roles. What our model cannot hold is
reported with file:line and not imported: discontinuous spans, attributes and modifiers (`A`,
`M`), relations (`R`), equivalences (`*`), normalisations (`N`), notes (`#`), events as event
arguments, and triggers used as arguments.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from annotator.brat_conf import (
    BratConf,
    SeenEvents,
    brat_names,
    declared,
    known_by_alias,
    read_conf,
    storage_form,
    write_conf,
)
from annotator.errors import InputError
from annotator.formats.context import ExportContext, ImportContext, Notes, extended_schema
from annotator.formats.records import Mention, Record
from annotator.model import SpanKind
from annotator.schema import SchemaError

CONF = "annotation.conf"
#: the characters `str.splitlines` (so brat, reading an .ann) breaks lines at
BREAK = re.compile("[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
NOT_BREAK = re.compile("[^\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]+")
UNSAFE = re.compile(r"[^\w.\-]+")
NOT_HELD = {
    "A": "brat attributes (A lines) not imported",
    "M": "brat modifiers (M lines) not imported",
    "R": "brat relations (R lines) not imported",
    "*": "brat equivalences (* lines) not imported",
    "N": "brat normalisations (N lines) not imported",
    "#": "brat notes (# lines) not imported",
}


# --- writing -----------------------------------------------------------------------------
def _file_stem(name: str, used: set[str]) -> str:
    stem = UNSAFE.sub("_", name).strip("._") or "document"
    candidate, n = stem, 1
    while candidate.lower() in used:
        n += 1
        candidate = f"{stem}-{n}"
    used.add(candidate.lower())
    return candidate


def ann_lines(record: Record, notes: Notes | None = None) -> Iterator[str]:
    """The `.ann` lines of a record (entities first, then triggers, then events: an E line per
    event, so events sharing a trigger share its T line). What brat cannot hold goes to
    `notes`: a line break at a span's edge (the span is written without it)."""
    ids: dict[int, str] = {}
    order = sorted(range(len(record.spans)),
                   key=lambda i: (record.spans[i].kind is SpanKind.TRIGGER, record.spans[i].start,
                                  -record.spans[i].end, record.spans[i].label))
    number = 0
    for i in order:
        mention = record.spans[i]
        pieces = _fragments(record.text, mention.start, mention.end)
        if notes is not None and (not pieces or pieces[0][0] != mention.start
                                  or pieces[-1][1] != mention.end):
            notes.add("spans with a line break at an edge written without it, or left out "
                      "when nothing else (a brat line cannot hold a line break)", record.name)
        if not pieces:
            continue
        number += 1
        ids[i] = f"T{number}"
        where = ";".join(f"{start} {end}" for start, end in pieces)
        shown = " ".join(record.text[start:end] for start, end in pieces)
        yield f"T{number}\t{storage_form(mention.label)} {where}\t{shown}\n"
    roles: dict[tuple[int, int], list[tuple[str, int]]] = {}
    for trigger, role, argument, frame in record.arguments:
        roles.setdefault((trigger, frame), []).append((role, argument))
    rank = {i: n for n, i in enumerate(order)}
    events = sorted(((i, frame) for i, frame, _ in record.frames()),
                    key=lambda event: (rank[event[0]], event[1]))
    for number, (i, frame) in enumerate((e for e in events if e[0] in ids), 1):
        parts = [f"{storage_form(record.spans[i].label)}:{ids[i]}"]
        seen: dict[str, int] = {}
        for role, argument in roles.get((i, frame), []):
            if argument not in ids:
                continue
            seen[role] = seen.get(role, 0) + 1
            numbered = role if seen[role] == 1 else f"{role}{seen[role]}"
            parts.append(f"{numbered}:{ids[argument]}")
        yield f"E{number}\t{' '.join(parts)}\n"


def _fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A span as brat can write it: one `start end` piece, or, when it crosses a line break
    (an .ann line cannot hold one; brat splits lines as `str.splitlines` does), the pieces
    between line breaks, which brat joins with a space to check the text; import joins them
    back into the one span."""
    pieces = [(m.start(), m.end()) for m in NOT_BREAK.finditer(text[start:end])]
    if len(pieces) == 1 and pieces[0] == (0, end - start):
        return [(start, end)]
    return [(start + a, start + b) for a, b in pieces]


def write(records: Iterable[Record], folder: Path, context: ExportContext) -> None:
    """The `.txt` and `.ann` of each record, and an annotation.conf declaring every label, role
    and repetition the files use (so brat's own validator accepts them)."""
    folder.mkdir(parents=True, exist_ok=True)
    used: set[str] = {CONF.rsplit(".", 1)[0]}
    labels: dict[str, SpanKind] = {}
    seen = SeenEvents()
    for record in records:
        stem = _file_stem(record.name, used)
        (folder / f"{stem}.txt").write_text(record.text, encoding="utf-8", newline="")
        (folder / f"{stem}.ann").write_text("".join(ann_lines(record, context.notes)),
                                            encoding="utf-8", newline="")
        labels.update((m.label, m.kind) for m in record.spans)
        for trigger, pairs in record.events():
            seen.add(trigger.label, ((role, argument.label) for role, argument in pairs))
    schema, widened = declared(extended_schema(context.schema, labels), seen)
    for what in widened:
        context.notes.add(f"annotation.conf: {what}", CONF)
    for label in sorted(labels):
        if not known_by_alias(label):
            context.notes.add(f"label {label!r} written as {storage_form(label)!r} (brat names "
                              "hold letters, digits, '_' and '-' only)", CONF)
    (folder / CONF).write_text(write_conf(schema) + "\n", encoding="utf-8")


# --- reading -----------------------------------------------------------------------------
def read(path: Path, context: ImportContext) -> Iterator[Record]:
    """`path` is a collection folder (searched recursively), an `.ann` or its `.txt`."""
    if path.is_dir():
        anns = sorted(path.rglob("*.ann"))
        if not anns:
            raise InputError("no .ann files in this folder", path)
        root = path
    elif path.exists():
        anns, root = [path.with_suffix(".ann")], path.parent
    else:
        raise InputError("no such file or folder", path)
    confs: dict[Path, BratConf] = {}
    for ann in anns:
        conf = _collection_conf(ann.parent, root, confs, context)
        yield _read_document(ann, context, conf)


def _collection_conf(folder: Path, root: Path, confs: dict[Path, BratConf],
                     context: ImportContext) -> BratConf | None:
    """The nearest annotation.conf from `folder` up to `root`, as brat looks it up."""
    for candidate in [folder, *folder.parents]:
        conf = candidate / CONF
        if conf.is_file():
            if conf not in confs:
                try:
                    confs[conf] = read_conf(_decode(conf), str(conf))
                except SchemaError as exc:
                    raise InputError(str(exc)) from exc
                for what, line in confs[conf].notes:
                    context.notes.add(what, f"{conf.name}:{line}")
                context.schemas.append(confs[conf].schema)
            return confs[conf]
        if candidate == root or candidate == candidate.parent:
            return None
    return None


def _decode(path: Path) -> str:
    """Exact text: brat counts the offsets of a `.txt` from its first code point, so no BOM
    stripping or newline translation."""
    if not path.is_file():
        raise InputError("missing (brat needs the .txt beside each .ann)", path)
    data = path.read_bytes()
    nul = data.find(b"\x00")
    if nul != -1:
        raise InputError("binary data (NUL bytes), not text", path, data.count(b"\n", 0, nul) + 1)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not valid UTF-8 (byte {exc.start})", path) from exc


def _event_labels(context: ImportContext, conf: BratConf | None) -> tuple[dict[str, str], set]:
    """brat type names mapped to our labels (through the conf's aliases, then the project
    schema), and every brat name known as an event type."""
    names = dict(brat_names([context.schema], [conf] if conf else []))
    known = {storage_form(label) for label in context.schema.events}
    if conf is not None:
        known |= {name for name, label in conf.labels.items() if label in conf.schema.events}
    return names, known


def _read_document(ann: Path, context: ImportContext, conf: BratConf | None) -> Record:
    text = _decode(ann.with_suffix(".txt"))
    names, event_names = _event_labels(context, conf)
    spans: dict[str, tuple[str, int, int, int]] = {}
    events: list[tuple[str, str, list[tuple[str, str]], int]] = []
    skipped: set[str] = set()
    seen: dict[str, int] = {}
    for number, line in enumerate(_decode(ann).split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        where = f"{ann.name}:{number}"
        kind = line[0]
        if kind == "T":
            found = _text_bound(line, text, ann, number)
            _once(line.split("\t", 1)[0], seen, ann, number)
            if found is None:
                context.notes.add("discontinuous brat spans not imported", where)
                skipped.add(line.split("\t", 1)[0])
            else:
                spans[found[0]] = (*found[1:], number)
        elif kind == "E":
            events.append((*_event(line, ann, number), number))
            _once(events[-1][0], seen, ann, number)
        elif kind in NOT_HELD:
            context.notes.add(NOT_HELD[kind], where)
        else:
            raise InputError(f"not a brat annotation line: {line[:40]!r}", ann, number)
    record = Record(ann.stem, text, {"source": ann.name}, annotated=True, source=str(ann))
    triggers = {trigger.partition(":")[2] for _, trigger, _, _ in events}
    index: dict[str, int] = {}
    for ident, (label, start, end, _number) in spans.items():
        if ident in triggers:
            continue
        if label in event_names:
            index[ident] = record.add(Mention(start, end, names.get(label, label),
                                              SpanKind.TRIGGER))
        else:
            index[ident] = record.add(Mention(start, end, names.get(label, label)))
    frames: dict[int, int] = {}
    for ident, trigger, arguments, number in events:
        where = f"{ann.name}:{number}"
        event_type, _, trigger_id = trigger.partition(":")
        if trigger_id in skipped:
            context.notes.add("brat events on a discontinuous trigger not imported", where)
            continue
        if trigger_id not in spans:
            raise InputError(f"event {ident} refers to {trigger_id}, which is not a T line",
                             ann, number)
        _, start, end, _ = spans[trigger_id]
        position = record.add(Mention(start, end, names.get(event_type, event_type),
                                      SpanKind.TRIGGER))
        # every E line is its own event: a second one on the same trigger is its next frame
        frame = frames[position] = frames.get(position, -1) + 1
        for role, target in arguments:
            if target in skipped:
                context.notes.add("event arguments on a discontinuous span not imported", where)
            elif target.startswith("E") or target in triggers or (
                    target in index and record.spans[index[target]].kind is SpanKind.TRIGGER):
                context.notes.add("event arguments that are events or triggers not imported",
                                  where)
            elif target not in index:
                raise InputError(f"event {ident} refers to {target}, which is not a T line",
                                 ann, number)
            else:
                record.link(position, _role(role), index[target], frame)
    return record


def _once(ident: str, seen: dict[str, int], ann: Path, number: int) -> None:
    """brat ids are unique in a file: a repeated one is an error, not "last one wins"."""
    if ident in seen:
        raise InputError(f"{ident} is defined twice (first on line {seen[ident]})", ann, number)
    seen[ident] = number


def _text_bound(line: str, text: str, ann: Path, number: int) -> tuple | None:
    """(id, label, start, end) of a `T` line; checks the text. A discontinuous span whose
    pieces are separated only by line breaks (and the spaces around them) is one span brat
    could not write on one line, and is read as that span; other discontinuous spans are not
    held (None)."""
    fields = line.split("\t", 2)  # the text may hold tabs, as brat reads it
    if len(fields) < 2:
        raise InputError("a T line needs tab-separated id, 'Type start end' and text", ann,
                         number)
    label, _, where = fields[1].partition(" ")
    pieces = []
    for piece in where.split(";"):
        try:
            start, end = (int(x) for x in piece.split())
        except ValueError:
            raise InputError(f"bad offsets {where!r} (expected 'start end')", ann,
                             number) from None
        if not 0 <= start < end <= len(text):
            raise InputError(f"span {start}..{end} is outside the text ({len(text)} "
                             "characters)", ann, number)
        pieces.append((start, end))
    if len(fields) > 2:
        expected = re.sub(r"\s", " ", " ".join(text[a:b] for a, b in pieces))
        if re.sub(r"\s", " ", fields[2]) != expected:
            raise InputError(f"span text {fields[2]!r} does not match the .txt at {where} "
                             f"({expected!r})", ann, number)
    gaps = [text[a[1]:b[0]] for a, b in zip(pieces, pieces[1:], strict=False)]
    if any(not (gap.isspace() and BREAK.search(gap)) for gap in gaps):
        return None
    return fields[0], label, pieces[0][0], pieces[-1][1]


def _event(line: str, ann: Path, number: int) -> tuple[str, str, list[tuple[str, str]]]:
    fields = line.split("\t")
    parts = fields[1].split() if len(fields) > 1 else []
    if not parts or any(":" not in p for p in parts):
        raise InputError("an E line needs 'Type:T1 Role:T2 ...'", ann, number)
    arguments = [tuple(p.rsplit(":", 1)) for p in parts[1:]]
    return fields[0], parts[0], arguments


def _role(numbered: str) -> str:
    """`Participant2` -> `Participant`: brat numbers repeated roles."""
    return numbered.rstrip("0123456789") or numbered
