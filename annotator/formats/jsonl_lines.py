"""JSON Lines, the carrier of the Prodigy and doccano formats: writing one compact UTF-8 object
per line, and the field checks both readers need (they read lines with
`annotator.importing.read_json_lines`, which the plain-text import shares)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from annotator.errors import InputError


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
    if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool):
        raise InputError(f"span offsets must be integers, got {start!r}, {end!r}", path, line)
    if start >= end:
        raise InputError(f"span {start}..{end} ends before it starts", path, line)
    if not 0 <= start < end <= len(text):
        raise InputError(f"span {start}..{end} is outside the text ({len(text)} characters)",
                         path, line)
    return start, end


def label_of(value: object, path: Path, line: int) -> str:
    if not isinstance(value, str) or not value:
        raise InputError(f"a span label must be a non-empty string, got {value!r}", path, line)
    return value
