"""What every format reads and writes: one document with one layer's spans and events.

A `Record` is the meeting point between the project database and the exchange formats: the
exporter turns a stored document and layer into a Record, each writer turns Records into its
file shape, each reader turns a file back into Records, and the importer writes Records into a
layer. Keeping the formats on this small shape (no ids, no provenance) is what lets
`import(export(x)) == x` be a property we can test per format.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

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


@dataclass
class Record:
    """One document and the annotations a file holds for it.

    `arguments` link positions in `spans`: (trigger index, role, argument index). `annotated`
    says the source claims to be annotated (a Prodigy answer, a brat .ann, a CoNLL tag column),
    even when it holds no spans, as opposed to plain text that only brings the document in.
    """

    name: str
    text: str
    meta: dict = field(default_factory=dict)
    spans: list[Mention] = field(default_factory=list)
    arguments: list[tuple[int, str, int]] = field(default_factory=list)
    tokens: list[TokenOffsets] | None = None
    sentences: list[Sentence] | None = None
    annotated: bool = False
    #: the annotator the file names (Prodigy `_annotator_id`, a DocBin's user data), if any.
    layer: str | None = None
    #: where the record came from, "file:line", for messages.
    source: str = ""
    #: the reader rebuilt the text from tokens (CoNLL), so its whitespace is not the original's
    rebuilt: bool = False
    _index: dict[Mention, int] = field(default_factory=dict, repr=False, compare=False)

    @property
    def entities(self) -> list[Mention]:
        return [m for m in self.spans if m.kind is SpanKind.ENTITY]

    @property
    def triggers(self) -> list[Mention]:
        return [m for m in self.spans if m.kind is SpanKind.TRIGGER]

    def events(self) -> list[tuple[Mention, list[tuple[str, Mention]]]]:
        """Each trigger with its (role, argument) pairs, in span order."""
        roles: dict[int, list[tuple[str, Mention]]] = {}
        for trigger, role, argument in self.arguments:
            roles.setdefault(trigger, []).append((role, self.spans[argument]))
        return [(m, roles.get(i, [])) for i, m in enumerate(self.spans)
                if m.kind is SpanKind.TRIGGER]

    def add(self, mention: Mention) -> int:
        """Index of `mention` in `spans`, adding it once (formats repeat spans freely)."""
        if len(self._index) != len(self.spans):
            self._index = {m: i for i, m in reversed(list(enumerate(self.spans)))}
        found = self._index.get(mention)
        if found is None:
            found = self._index[mention] = len(self.spans)
            self.spans.append(mention)
        return found

    def content(self) -> tuple[frozenset, frozenset]:
        """What two records must agree on to hold the same annotations (order-free)."""
        spans = frozenset(self.spans)
        links = frozenset((self.spans[t], role, self.spans[a]) for t, role, a in self.arguments)
        return spans, links


KINDS = {kind.value: kind for kind in SpanKind}


def record_from_rows(document: Document, spans: Sequence[tuple], arguments: Sequence[tuple],
                     layer: str, tokens: list[TokenOffsets] | None = None,
                     sentences: list[Sentence] | None = None) -> Record:
    """A stored document and one layer's effective annotations as a Record, from the light
    rows of `Store.layer_rows` (spans: (document, layer, id, kind, start, end, label);
    arguments: (document, layer, trigger id, role, argument id))."""
    record = Record(name=document.name, text=document.text, meta=dict(document.meta),
                    tokens=tokens or None, sentences=sentences or None, annotated=True,
                    layer=layer)
    index = {span_id: record.add(Mention(start, end, label, KINDS[kind]))
             for _, _, span_id, kind, start, end, label in spans}
    seen: set[tuple[int, str, int]] = set()
    for _, _, trigger, role, argument in arguments:
        link = (index[trigger], role, index[argument])
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
                   arguments=list(record.arguments))
    moved.spans = [Mention(theirs[rank[m.start]], theirs[rank[m.end - 1]] + 1, m.label, m.kind)
                   for m in record.spans]
    return moved
