"""The dependency parse kept with a document's tokens, and event arguments read off it later.

Pre-annotation links entities to event triggers on the parse (`annotator.nlp.arguments`), but
the project lexicon suggests entities afterwards, whenever a document is refreshed: without the
parse those suggestions could never become arguments. So the analysis keeps the parse
(`parse_of`), and `link_new_entities` rebuilds a spaCy `Doc` from the text and the stored parse
and runs the very same linking rules, with no pipeline loaded. Only the sentences holding both
a new entity and a trigger are rebuilt, so refreshing a long article costs little more than
its changed sentences.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence

import numpy
from spacy.attrs import DEP, HEAD, LENGTH, POS, SPACY, TAG
from spacy.tokens import Doc
from spacy.vocab import Vocab

from annotator.model import Annotations, Parse, Sentence, Span
from annotator.nlp.arguments import EntityMention, link_arguments
from annotator.schema import EventType
from annotator.store import Store


def parse_of(doc: Doc) -> Parse | None:
    """The parse of a processed Doc (None when its pipeline has no parser); read as arrays,
    since pre-annotation runs this for every token of the corpus."""
    if not doc.has_annotation("DEP"):
        return None
    columns = doc.to_array([LENGTH, SPACY, HEAD, DEP, POS, TAG])
    heads = (numpy.arange(len(doc)) + columns[:, 2].view(numpy.int64)).tolist()
    labels = []
    for column in range(3, 6):
        found, index = numpy.unique(columns[:, column], return_inverse=True)
        names = [doc.vocab.strings[int(value)] for value in found]
        labels.append(tuple(names[i] for i in index.tolist()))
    return Parse(tuple(columns[:, 0].tolist()), tuple(columns[:, 1].astype(bool).tolist()),
                 tuple(heads), *labels)


def doc_from_parse(text: str, parse: Parse, ranges: Sequence[tuple[int, int]],
                   starts: Sequence[int] | None = None) -> Doc | None:
    """A parsed Doc of the tokens in `ranges` (token index ranges, in order, each closed under
    heads: whole sentences), None when the parse's tokens do not tile `text` (it was made from
    another text). A head outside its range (a parse older than its sentences) makes the token
    a root of its own. `starts` are `parse.starts()`, when the caller has them already."""
    starts = parse.starts() if starts is None else starts
    if starts and starts[-1] + parse.lengths[-1] + parse.spaces[-1] != len(text):
        return None
    words: list[str] = []
    heads: list[int] = []
    take: list[int] = []
    for first, end in ranges:
        shift = len(words) - first
        for i in range(first, end):
            stop = starts[i] + parse.lengths[i]
            if parse.spaces[i] and text[stop] != " ":
                return None
            words.append(text[starts[i]:stop])
            head = parse.heads[i]
            heads.append((head if first <= head < end else i) + shift)
            take.append(i)
    return Doc(Vocab(), words=words, spaces=[parse.spaces[i] for i in take], heads=heads,
               deps=[parse.deps[i] for i in take], pos=[parse.pos[i] for i in take],
               tags=[parse.tags[i] for i in take])


class _Positions:
    """Characters to tokens and tokens to sentences, by bisection (no per-token tables)."""

    def __init__(self, parse: Parse, sentences: Sequence[Sentence]):
        self.starts = parse.starts()
        self.ends = [start + length for start, length in zip(self.starts, parse.lengths,
                                                             strict=True)]
        self.sentences = [(bisect_left(self.starts, s.start), bisect_left(self.starts, s.end))
                          for s in sentences]
        self.firsts = [first for first, _ in self.sentences]

    def tokens_of(self, span: Span) -> tuple[int, int] | None:
        first, end = bisect_right(self.ends, span.start), bisect_left(self.starts, span.end)
        return (first, end) if first < end else None

    def sentence_of(self, first: int, end: int) -> int | None:
        """The sentence holding tokens first..end-1, None when they cross a boundary."""
        number = bisect_right(self.firsts, first) - 1
        if number < 0 or end > self.sentences[number][1]:
            return None
        return number


def link_new_entities(store: Store, doc_id: int, parse: Parse, suggested: Annotations,
                      new: Sequence[Span]) -> list[tuple[int, str, int]]:
    """(trigger id, role, entity id) for each argument the document's stored `parse` supports
    between the triggers of `suggested` and its `new` entities, read as pre-annotation reads
    them with the other entities around.

    A new entity is not linked to a trigger that already has an argument overlapping it:
    accepting the event would bring both.
    """
    spans = {s.id: s for s in suggested.spans}
    linked: dict[int, list[Span]] = {}
    for argument in suggested.arguments:
        linked.setdefault(argument.trigger_id, []).append(spans[argument.argument_id])
    fresh = {s.id for s in new}
    return _links(store.document(doc_id).text, store.sentences(doc_id), parse,
                  store.schema.events, suggested.triggers,
                  [s for s in suggested.entities if s.id not in fresh], new, linked)


def _links(text: str, sentences: Sequence[Sentence], parse: Parse,
           events: Mapping[str, EventType], triggers: Sequence[Span], entities: Sequence[Span],
           new: Sequence[Span], linked: Mapping[int, Sequence[Span]]) -> list[tuple[int, str, int]]:
    where = _Positions(parse, sentences)

    def placed(spans: Sequence[Span]) -> list[tuple[Span, int, int, int]]:
        found = []
        for span in spans:
            range_ = where.tokens_of(span)
            number = None if range_ is None else where.sentence_of(*range_)
            if number is not None:
                found.append((span, *range_, number))
        return found

    new_at = placed(new)
    with_new = {n for *_, n in new_at}
    trigger_at = [t for t in placed([t for t in triggers if t.label in events])
                  if t[3] in with_new]
    chosen = sorted({n for *_, n in trigger_at})
    if not chosen:
        return []
    ranges = [where.sentences[n] for n in chosen]
    doc = doc_from_parse(text, parse, ranges, where.starts)
    if doc is None:
        return []
    shift = {}
    offset = 0
    for n in chosen:
        first, end = where.sentences[n]
        shift[n] = offset - first
        offset += end - first
    mentions = [m for m in new_at if m[3] in shift]
    mentions += [m for m in placed(entities) if m[3] in shift]
    links = link_arguments(
        doc, [(first + shift[n], end + shift[n], events[span.label])
              for span, first, end, n in trigger_at],
        [EntityMention(first + shift[n], end + shift[n], span.label)
         for span, first, end, n in mentions])
    new_count = sum(1 for m in new_at if m[3] in shift)
    found = []
    for t_index, role, e_index in links:
        trigger, entity = trigger_at[t_index][0], mentions[e_index][0]
        if e_index < new_count and not any(entity.overlaps(s)
                                           for s in linked.get(trigger.id, ())):
            found.append((trigger.id, role, entity.id))
    return found
