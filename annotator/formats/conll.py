"""CoNLL-2003 style NER columns: a token per line, the tag last, a blank line between sentences,
and spaCy's document delimiter between documents::

    -DOCSTART- -X- O O

    Mike B-PERSON
    Pompeo I-PERSON
    met O
    in O
    New B-GPE
    York I-GPE
    . O

Export writes IOB2 by default, IOB1 or BILOU on request, from the stored tokens and sentences
(no model needed). One label per token cannot hold nested or overlapping entities nor events:
the longest entity of an overlapping group is written, and the export reports the others and the
events, with their documents. Whitespace tokens are not written.

Import takes 2-, 3- or 4-column files (word, optional POS and chunk columns, tag last) and
detects the scheme per file: any `L-`/`U-` (or `E-`/`S-`) tag means BILOU (BIOES), checked
strictly; otherwise IOB, where `I-` after `O` or another type opens an entity (IOB1) and `B-`
always does (IOB2). The text is rebuilt with consistent offsets: the words of a sentence joined
by single spaces, sentences by a newline. A file without `-DOCSTART-` is one document. When the
project already holds a document with the same non-space characters (the one a CoNLL export
came from), the annotations attach to it, at its own offsets, instead of adding a re-spaced copy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from annotator.errors import InputError
from annotator.formats.context import ExportContext, ImportContext
from annotator.formats.records import Mention, Record, TokenOffsets, non_overlapping
from annotator.formats.tokens import aligned
from annotator.importing import read_text_file
from annotator.model import Sentence

DOCSTART = "-DOCSTART- -X- O O"
WORD = re.compile(r"\S+")
TAG = re.compile(r"^(?:O|([BIELSU])-(\S+))$")


# --- writing -----------------------------------------------------------------------------
def tags_for(labels: list[str | None], scheme: str) -> list[str]:
    """Tags for one sentence in `scheme`, from each word's place in an entity: "B:PER" opens a
    PER entity, "I:PER" continues it, None is outside."""
    tags = []
    for i, item in enumerate(labels):
        if item is None:
            tags.append("O")
            continue
        position, label = item.split(":", 1)
        follows = i + 1 < len(labels) and labels[i + 1] == f"I:{label}"
        if scheme == "BILOU":
            prefix = {("B", False): "U", ("B", True): "B", ("I", True): "I",
                      ("I", False): "L"}[(position, follows)]
        elif scheme == "IOB1":
            before = labels[i - 1] if i else None
            after_same = before is not None and before.split(":", 1)[1] == label
            prefix = "B" if position == "B" and after_same else "I"
        else:
            prefix = position
        tags.append(f"{prefix}-{label}")
    return tags


def tagged_sentences(record: Record, context: ExportContext,
                     fmt: str = "CoNLL") -> tuple[str, list[list[tuple[int, int, str]]]]:
    """The record's text and its sentences as (start, end, tag) words, tagged in
    `context.scheme`: what one label per token can hold (the rest is noted). Whitespace
    tokens are left out. CoNLL-U writes from this too."""
    record, tokens = aligned(record, context.notes)
    entities, left = non_overlapping(record.entities, len(record.text))
    notes = context.notes
    notes.add(f"overlapping or nested entity spans not written ({fmt} holds one label per "
              "token)", record.name, len(left))
    notes.add(f"events not written ({fmt} holds entities only)", record.name,
              len(record.triggers))
    text = record.text
    words: list[tuple[int, int, bool]] = []
    starts_sentence = False
    for start, end, sent_start in zip(tokens.starts, tokens.ends, tokens.sent_starts,
                                      strict=True):
        starts_sentence = starts_sentence or sent_start
        for match in WORD.finditer(text, start, end):
            words.append((match.start(), match.end(), starts_sentence))
            starts_sentence = False
    labels: list[str | None] = [None] * len(words)
    e = 0
    for i, (start, _end, _) in enumerate(words):
        while e < len(entities) and entities[e].end <= start:
            e += 1
        if e < len(entities) and entities[e].start <= start:
            first = entities[e].start == start
            labels[i] = f"{'B' if first else 'I'}:{entities[e].label}"
    sentences: list[list[int]] = []
    for i, (_start, _end, sent_start) in enumerate(words):
        if sent_start or not sentences:
            sentences.append([])
        sentences[-1].append(i)
    return text, [
        [(words[i][0], words[i][1], tag) for i, tag in
         zip(indices, tags_for([labels[i] for i in indices], context.scheme), strict=True)]
        for indices in sentences]


def _document_lines(record: Record, context: ExportContext) -> Iterator[str]:
    text, sentences = tagged_sentences(record, context)
    sep = context.conll.separator
    middle = f"_{sep}_{sep}" if context.conll.columns == 4 else ""
    for sentence in sentences:
        for start, end, tag in sentence:
            yield f"{text[start:end]}{sep}{middle}{tag}\n"
        yield "\n"


def write(records: Iterable[Record], path: Path, context: ExportContext) -> None:
    """The records in CoNLL columns, laid out as `context.conll` says (see `ConllLayout`)."""
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for record in records:
            if context.conll.docstart:
                out.write(DOCSTART + "\n\n")
            out.writelines(_document_lines(record, context))


# --- reading -----------------------------------------------------------------------------
class _Document:
    """Words and tags of one document as they are read, sentence by sentence."""

    def __init__(self, line: int):
        self.line = line
        self.sentences: list[list[tuple[str, str, int]]] = [[]]

    def add(self, word: str, tag: str, line: int) -> None:
        self.sentences[-1].append((word, tag, line))

    def end_sentence(self) -> None:
        if self.sentences[-1]:
            self.sentences.append([])

    @property
    def empty(self) -> bool:
        return not any(self.sentences)


def read(path: Path, context: ImportContext) -> Iterator[Record]:
    documents = _parse(path)
    bilou = any(tag[0] in "LUES" for doc in documents for s in doc.sentences for _, tag, _ in s
                if tag != "O")
    for number, document in enumerate(documents, 1):
        yield _record(document, path, number, len(documents), bilou)


def _parse(path: Path) -> list[_Document]:
    text = read_text_file(path).text  # UTF-8 with or without BOM; binary or empty refused
    documents = [_Document(1)]
    columns: tuple[int, int] | None = None
    for number, line in enumerate(text.split("\n"), 1):
        cols = line.split()
        if not cols:
            documents[-1].end_sentence()
            continue
        if cols[0] == "-DOCSTART-":
            documents.append(_Document(number))
            continue
        if not 2 <= len(cols) <= 4:
            raise InputError(f"expected 2 to 4 columns (word ... tag), found {len(cols)}",
                             path, number)
        if columns is None:
            columns = (len(cols), number)
        elif len(cols) != columns[0]:
            raise InputError(f"{len(cols)} columns where line {columns[1]} has {columns[0]}",
                             path, number)
        if not TAG.match(cols[-1]):
            raise InputError(f"{cols[-1]!r} is not a tag (O, or B-, I-, L-, U-, E-, S- and a "
                             "label)", path, number)
        documents[-1].add(cols[0], cols[-1], number)
    found = [d for d in documents if not d.empty]
    if not found:
        raise InputError("no tokens in this file", path)
    return found


def _record(document: _Document, path: Path, number: int, count: int, bilou: bool) -> Record:
    name = path.stem if count == 1 else f"{path.stem}-{number}"
    pieces: list[str] = []
    tokens: list[TokenOffsets] = []
    sentences: list[Sentence] = []
    mentions: list[Mention] = []
    position = 0
    for sentence in filter(None, document.sentences):
        if pieces:
            pieces.append("\n")
            position += 1
        first = position
        starts = []
        for i, (word, _tag, _line) in enumerate(sentence):
            if i:
                pieces.append(" ")
                position += 1
            starts.append(position)
            pieces.append(word)
            position += len(word)
            tokens.append((starts[-1], position, i + 1 < len(sentence)))
        sentences.append(Sentence(first, position))
        decode = _bilou_chunks if bilou else _iob_chunks
        for label, i, j in decode(sentence, path):
            word_end = starts[j] + len(sentence[j][0])
            mentions.append(Mention(starts[i], word_end, label))
    record = Record(name, "".join(pieces), {"source": f"{path.name}:{document.line}"},
                    tokens=tokens, sentences=sentences, annotated=True,
                    source=f"{path}:{document.line}", rebuilt=True)
    for mention in mentions:
        record.add(mention)
    return record


def _iob_chunks(sentence: list[tuple[str, str, int]], path: Path) -> Iterator[tuple[str, int,
                                                                                    int]]:
    """(label, first word, last word) of IOB1/IOB2 tags: B- opens, I- continues or opens."""
    open_: tuple[str, int] | None = None
    for i, (_word, tag, _line) in enumerate(sentence):
        prefix, label = (tag[0], tag[2:]) if tag != "O" else ("O", "")
        continues = prefix == "I" and open_ is not None and open_[0] == label
        if open_ is not None and not continues:
            yield open_[0], open_[1], i - 1
            open_ = None
        if prefix in "BI" and not continues:
            open_ = (label, i)
    if open_ is not None:
        yield open_[0], open_[1], len(sentence) - 1


def _bilou_chunks(sentence: list[tuple[str, str, int]], path: Path) -> Iterator[tuple[str, int,
                                                                                      int]]:
    """(label, first word, last word) of BILOU/BIOES tags, which must nest exactly."""
    open_: tuple[str, int] | None = None
    for i, (_word, tag, line) in enumerate(sentence):
        prefix, label = (tag[0], tag[2:]) if tag != "O" else ("O", "")
        prefix = {"E": "L", "S": "U"}.get(prefix, prefix)
        if prefix in "IL":
            if open_ is None or open_[0] != label:
                raise InputError(f"{tag} does not continue a {label} entity opened by B- "
                                 "(BILOU file)", path, line)
            if prefix == "L":
                yield label, open_[1], i
                open_ = None
            continue
        if open_ is not None:
            raise InputError(f"{tag} where the {open_[0]} entity opened by B- needs I- or L- "
                             "(BILOU file)", path, line)
        if prefix == "U":
            yield label, i, i
        elif prefix == "B":
            open_ = (label, i)
    if open_ is not None:
        raise InputError(f"the {open_[0]} entity opened by B- ends with the sentence, without "
                         "L- (BILOU file)", path, sentence[-1][2])
