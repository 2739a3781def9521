"""What every format reads and writes: one document with one layer's spans and events.

A `Record` is the meeting point between the project database and the exchange formats: the
exporter turns a stored document and layer into a Record, each writer turns Records into its
file shape, each reader turns a file back into Records, and the importer writes Records into a
layer. Keeping the formats on this small shape (no ids, no provenance) is what lets
`import(export(x)) == x` be a property we can test per format.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from annotator.model import Document, Sentence, SpanKind

#: a token as the formats carry it, light: (start, end, followed by a space), a tuple or a list
TokenOffsets = Sequence[int]


@dataclass(frozen=True)
class Mention:
    """A labelled stretch of text: an entity, or an event trigger labelled with its event type."""

    start: int
    end: int
    label: str
    kind: SpanKind = SpanKind.ENTITY

    def text_in(self, text: str) -> str:
        return text[self.start : self.end]


class Link(NamedTuple):
    """An event argument inside a record: positions in `Record.spans`, and the frame (which of
    the events on that trigger it belongs to, 0 for the first)."""

    trigger: int
    role: str
    argument: int
    frame: int = 0


@dataclass
class Record:
    """One document and the annotations a file holds for it.

    `arguments` link positions in `spans`: `Link`s (trigger index, role, argument index,
    frame); events sharing a trigger differ by frame. `annotated`
    says the source claims to be annotated (a Prodigy answer, a brat .ann, a CoNLL tag column),
    even when it holds no spans, as opposed to plain text that only brings the document in.
    """

    name: str
    text: str
    meta: dict = field(default_factory=dict)
    spans: list[Mention] = field(default_factory=list)
    arguments: list[Link] = field(default_factory=list)
    tokens: list[TokenOffsets] | None = None
    sentences: list[Sentence] | None = None
    annotated: bool = False
    #: the annotator the file names (Prodigy `_annotator_id`, a DocBin's user data), if any.
    layer: str | None = None
    #: where the record came from, "file:line", for messages.
    source: str = ""
    #: the reader rebuilt the text from tokens (CoNLL), so its whitespace is not the original's
    rebuilt: bool = False
    #: spans the annotator rejected (decided are not annotations): Prodigy's `answer: reject`
    rejected: list[Mention] = field(default_factory=list)
    #: decisions about some spans, not a complete annotation (Prodigy's binary `ner.teach`
    #: answers): written, but the document is not marked done
    partial: bool = False
    _index: dict[Mention, int] = field(default_factory=dict, repr=False, compare=False)

    @property
    def entities(self) -> list[Mention]:
        return [m for m in self.spans if m.kind is SpanKind.ENTITY]

    @property
    def triggers(self) -> list[Mention]:
        return [m for m in self.spans if m.kind is SpanKind.TRIGGER]

    def events(self) -> list[tuple[Mention, list[tuple[str, Mention]]]]:
        """Each event with its (role, argument) pairs, in span then frame order: frame 0 of
        every trigger, and each other frame that holds arguments (events sharing a trigger
        come out as separate events on the same trigger mention)."""
        return [(self.spans[i], roles) for i, _frame, roles in self.frames()]

    def frames(self) -> list[tuple[int, int, list[tuple[str, Mention]]]]:
        """(trigger index, frame, (role, argument) pairs) of each event, as `events`."""
        roles: dict[int, dict[int, list[tuple[str, Mention]]]] = {}
        for trigger, role, argument, frame in self.arguments:
            roles.setdefault(trigger, {0: []}).setdefault(frame, []).append(
                (role, self.spans[argument]))
        return [(i, frame, pairs) for i, m in enumerate(self.spans)
                if m.kind is SpanKind.TRIGGER
                for frame, pairs in sorted(roles.get(i, {0: []}).items())]

    def link(self, trigger: int, role: str, argument: int, frame: int = 0) -> None:
        """Add an argument of the event (`trigger`, `frame`)."""
        self.arguments.append(Link(trigger, role, argument, frame))

    def add(self, mention: Mention) -> int:
        """Index of `mention` in `spans`, adding it once (formats repeat spans freely)."""
        if len(self._index) != len(self.spans):
            self._index = {m: i for i, m in reversed(list(enumerate(self.spans)))}
        found = self._index.get(mention)
        if found is None:
            found = self._index[mention] = len(self.spans)
            self.spans.append(mention)
        return found

    def content(self) -> tuple[frozenset, frozenset, frozenset]:
        """What two records must agree on to hold the same annotations (order-free): the spans,
        and the events, each a trigger with the multiset of its (role, argument) pairs (frame
        numbers themselves are not content: frames 0 and 2 are the same two events as 0 and 1).
        """
        spans = frozenset(self.spans)
        events = Counter((self.spans[i], frozenset(Counter(pairs).items()))
                         for i, _frame, pairs in self.frames() if pairs)
        return spans, frozenset(events.items()), frozenset(self.rejected)


KINDS = {kind.value: kind for kind in SpanKind}


def record_from_rows(document: Document, spans: Sequence[tuple], arguments: Sequence[tuple],
                     layer: str, tokens: list[TokenOffsets] | None = None,
                     sentences: list[Sentence] | None = None) -> Record:
    """A stored document and one layer's effective annotations as a Record, from the light
    rows of `Store.layer_rows` (spans: (document, layer, id, kind, start, end, label);
    arguments: (document, layer, trigger id, role, argument id, frame))."""
    record = Record(name=document.name, text=document.text, meta=dict(document.meta),
                    tokens=tokens or None, sentences=sentences or None, annotated=True,
                    layer=layer)
    index = {span_id: record.add(Mention(start, end, label, KINDS[kind]))
             for _, _, span_id, kind, start, end, label in spans}
    seen: set[Link] = set()
    for _, _, trigger, role, argument, frame in arguments:
        link = Link(index[trigger], role, index[argument], frame)
        if link not in seen:
            seen.add(link)
            record.arguments.append(link)
    return record


def non_overlapping(mentions: list[Mention], length: int) -> tuple[list[Mention], list[Mention]]:
    """The mentions one label per token can hold, longest first (ties: leftmost), and the rest.

    Longest-first keeps the outer span of a nested pair ("[Bank of [China]]"), which is what
    NER corpora annotate; the inner spans are returned so the caller can report them.
    """
    taken = bytearray(length)
    kept: list[Mention] = []
    left: list[Mention] = []
    for mention in sorted(mentions, key=lambda m: (m.start - m.end, m.start, m.label)):
        if taken.find(1, mention.start, mention.end) != -1:
            left.append(mention)
        else:
            taken[mention.start : mention.end] = b"\x01" * (mention.end - mention.start)
            kept.append(mention)
    return sorted(kept, key=lambda m: m.start), left


def letters(text: str) -> str:
    """The text without its whitespace: what survives a format that re-spaces text (CoNLL)."""
    return "".join(text.split())


def moved_onto(record: Record, text: str) -> Record:
    """`record`'s annotations moved onto `text`, which has the same non-space characters laid
    out with other whitespace (the original of a CoNLL document). Spans start and end on
    non-space characters, so each maps exactly."""
    ours = [i for i, c in enumerate(record.text) if not c.isspace()]
    theirs = [i for i, c in enumerate(text) if not c.isspace()]
    rank = {position: n for n, position in enumerate(ours)}
    moved = Record(record.name, text, record.meta, annotated=record.annotated,
                   layer=record.layer, source=record.source,
                   arguments=list(record.arguments), partial=record.partial)
    moved.spans = [Mention(theirs[rank[m.start]], theirs[rank[m.end - 1]] + 1, m.label, m.kind)
                   for m in record.spans]
    return moved
