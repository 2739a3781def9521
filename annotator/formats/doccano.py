"""doccano's sequence-labelling JSONL, both ways::

    {"text": "Pompeo met Kim.", "label": [[0, 6, "PERSON"], [11, 14, "PERSON"]],
     "meta": {"name": "doc1"}}

Offsets are character offsets, end exclusive, like ours. doccano's label list holds entities
only, so event triggers and arguments are not written (the export reports how many, where).
Import also takes the newer export with `"entities": [{"start_offset", "end_offset",
"label"}]`; its `relations` are reported, not imported. Other top-level keys (doccano writes
`id`, `Comments`) are kept in the document's meta.
"""

from __future__ import annotations

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
from annotator.formats.records import Mention, Record
from annotator.importing import read_json_lines

KNOWN_KEYS = frozenset({"text", "label", "entities", "relations", "meta"})


def line_of(record: Record, context: ExportContext) -> dict:
    if record.triggers:
        context.notes.add("events not written (doccano's label list holds entities only)",
                          record.name, len(record.triggers))
    return {"text": record.text,
            "label": [[m.start, m.end, m.label] for m in record.entities],
            "meta": {**record.meta, "name": record.name}}


def write(records: Iterable[Record], path: Path, context: ExportContext) -> None:
    write_objects((line_of(r, context) for r in records), path)


def read(path: Path, context: ImportContext) -> Iterator[Record]:
    for line, obj in read_json_lines(path):
        text = text_of(obj, path, line)
        meta = {**{k: v for k, v in obj.items() if k not in KNOWN_KEYS},
                **meta_of(obj, path, line)}
        record = Record(name_of(meta, path, line), text, meta, source=f"{path}:{line}",
                        annotated="label" in obj or "entities" in obj)
        for start, end, label in _labels(obj, path, line):
            start, end = offsets(start, end, text, path, line)
            record.add(Mention(start, end, label_of(label, path, line)))
        if "spans" in obj:
            context.notes.add('records with Prodigy "spans", not imported as spans (use '
                              "--format jsonl)", f"{path.name}:{line}")
        if obj.get("relations"):
            context.notes.add("doccano relations not imported (no relation layer)",
                              f"{path.name}:{line}", len(obj["relations"]))
        yield record


def _labels(obj: dict, path: Path, line: int) -> list[tuple[object, object, object]]:
    labels = obj.get("label") or []
    entities = obj.get("entities") or []
    if not isinstance(labels, list) or not isinstance(entities, list):
        raise InputError('"label" and "entities" must be lists', path, line)
    found = []
    for item in labels:
        if not (isinstance(item, list) and len(item) == 3):
            raise InputError(f'a "label" entry must be [start, end, "LABEL"], got {item!r}',
                             path, line)
        found.append(tuple(item))
    for item in entities:
        if not isinstance(item, dict):
            raise InputError(f'an "entities" entry must be an object, got {item!r}', path, line)
        found.append((item.get("start_offset"), item.get("end_offset"), item.get("label")))
    return found
