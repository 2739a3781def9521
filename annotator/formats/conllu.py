"""CoNLL-U (Universal Dependencies' ten tab-separated columns), entities in the MISC column::

    # newdoc id = talks
    # sent_id = talks-1
    # text = Mike Pompeo met Kim.
    1	Mike	_	_	_	_	_	_	_	NER=B-PERSON|NE=B-PERSON
    2	Pompeo	_	_	_	_	_	_	_	NER=I-PERSON|NE=I-PERSON
    3	met	_	_	_	_	_	_	_	_
    4	Kim	_	_	_	_	_	_	_	NER=B-PERSON|NE=B-PERSON|SpaceAfter=No
    5	.	_	_	_	_	_	_	_	SpacesAfter=\\n

An entity tag is written under both names in use: `NER=` (UD pipelines, INCEpTION-style
exports) and `NE=` (what spaCy's `conllu` converter reads; it also reads `name=` and a bare
`B-PER`, as import does). Tags are IOB2 (or the `--scheme` asked for). Spacing follows UD:
`SpaceAfter=No` where no space follows a word, `SpacesAfter=` (escaped: `\\s`, `\\t`, `\\n`,
`\\r`, `\\p` for '|', `\\\\`) where other whitespace does, so import rebuilds the text
exactly (from the first word on). `# newdoc id =` starts a document. We hold no lemma, POS,
features or dependencies: those columns are `_`, and import reads past them.

Like CoNLL, one label per token holds no nested entities and no events (the export reports
them). Import takes multiword tokens (`1-2`) by their surface form, with the tag of their
first word, and skips empty nodes (`1.1`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from annotator.errors import InputError
from annotator.formats.conll import _bilou_chunks, _iob_chunks, tagged_sentences
from annotator.formats.context import ExportContext, ImportContext
from annotator.formats.records import Mention, Record, TokenOffsets
from annotator.importing import read_text_file
from annotator.model import Sentence

#: MISC keys an entity tag goes by: UD pipelines' NER, spaCy's NE (and name), or none
NER_PART = re.compile(r"^(?:(?:NER|NE|name)=)?([BIELSU])-(.+)$")
#: a word id as `int()` can read it (`isdigit` also takes '²', and 5,000 digits no int holds)
WORD_ID = re.compile(r"[0-9]{1,9}")
ESCAPES = {" ": "\\s", "\t": "\\t", "\n": "\\n", "\r": "\\r", "|": "\\p", "\\": "\\\\"}
UNESCAPES = {v: k for k, v in ESCAPES.items()}


# --- writing -----------------------------------------------------------------------------
def _spaces(gap: str) -> str | None:
    """The MISC item for the whitespace after a word (None for UD's default, one space)."""
    if gap == " ":
        return None
    if not gap:
        return "SpaceAfter=No"
    return "SpacesAfter=" + "".join(ESCAPES.get(c, c) for c in gap)


def document_lines(record: Record, context: ExportContext) -> Iterator[str]:
    text, sentences = tagged_sentences(record, context, "CoNLL-U")
    yield f"# newdoc id = {_comment(record.name)}\n"
    for number, sentence in enumerate(sentences, 1):
        if not sentence:
            continue
        yield f"# sent_id = {_comment(record.name)}-{number}\n"
        yield f"# text = {_comment(text[sentence[0][0]:sentence[-1][1]])}\n"
        for i, (start, end, tag) in enumerate(sentence):
            following = (sentence[i + 1][0] if i + 1 < len(sentence) else
                         sentences[number][0][0] if number < len(sentences)
                         and sentences[number] else len(text))
            misc = [] if tag == "O" else [f"NER={tag}", f"NE={tag}"]
            spacing = _spaces(text[end:following])
            if spacing:
                misc.append(spacing)
            yield "\t".join([str(i + 1), text[start:end], *"_" * 7,
                             "|".join(misc) or "_"]) + "\n"
        yield "\n"


def _comment(value: str) -> str:
    """A value a comment line can hold: line breaks and tabs become spaces."""
    return re.sub(r"[^\S ]", " ", value)


def write(records: Iterable[Record], path: Path, context: ExportContext) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for record in records:
            out.writelines(document_lines(record, context))


# --- reading -----------------------------------------------------------------------------
def read(path: Path, context: ImportContext) -> Iterator[Record]:
    documents = _parse(path)
    for number, (name, sentences) in enumerate(documents, 1):
        # the scheme per document: UD files gather documents tagged by different tools
        bilou = any(tag[0] in "LUES" for s in sentences for _, tag, _, _ in s
                    if tag not in ("O", "?"))
        yield _record(name or (path.stem if len(documents) == 1 else f"{path.stem}-{number}"),
                      sentences, path, bilou)


def _parse(path: Path) -> list[tuple[str | None, list[list[tuple[str, str, str, int]]]]]:
    """Documents as (name, sentences of (form, tag, spaces after, line))."""
    text = read_text_file(path).text
    documents: list[tuple[str | None, list[list[tuple[str, str, str, int]]]]] = [(None, [[]])]
    skip_to = 0
    for number, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip():
            if documents[-1][1][-1]:
                documents[-1][1].append([])
            continue
        if line.startswith("#"):
            found = re.match(r"#\s*newdoc(?:\s+id\s*=\s*(.*))?$", line)
            if found:
                documents.append(((found.group(1) or "").strip() or None, [[]]))
            continue
        columns = line.split("\t")
        if len(columns) != 10:
            raise InputError(f"a CoNLL-U word line has 10 tab-separated columns, this one "
                             f"{len(columns)}", path, number)
        ident, form, misc = columns[0], columns[1], columns[9]
        if "." in ident:
            continue  # an empty node: no surface form
        if "-" in ident:
            first, _, last = ident.partition("-")
            if not (WORD_ID.fullmatch(first) and WORD_ID.fullmatch(last)):
                raise InputError(f"bad word id {ident!r}", path, number)
            skip_to = int(last)
            documents[-1][1][-1].append((form, "?", _spacing(misc, path, number), number))
            continue
        if not WORD_ID.fullmatch(ident):
            raise InputError(f"bad word id {ident!r} (expected 1, 2 ... or 1-2, 1.1)", path,
                             number)
        tag = _tag(misc)
        sentence = documents[-1][1][-1]
        if int(ident) <= skip_to:
            if sentence and sentence[-1][1] == "?":  # the multiword token takes the first tag
                sentence[-1] = (sentence[-1][0], tag, sentence[-1][2], sentence[-1][3])
            continue
        skip_to = 0
        sentence.append((form, tag, _spacing(misc, path, number), number))
    found = [(name, [s for s in sentences if s]) for name, sentences in documents]
    found = [(name, sentences) for name, sentences in found if sentences]
    if not found:
        raise InputError("no words in this file", path)
    return found


def _tag(misc: str) -> str:
    for part in misc.split("|"):
        found = NER_PART.match(part)
        if found:
            return f"{found.group(1)}-{found.group(2)}"
    return "O"


def _spacing(misc: str, path: Path, line: int) -> str:
    """The whitespace after a word, from MISC (UD: one space unless told otherwise)."""
    for part in misc.split("|"):
        if part == "SpaceAfter=No":
            return ""
        if part.startswith("SpacesAfter="):
            value = part[len("SpacesAfter="):]
            return re.sub(r"\\[stnrp\\]", lambda m: UNESCAPES[m.group()], value)
    return " "


def _record(name: str, sentences: list[list[tuple[str, str, str, int]]], path: Path,
            bilou: bool) -> Record:
    pieces: list[str] = []
    tokens: list[TokenOffsets] = []
    spans: list[Sentence] = []
    mentions: list[Mention] = []
    position = 0
    for sentence in sentences:
        starts = []
        for form, _tag, after, _line in sentence:
            starts.append(position)
            pieces.append(form)
            position += len(form)
            tokens.append((starts[-1], position, after == " "))
            pieces.append(after)
            position += len(after)
        spans.append(Sentence(starts[0], starts[-1] + len(sentence[-1][0])))
        decode = _bilou_chunks if bilou else _iob_chunks
        words = [(form, tag if tag != "?" else "O", line) for form, tag, _, line in sentence]
        for label, i, j in decode(words, path):
            mentions.append(Mention(starts[i], starts[j] + len(sentence[j][0]), label))
    text = "".join(pieces)
    record = Record(name, text, {"source": f"{path.name}:{sentences[0][0][3]}"},
                    tokens=tokens, sentences=spans, annotated=True,
                    source=f"{path}:{sentences[0][0][3]}", rebuilt=True)
    for mention in mentions:
        record.add(mention)
    return record
