"""Every exchange format, registered in one place (the CLI and the GUI list them from here)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from annotator.formats import brat, conll, doccano, prodigy_jsonl, spacy_docbin
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

SUFFIX_FORMATS = {".spacy": "spacy", ".conll": "conll", ".iob": "conll", ".bio": "conll",
                  ".bilou": "conll", ".ann": "brat", ".jsonl": "jsonl", ".json": "jsonl",
                  ".ndjson": "jsonl", ".txt": "txt"}


def detect_format(path: Path) -> str:
    """The format of one input by its name (and a peek into JSONL): a folder holding `.ann`
    files is brat; doccano JSONL is told from Prodigy's by its `label` list."""
    if path.is_dir():
        return "brat" if next(path.rglob("*.ann"), None) else "txt"
    fmt = SUFFIX_FORMATS.get(path.suffix.lower(), "txt")
    return "doccano" if fmt == "jsonl" and _looks_like_doccano(path) else fmt


def _looks_like_doccano(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8-sig") as lines:
            first = next((line for line in lines if line.strip()), "")
        record = json.loads(first)
    except (OSError, ValueError, RecursionError):  # the reader reports what is wrong
        return False
    return isinstance(record, dict) and "spans" not in record and (
        isinstance(record.get("label"), list) or isinstance(record.get("entities"), list))
