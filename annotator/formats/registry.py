"""Every exchange format, registered in one place (the CLI and the GUI list them from here)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from annotator.errors import InputError
from annotator.formats import brat, conll, conllu, doccano, prodigy_jsonl, spacy_docbin
from annotator.formats.context import Format, ImportContext
from annotator.formats.records import Record
from annotator.importing import read_text_file

FORMATS: dict[str, Format] = {
    "spacy": Format("spacy", "spaCy DocBin (.spacy): doc.ents, spans, event frames",
                    ".spacy", (".spacy",), spacy_docbin.read, spacy_docbin.write,
                    finish_split=spacy_docbin.write_config),
    "jsonl": Format("jsonl", "Prodigy-compatible JSONL with tokens, spans and events",
                    ".jsonl", (".jsonl", ".json", ".ndjson"), prodigy_jsonl.read,
                    prodigy_jsonl.write),
    "conll": Format("conll", "CoNLL-2003 NER columns (IOB2, IOB1 or BILOU)", ".conll",
                    (".conll", ".iob", ".bio", ".bilou", ".txt"), conll.read, conll.write),
    "conllu": Format("conllu", "CoNLL-U (UD columns), entities in MISC as NER=/NE=",
                     ".conllu", (".conllu",),
                     conllu.read, conllu.write),
    "brat": Format("brat", "brat standoff folder: .txt + .ann per document, annotation.conf",
                   "", (".ann",), brat.read, brat.write, tokens=False),
    "doccano": Format("doccano", 'doccano JSONL: {"text", "label": [[start, end, label]]}',
                      ".jsonl", (".jsonl", ".json"), doccano.read, doccano.write,
                      tokens=False),
}


def _read_text(path: Path, context: ImportContext) -> Iterator[Record]:
    document = read_text_file(path)
    yield Record(document.name, document.text, document.meta, source=str(path))


#: import-only: plain text, a file per document (issue 2's `--format txt`)
PLAIN_FORMATS: dict[str, Format] = {
    "txt": Format("txt", "plain text, a file per document", ".txt", (".txt",), _read_text,
                  None),
}

SUFFIX_FORMATS = {".spacy": "spacy", ".conll": "conll", ".conllu": "conllu", ".iob": "conll",
                  ".bio": "conll", ".bilou": "conll", ".ann": "brat", ".jsonl": "jsonl",
                  ".json": "jsonl", ".ndjson": "jsonl", ".txt": "txt"}


def detect_format(path: Path) -> str:
    """The format of one input by its name (and a peek into JSONL): a folder holding `.ann`
    files is brat; doccano JSONL is told from Prodigy's by its `label` list. A name that says
    nothing (`.xyz`, `.doccano`, no extension) is an error asking for `--format`: guessing
    plain text would import a JSON or CoNLL file as one long document."""
    if path.is_dir():
        return "brat" if next(path.rglob("*.ann"), None) else "txt"
    if not path.exists():
        raise InputError("no such file or folder", path)
    fmt = SUFFIX_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(_unknown_name(path), path)
    return "doccano" if fmt == "jsonl" and _looks_like_doccano(path) else fmt


def _unknown_name(path: Path) -> str:
    named = f"a name ending {path.suffix!r}" if path.suffix else "a name without an extension"
    hint = ("; it holds JSON lines, so --format jsonl (Prodigy) or --format doccano"
            if _first_object(path) is not None else "")
    return (f"cannot tell the format from {named}: pass --format with one of "
            f"{', '.join([*PLAIN_FORMATS, *FORMATS])}{hint}")


def _first_object(path: Path) -> dict | None:
    """The first non-blank line of `path` as a JSON object, or None."""
    try:
        with path.open(encoding="utf-8-sig") as lines:
            first = next((line for line in lines if line.strip()), "")
        record = json.loads(first)
    except (OSError, ValueError, RecursionError):  # the reader reports what is wrong
        return None
    return record if isinstance(record, dict) else None


def _looks_like_doccano(path: Path) -> bool:
    record = _first_object(path)
    return record is not None and "spans" not in record and (
        isinstance(record.get("label"), list) or isinstance(record.get("entities"), list))
