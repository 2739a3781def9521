"""JSON Lines, the carrier of the Prodigy and doccano formats: writing one compact UTF-8 object
per line, and the field checks both readers need (they read lines with
`annotator.importing.read_json_lines`, which the plain-text import shares)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from annotator.errors import InputError
from annotator.importing import shown


def write_objects(objects: Iterable[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for obj in objects:
            out.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n")


def text_of(record: dict, path: Path, line: int) -> str:
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError('no "text" string in this record', path, line)
    return text


def meta_of(record: dict, path: Path, line: int) -> dict:
    meta = record.get("meta") or {}
    if not isinstance(meta, dict):
        raise InputError('"meta" must be an object', path, line)
    return meta


def name_of(meta: dict, path: Path, line: int) -> str:
    return str(meta.get("name") or meta.get("id") or f"{path.stem}-{line}")


def offsets(start: object, end: object, text: str, path: Path, line: int) -> tuple[int, int]:
    """Checked character offsets of a span: integers with 0 <= start < end <= len(text)."""
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end)):
        raise InputError(f"span offsets must be integers, got {shown(start)}, {shown(end)}",
                         path, line)
    if not (0 <= start <= len(text) and 0 <= end <= len(text)):
        raise InputError(f"span {shown(start, 20)}..{shown(end, 20)} is outside the text "
                         f"({len(text)} characters)", path, line)
    if start >= end:
        raise InputError(f"span {start}..{end} ends before it starts", path, line)
    return start, end


def label_of(value: object, path: Path, line: int) -> str:
    if not isinstance(value, str) or not value:
        raise InputError(f"a span label must be a non-empty string, got {shown(value)}", path,
                         line)
    return value
