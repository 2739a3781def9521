"""Prodigy-compatible JSONL: what `ner.manual` / `ner.correct` / `ner.teach` save, plus our
`events`.

One task per line::

    {"text": "Pompeo met Kim.", "meta": {"name": "doc1"},
     "_input_hash": -1364251374, "_task_hash": 1184613467,
     "tokens": [{"text": "Pompeo", "start": 0, "end": 6, "id": 0, "ws": true}, ...],
     "spans": [{"start": 0, "end": 6, "token_start": 0, "token_end": 0, "label": "PERSON"},
               {"start": 11, "end": 14, "label": "ORG", "answer": "reject"}],
     "answer": "accept", "_view_id": "ner_manual", "_annotator_id": "alice",
     "events": [{"trigger": {"start": 7, "end": 10, "token_start": 1, "token_end": 1,
                             "label": "Contact:Meet"},
                 "arguments": [{"role": "Entity", "start": 0, "end": 6,
                                "label": "PERSON"}, ...]}]}

`token_end` is inclusive, as in Prodigy. `spans` holds entities only, so Prodigy trains NER on
them as is; event triggers live in `events`, labelled with the event type, each argument naming
an entity of `spans` by its offsets and label; each object of `events` is one event, so two on
one trigger are two events.

Decisions, as Prodigy records them:
- a record answered `accept` in a manual view (`ner_manual`, or no `_view_id`) is a complete
  annotation: its spans are accepted and the document is marked done; answered `reject` or
  `ignore`, it is skipped (counted);
- a span with its own `"answer": "reject"` is a rejected span (what `ner.teach` and review
  write), not an annotation: it comes in as a rejected decision (a tombstone on a suggestion);
- a binary record (`_view_id` `ner`, as `ner.teach` saves) is a decision about the spans it
  shows, not a complete annotation: its spans are accepted or rejected by the record's answer
  (or their own), and the document is not marked done. Export writes a document that is not
  marked done the same way, so the status survives a round trip.

Hashes: `_input_hash` and `_task_hash` follow Prodigy's `set_hashes`: a signed 32-bit murmurhash
(spaCy's `murmurhash`) of the task's input keys (`text`, `image`, `html`, `input`), and of its
task keys (`spans`, `label`, `options`, `arcs`, without Prodigy's ignored keys such as `score`)
prefixed by the input hash. The hashes a Prodigy file brings are kept with the document and
written back while its spans are unchanged, so Prodigy recognises its own tasks in our export.
`_annotator_id` (else `_session_id`) names the layer; a record without `spans` and `answer` is
plain text (`{"text", "meta"}`) and only brings the document in.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import murmurhash

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

#: Prodigy's INPUT_HASH_KEYS, TASK_HASH_KEYS and IGNORE_HASH_KEYS
INPUT_KEYS = ("text", "image", "html", "input")
TASK_KEYS = ("spans", "label", "options", "arcs")
IGNORE_KEYS = frozenset({"score", "rank", "model", "source", "pattern", "priority", "path",
                         "_view_id", "_session_id", "_annotator_id", "answer"})
#: Prodigy views whose answers are decisions about the spans shown, not complete annotations
BINARY_VIEWS = frozenset({"ner", "binary"})
MANUAL_VIEW = "ner_manual"
#: where a document's meta keeps the hashes its Prodigy file gave it
HASHES = "_prodigy_hashes"


def _stripped(value: object) -> object:
    """`value` without Prodigy's ignored keys in the objects it holds (a span's `score`)."""
    if isinstance(value, dict):
        return {k: _stripped(v) for k, v in value.items() if k not in IGNORE_KEYS}
    if isinstance(value, list):
        return [_stripped(v) for v in value]
    return value


def _hash(task: dict, keys: tuple[str, ...], prefix: str = "") -> int:
    values = {key: _stripped(task[key]) for key in keys if key in task}
    return murmurhash.hash(prefix + json.dumps(values, sort_keys=True))


def input_hash(task: dict) -> int:
    """Prodigy's `_input_hash` of a task: murmurhash of its input keys."""
    return _hash(task, INPUT_KEYS)


def task_hash(task: dict) -> int:
    """Prodigy's `_task_hash`: murmurhash of the task keys, prefixed by the input hash."""
    return _hash(task, TASK_KEYS, str(input_hash(task)))


# --- writing -----------------------------------------------------------------------------
def _span(mention: Mention, tokens: Tokenised) -> dict:
    first, stop = tokens.locate(mention)
    return {"start": mention.start, "end": mention.end, "token_start": first,
            "token_end": stop - 1, "label": mention.label}


def task(record: Record, context: ExportContext) -> dict:
    """One record as a Prodigy task: a manual one when the document is done, else a binary one
    (its spans are decisions); rejected decisions are spans answered `reject`."""
    record, tokens = aligned(record, context.notes)
    text = record.text
    spans = [_span(m, tokens) for m in record.entities]
    spans += [{**_span(m, tokens), "answer": "reject"} for m in record.rejected]
    events = [{"trigger": _span(trigger, tokens),
               "arguments": [{"role": role, "start": arg.start, "end": arg.end,
                              "label": arg.label} for role, arg in arguments]}
              for trigger, arguments in record.events()]
    meta = {k: v for k, v in record.meta.items() if k != HASHES}
    obj = {
        "text": text,
        "meta": {**meta, "name": record.name},
        "tokens": [{"text": text[s:e], "start": s, "end": e, "id": i, "ws": ws}
                   for i, (s, e, ws) in enumerate(zip(tokens.starts, tokens.ends, tokens.spaces,
                                                       strict=True))],
        "spans": spans,
        "answer": "accept",
        "_view_id": "ner" if record.partial else MANUAL_VIEW,
    }
    ours = {"_input_hash": input_hash(obj), "_task_hash": task_hash(obj)}
    kept = record.meta.get(HASHES)
    if isinstance(kept, dict) and kept.get("ours") == _fingerprint(obj):
        ours = {"_input_hash": kept.get("input", ours["_input_hash"]),
                "_task_hash": kept.get("task", ours["_task_hash"])}
    obj.update(ours)
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
        binary = obj.get("_view_id") in BINARY_VIEWS
        if answer not in ("accept", "reject") or (answer == "reject" and not binary):
            context.notes.add(f"records answered {answer!r} skipped", where)
            continue
        meta.setdefault("source", f"{path.name}:{line}")
        annotated = "spans" in obj or "answer" in obj
        record = Record(name_of(meta, path, line), text, meta, source=f"{path}:{line}",
                        annotated=annotated and not binary, partial=annotated and binary)
        if annotated:
            layer = obj.get("_annotator_id") or obj.get("_session_id")
            record.layer = str(layer) if layer else None
            _keep_hashes(record, obj)
        record.tokens = _tokens(obj.get("tokens"), text, path, line)
        for span in _objects(obj, "spans", path, line):
            mention = _mention(span, text, SpanKind.ENTITY, path, line)
            decision = span.get("answer", answer)
            if decision == "reject":
                record.rejected.append(mention)
            elif decision == "accept":
                record.add(mention)
            else:
                context.notes.add(f"spans answered {decision!r} skipped", where)
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


def _keep_hashes(record: Record, obj: dict) -> None:
    """The file's own hashes, with the task hash we compute for the same spans: an export
    writes them back while the spans are unchanged (see `task`)."""
    given = obj.get("_input_hash"), obj.get("_task_hash")
    if all(isinstance(h, int) and not isinstance(h, bool) for h in given):
        record.meta[HASHES] = {"input": given[0], "task": given[1], "ours": _fingerprint(obj)}


def _fingerprint(obj: dict) -> int:
    """The task hash of what we hold of a task (text, span offsets, labels, answers), however
    the file spelled the rest (token indices, scores): equal while the annotation is."""
    spans = sorted([(s.get("start"), s.get("end"), str(s.get("label")), s.get("answer", "accept"))
                    for s in obj.get("spans") or [] if isinstance(s, dict)], key=repr)
    return task_hash({"text": obj.get("text"), "spans": [list(s) for s in spans]})


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
