"""Bringing raw text into a project: `.txt` files and folders, and JSONL of `{"text", "meta"}`.

All or nothing: every input is read and checked before anything is written, and the write is
one transaction, so a bad file anywhere in a call leaves the project exactly as it was. Errors
name the file, and the line for JSONL. Annotated formats (spaCy, CoNLL, brat ...) live in
`annotator.formats`; this module is the plain-text door.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.errors import InputError
from annotator.model import Document

if TYPE_CHECKING:
    from annotator.store import AddReport, Store

#: A document larger than this is refused: nobody annotates it, and it would stall every view.
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


def _decode(path: Path, data: bytes, line: int | None = None) -> str:
    nul = data.find(b"\x00")
    if nul != -1:
        raise InputError("binary data (NUL bytes), not text", path,
                         line or data.count(b"\n", 0, nul) + 1)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not valid UTF-8 (byte {exc.start}: {data[exc.start:exc.start + 1]!r})", path, line
        ) from exc
    return text


def shown(value: object, limit: int = 40) -> str:
    """`repr(value)` cut to `limit` characters, for messages about data that may be huge (a
    5,000-digit number has no `repr` at all in Python 3.11: it raises)."""
    try:
        text = repr(value)
    except ValueError:
        text = f"<a {type(value).__name__} too long to show>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_string(value: str, what: str, path: object, line: int | None = None) -> str:
    """`value` if the project can store it as text: no NUL (SQLite's `length()` and every C
    string API stop at it) and no lone surrogate (`\\ud800` in JSON; not encodable as UTF-8)."""
    nul = value.find("\x00")
    if nul != -1:
        raise InputError(f"{what} holds a NUL character (at {nul})", path, line)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(f"{what} holds a lone surrogate {value[exc.start]!r} (at {exc.start}),"
                         " which is not text", path, line) from None
    return value


def file_name_text(name: str) -> str:
    """`name` (from a file name) as text: bytes that were not UTF-8, which Python keeps as lone
    surrogates, become U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def read_text_file(path: Path) -> Document:
    size = path.stat().st_size
    if size > MAX_DOCUMENT_BYTES:
        raise InputError(f"{size} bytes is over the {MAX_DOCUMENT_BYTES} byte limit", path)
    text = _decode(path, path.read_bytes())
    if not text.strip():
        raise InputError("empty file", path)
    return Document(name=file_name_text(path.stem), text=text,
                    meta={"source": file_name_text(path.name)})


def read_json_lines(path: Path) -> Iterator[tuple[int, dict]]:
    """(line number, object) for each non-blank line of a JSONL file (the annotated JSONL
    formats read through this too); an empty file, bad UTF-8 or JSON, or a line that is not an
    object is an error naming the file and line."""
    data = path.read_bytes()
    if not data.strip():
        raise InputError("empty file", path)
    for number, raw in enumerate(data.splitlines(), 1):
        if not raw.strip():
            continue
        line = _decode(path, raw, number)
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON ({exc.msg})", path, number) from exc
        except RecursionError:
            raise InputError("invalid JSON (nested too deeply)", path, number) from None
        except ValueError:  # Python refuses integers of more than 4,300 digits
            raise InputError("invalid JSON (a number too long to read)", path, number) from None
        if not isinstance(record, dict):
            raise InputError(f"expected a JSON object, got {type(record).__name__}", path, number)
        yield number, record


def read_jsonl_file(path: Path) -> Iterator[Document]:
    """Prodigy/doccano-style input: one `{"text": ..., "meta": {...}}` object per line."""
    for number, record in read_json_lines(path):
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            raise InputError("no \"text\" string in this record", path, number)
        meta = record.get("meta") or {}
        if not isinstance(meta, dict):
            raise InputError("\"meta\" must be an object", path, number)
        name = str(meta.get("name") or meta.get("id") or file_name_text(f"{path.stem}-{number}"))
        check_document(text, name, meta, path, number)
        yield Document(name=name, text=text,
                       meta={**meta, "source": file_name_text(f"{path.name}:{number}")})


def check_document(text: str, name: str, meta: dict, path: object,
                   line: int | None = None) -> None:
    """What every imported document must be to be stored: text and name without NUL or lone
    surrogates, meta that is storable JSON."""
    check_string(text, "the text", path, line)
    check_string(name, "the document name", path, line)
    try:
        stored = json.dumps(meta, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError) as exc:
        raise InputError(f'"meta" cannot be stored as JSON ({type(exc).__name__})', path,
                         line) from None
    check_string(stored, '"meta"', path, line)


def expand_paths(paths: Iterable[Path], suffixes: tuple[str, ...]) -> list[Path]:
    """Files as given, folders as their files with one of `suffixes` (sorted, not recursive)."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix in suffixes)
            if not found:
                raise InputError(f"no {'/'.join(suffixes)} files in this folder", path)
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise InputError("no such file or folder", path)
    return files


def detect_format(path: Path) -> str:
    """`jsonl` or `txt` by the file's name; any other name is an error, not a guess."""
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json", ".ndjson"):
        return "jsonl"
    if suffix == ".txt":
        return "txt"
    named = f"a name ending {suffix!r}" if suffix else "a name without an extension"
    raise InputError(f"cannot tell the format from {named}: name it .txt or .jsonl, or choose "
                     "the format", path)


def read_documents(paths: Iterable[Path], fmt: str = "auto") -> list[Document]:
    """Read every input fully (so errors surface before any write)."""
    docs: list[Document] = []
    suffixes = {"txt": (".txt",), "jsonl": (".jsonl",), "auto": (".txt", ".jsonl")}[fmt]
    for path in expand_paths(paths, suffixes):
        kind = detect_format(path) if fmt == "auto" else fmt
        docs.extend(read_jsonl_file(path) if kind == "jsonl" else [read_text_file(path)])
    return docs


def import_documents(store: Store, paths: Iterable[Path], fmt: str = "auto") -> AddReport:
    """Import plain documents, all or nothing, skipping texts the project already holds."""
    return store.add_documents(read_documents(paths, fmt))
