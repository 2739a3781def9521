"""Prodigy-compatible JSONL: what `ner.manual` / `ner.correct` save, plus our `events`.

One task per line::

    {"text": "Pompeo met Kim.", "meta": {"name": "doc1"},
     "_input_hash": -1364251374, "_task_hash": 1184613467,
     "tokens": [{"text": "Pompeo", "start": 0, "end": 6, "id": 0, "ws": true}, ...],
     "spans": [{"start": 0, "end": 6, "token_start": 0, "token_end": 0, "label": "PERSON"}, ...],
     "answer": "accept", "_annotator_id": "alice", "_session_id": "alice",
     "events": [{"trigger": {"start": 7, "end": 10, "token_start": 1, "token_end": 1,
                             "label": "Contact:Meet"},
                 "arguments": [{"role": "Participant", "start": 0, "end": 6,
                                "label": "PERSON"}, ...]}]}

`token_end` is inclusive, as in Prodigy. `spans` holds entities only, so Prodigy trains NER on
them as is; event triggers live in `events`, labelled with the event type, each argument naming
an entity of `spans` by its offsets and label. The hashes are Prodigy-shaped (signed 32-bit) and
stable, but not Prodigy's own murmurhash values: `_input_hash` comes from the text, `_task_hash`
from the input hash and the spans, so Prodigy's de-duplication behaves the same way on them.

Import takes Prodigy's output as it comes: records answered `reject` or `ignore` are skipped
and counted; `_annotator_id` (else `_session_id`) names the layer; a record without `spans` and
`answer` is plain text (`{"text", "meta"}`) and only brings the document in.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from annotator.errors import InputError
from annotator.formats.context import ExportContext, ImportContext
from annotator.formats.jsonl_lines import (
    label_of,
    meta_of,
    name_of,
    offsets,
    text_of,
    write_objects,
)
from annotator.formats.records import Mention, Record, TokenOffsets
from annotator.formats.tokens import Tokenised, aligned
from annotator.importing import read_json_lines
from annotator.model import SpanKind


def _int32(value: object) -> int:
    digest = hashlib.sha1(json.dumps(value, sort_keys=True, ensure_ascii=False).encode()).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


def input_hash(text: str) -> int:
    return _int32({"text": text})


def task_hash(text: str, spans: list[dict]) -> int:
    return _int32({"input": input_hash(text),
                   "spans": sorted([s["start"], s["end"], s["label"]] for s in spans)})


# --- writing -----------------------------------------------------------------------------
def _span(mention: Mention, tokens: Tokenised) -> dict:
    first, stop = tokens.locate(mention)
    return {"start": mention.start, "end": mention.end, "token_start": first,
            "token_end": stop - 1, "label": mention.label}


def task(record: Record, context: ExportContext) -> dict:
    """One record as a Prodigy task."""
    record, tokens = aligned(record, context.notes)
    text = record.text
    spans = [_span(m, tokens) for m in record.entities]
    events = [{"trigger": _span(trigger, tokens),
               "arguments": [{"role": role, "start": arg.start, "end": arg.end,
                              "label": arg.label} for role, arg in arguments]}
              for trigger, arguments in record.events()]
    obj = {
        "text": text,
        "meta": {**record.meta, "name": record.name},
        "_input_hash": input_hash(text),
        "_task_hash": task_hash(text, spans),
        "tokens": [{"text": text[s:e], "start": s, "end": e, "id": i, "ws": ws}
                   for i, (s, e, ws) in enumerate(zip(tokens.starts, tokens.ends, tokens.spaces,
                                                       strict=True))],
        "spans": spans,
        "answer": "accept",
    }
    if record.layer:
        obj["_annotator_id"] = obj["_session_id"] = record.layer
    obj["events"] = events
    return obj


def write(records: Iterable[Record], path: Path, context: ExportContext) -> None:
    write_objects((task(r, context) for r in records), path)


# --- reading -----------------------------------------------------------------------------
def read(path: Path, context: ImportContext) -> Iterator[Record]:
    for line, obj in read_json_lines(path):
        where = f"{path.name}:{line}"
        text = text_of(obj, path, line)
        meta = meta_of(obj, path, line)
        answer = obj.get("answer", "accept")
        if answer != "accept":
            context.notes.add(f"records answered {answer!r} skipped", where)
            continue
        meta.setdefault("source", f"{path.name}:{line}")
        record = Record(name_of(meta, path, line), text, meta, source=f"{path}:{line}",
                        annotated="spans" in obj or "answer" in obj)
        if record.annotated:
            layer = obj.get("_annotator_id") or obj.get("_session_id")
            record.layer = str(layer) if layer else None
        record.tokens = _tokens(obj.get("tokens"), text, path, line)
        for span in _objects(obj, "spans", path, line):
            record.add(_mention(span, text, SpanKind.ENTITY, path, line))
        frames: dict[int, int] = {}
        for event in _objects(obj, "events", path, line):
            _event(record, event, frames, path, line)
        if obj.get("relations"):
            context.notes.add("Prodigy relations not imported (no relation layer)", where,
                              len(obj["relations"]))
        if isinstance(obj.get("label"), list):
            context.notes.add('records with a doccano "label" list, not imported as spans '
                              "(use --format doccano)", where)
        yield record


def _objects(obj: dict, key: str, path: Path, line: int) -> list[dict]:
    items = obj.get(key) or []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise InputError(f'"{key}" must be a list of objects', path, line)
    return items


def _mention(span: dict, text: str, kind: SpanKind, path: Path, line: int) -> Mention:
    start, end = offsets(span.get("start"), span.get("end"), text, path, line)
    given = span.get("text")
    if given is not None and given != text[start:end]:
        raise InputError(f"span text {given!r} does not match the text at {start}..{end} "
                         f"({text[start:end]!r})", path, line)
    return Mention(start, end, label_of(span.get("label"), path, line), kind)


def _tokens(items: object, text: str, path: Path, line: int) -> list[TokenOffsets] | None:
    if not items:
        return None
    if not isinstance(items, list) or not all(isinstance(t, dict) for t in items):
        raise InputError('"tokens" must be a list of objects', path, line)
    tokens = []
    for number, item in enumerate(items):
        start, end = offsets(item.get("start"), item.get("end"), text, path, line)
        if tokens and start < tokens[-1][1]:
            # the GUI and every token format need tokens in order, one after the other
            raise InputError(f"token {number} ({start}..{end}) starts before token {number - 1}"
                             f" ({tokens[-1][0]}..{tokens[-1][1]}) ends: tokens must be in order"
                             " and not overlap", path, line)
        tokens.append((start, end, bool(item.get("ws", True))))
    return tokens


def _event(record: Record, event: dict, frames: dict[int, int], path: Path, line: int) -> None:
    """One object of "events": its own event, the next frame of its trigger (`frames` counts
    the events read per trigger)."""
    trigger = event.get("trigger")
    if not isinstance(trigger, dict):
        raise InputError('an event needs a "trigger" object', path, line)
    index = record.add(_mention(trigger, record.text, SpanKind.TRIGGER, path, line))
    frame = frames[index] = frames.get(index, -1) + 1
    for argument in _objects(event, "arguments", path, line):
        role = label_of(argument.get("role"), path, line)
        start, end = offsets(argument.get("start"), argument.get("end"), record.text, path, line)
        label = argument.get("label")
        found = [m for m in record.entities
                 if (m.start, m.end) == (start, end) and label in (None, m.label)]
        if not found:
            raise InputError(f"argument {role} at {start}..{end} matches no span in "
                             '"spans"', path, line)
        record.link(index, role, record.add(found[0]), frame)
