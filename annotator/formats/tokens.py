"""Tokens for the token-based formats (spaCy, Prodigy, CoNLL), aligned so no span moves.

Token formats can only express spans that start and end on token boundaries. Peers "fix" a
misaligned span by stretching it to the surrounding tokens, which silently shifts offsets. We
cut the token instead: a span boundary inside a token splits that token (`U.S.-led` with a span
on `U.S.` becomes `U.S.` + `-led`), so every span keeps its exact characters. The only spans
that change are those with leading or trailing whitespace, which no token format can hold; they
are trimmed, and the exporter reports each trim.

Tokens come from the project's stored analysis (issue 3) when there is one, otherwise from
`spacy.blank("en")` with a sentencizer: no trained model is ever needed to export.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from annotator.formats.context import Notes
from annotator.formats.records import Mention, Record, TokenOffsets
from annotator.model import Sentence


@lru_cache(maxsize=1)
def _blank_pipeline():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def blank_vocab():
    """The vocabulary Docs are built on: English, so the Docs load into English pipelines."""
    return _blank_pipeline().vocab


def blank_analysis(text: str) -> tuple[list[TokenOffsets], list[Sentence]]:
    """Tokens and sentences from spaCy's rule-based English tokenizer and sentencizer."""
    nlp = _blank_pipeline()
    # spaCy's length limit guards the memory of parsers and NER; the tokenizer and the
    # sentencizer need little, so a long document is tokenised rather than refused
    nlp.max_length = max(nlp.max_length, len(text) + 1)
    doc = nlp(text)
    tokens = [(t.idx, t.idx + len(t), bool(t.whitespace_)) for t in doc]
    return tokens, [Sentence(s.start_char, s.end_char) for s in doc.sents]


def trimmed(mention: Mention, text: str) -> Mention | None:
    """The mention without leading/trailing whitespace; None when nothing but whitespace."""
    piece = text[mention.start : mention.end]
    stripped = piece.strip()
    if not stripped:
        return None
    if stripped == piece:
        return mention
    start = mention.start + (len(piece) - len(piece.lstrip()))
    return Mention(start, start + len(stripped), mention.label, mention.kind)


@dataclass
class Tokenised:
    """A record's text as tokens that tile it the way a spaCy Doc does, and on which every
    (trimmed) span starts and ends. Parallel lists, because exports build millions of them."""

    starts: list[int]
    ends: list[int]
    #: whether one space follows the token (spaCy's `whitespace_`)
    spaces: list[bool]
    #: per token: does a sentence start here
    sent_starts: list[bool]
    #: tokens that had to be cut at a span boundary
    cuts: int = 0

    def words(self, text: str) -> list[str]:
        return [text[s:e] for s, e in zip(self.starts, self.ends, strict=True)]

    def locate(self, mention: Mention) -> tuple[int, int]:
        """Token range [first, last + 1) covering exactly the mention (which must be trimmed)."""
        return bisect_left(self.starts, mention.start), bisect_left(self.ends, mention.end) + 1


def tokenise(record: Record, mentions: Sequence[Mention]) -> Tokenised:
    """Tokens and sentence starts for `record`, cut so each of `mentions` aligns.

    `mentions` must already be trimmed. The tokens tile the text: a token is followed by
    nothing or one space; any other gap (several spaces, a newline) becomes a token of its own,
    so joining the tokens rebuilds the text exactly. A sentence break falling inside a mention is
    dropped so the mention stays in one sentence (CoNLL and spaCy would otherwise split it).
    """
    text = record.text
    tokens, sentences = record.tokens, record.sentences
    if tokens is None:
        tokens, sentences = blank_analysis(text)
    elif not sentences:
        sentences = blank_analysis(text)[1]
    # span boundaries in order, closed by a sentinel past the text so loops need no length test
    boundaries = sorted({m.start for m in mentions} | {m.end for m in mentions})
    boundaries.append(len(text) + 1)
    result = Tokenised([], [], [], [])
    starts, ends, spaces = result.starts, result.ends, result.spaces
    b = 0

    def emit(start: int, end: int) -> None:
        """Append the token start..end, cut at every span boundary inside it."""
        nonlocal b
        while boundaries[b] <= start:
            b += 1
        while boundaries[b] < end:
            starts.append(start)
            ends.append(boundaries[b])
            spaces.append(False)
            start = boundaries[b]
            b += 1
            result.cuts += 1
        starts.append(start)
        ends.append(end)
        spaces.append(False)

    def gap(start: int, end: int) -> None:
        """Text between tokens: one space goes to the token before, the rest is a token."""
        if start < end and text[start] == " " and spaces and not spaces[-1]:
            spaces[-1] = True
            start += 1
        if start < end:
            emit(start, end)

    position = 0
    for start, end, _ in sorted(tokens):
        if start < position or end <= start:
            continue
        # the common cases inline: one space before the token, no span boundary inside it
        if start == position + 1 and text[position] == " " and spaces and not spaces[-1]:
            spaces[-1] = True
        elif start > position:
            gap(position, start)
        while boundaries[b] <= start:
            b += 1
        if boundaries[b] < end:
            emit(start, end)
        else:
            starts.append(start)
            ends.append(end)
            spaces.append(False)
        position = end
    gap(position, len(text))
    sent_starts = result.sent_starts = [False] * len(starts)
    for sentence in sentences:
        i = bisect_left(starts, sentence.start)
        if i < len(starts):
            sent_starts[i] = True
    if starts:
        sent_starts[0] = True
    for mention in mentions:
        first, stop = result.locate(mention)
        for i in range(first + 1, stop):
            sent_starts[i] = False
    return result


def aligned(record: Record, notes: Notes) -> tuple[Record, Tokenised]:
    """`record` with whitespace trimmed off its spans, and tokens on which they all align.

    What changes is noted: trimmed spans, whitespace-only spans (dropped, with the event
    arguments that used them), and tokens cut at span boundaries.
    """
    where = record.name
    kept: dict[int, int] = {}
    clean = Record(record.name, record.text, record.meta, tokens=record.tokens,
                   sentences=record.sentences, annotated=record.annotated, layer=record.layer,
                   source=record.source, partial=record.partial)
    for i, mention in enumerate(record.spans):
        fitted = trimmed(mention, record.text)
        if fitted is None:
            notes.add("whitespace-only spans not written", where)
            continue
        if fitted != mention:
            notes.add("spans trimmed of leading/trailing whitespace", where)
        kept[i] = clean.add(fitted)
    for trigger, role, argument, frame in record.arguments:
        if trigger in kept and argument in kept:
            clean.link(kept[trigger], role, kept[argument], frame)
        else:
            notes.add("event arguments dropped with a whitespace-only span", where)
    for mention in record.rejected:
        fitted = trimmed(mention, record.text)
        if fitted is not None:
            clean.rejected.append(fitted)
    tokenised = tokenise(clean, clean.spans + clean.rejected)
    notes.add("tokens split at a span boundary so that no span shifts", where, tokenised.cuts)
    return clean, tokenised
