"""What readers and writers share: the format description, their context, and the notes they
keep of everything a format could not hold, so nothing is lost silently."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from annotator.formats.records import Record
from annotator.model import SpanKind
from annotator.schema import EntityType, EventType, Schema

#: at most this many document names or file:line places are quoted per note
EXAMPLES = 5


@dataclass
class Notes:
    """Counted remarks, each with the places it happened: "3 nested spans not in doc.ents (in 2
    documents: a, b)". Writers note what their format cannot hold; readers note what they skip."""

    counts: dict[str, int] = field(default_factory=dict)
    places: dict[str, list[str]] = field(default_factory=dict)

    def add(self, what: str, where: str, n: int = 1) -> None:
        if n <= 0:
            return
        self.counts[what] = self.counts.get(what, 0) + n
        places = self.places.setdefault(what, [])
        if where not in places:
            places.append(where)

    def lines(self) -> list[str]:
        lines = []
        for what, n in self.counts.items():
            places = self.places[what]
            shown = ", ".join(places[:EXAMPLES]) + (
                f" and {len(places) - EXAMPLES} more" if len(places) > EXAMPLES else "")
            lines.append(f"{n} {what} (in {shown})")
        return lines

    def __bool__(self) -> bool:
        return bool(self.counts)


@dataclass(frozen=True)
class ConllLayout:
    """How a CoNLL export lays out its lines: 2 columns (word, tag) or 4 (word, POS, chunk,
    tag, the middle two `_` as we hold neither), separated by a space or a tab, with or without
    spaCy's `-DOCSTART- -X- O O` line between documents."""

    columns: int = 2
    separator: str = " "
    docstart: bool = True


#: named layouts: what CoNLL-2003 tools and spaCy's `conll_ner_to_docs` read (document
#: boundaries kept), and what doccano's CoNLL import reads (tab, two columns, no -DOCSTART-;
#: also read by spaCy and seqeval, but without document boundaries)
CONLL_DIALECTS = {"conll2003": ConllLayout(), "doccano": ConllLayout(2, "\t", False)}


@dataclass
class ExportContext:
    """Options and the notes of one export call, handed to the format's writer."""

    schema: Schema
    notes: Notes = field(default_factory=Notes)
    #: CoNLL tagging scheme: IOB2, IOB1 or BILOU
    scheme: str = "IOB2"
    #: CoNLL line layout (columns, separator, -DOCSTART-)
    conll: ConllLayout = field(default_factory=ConllLayout)


@dataclass
class ImportContext:
    """The project's schema (to map brat event names back) and the notes of one import call."""

    schema: Schema
    notes: Notes = field(default_factory=Notes)
    #: schemas found beside the data (brat's annotation.conf), to define labels the project lacks
    schemas: list[Schema] = field(default_factory=list)


Reader = Callable[[Path, ImportContext], Iterator[Record]]
Writer = Callable[[Iterable[Record], Path, ExportContext], None]


@dataclass(frozen=True)
class Format:
    """One exchange format: its reader and writer, and how its files are named.

    `suffix` is the file the writer makes ("" when it writes a folder, as brat does);
    `suffixes` are what a folder given to import is searched for.
    """

    name: str
    description: str
    suffix: str
    suffixes: tuple[str, ...]
    read: Reader
    #: None for import-only formats (plain text)
    write: Writer | None
    #: makes extra files beside a train/dev split (spaCy's config.cfg); gets the folder and the
    #: written part paths by name
    finish_split: Callable[[Path, dict[str, Path]], None] | None = None
    #: whether the writer uses the stored tokens and sentences
    tokens: bool = True

    @property
    def writes_folder(self) -> bool:
        return not self.suffix


def extended_schema(schema: Schema, labels: dict[str, SpanKind],
                    found: Iterable[Schema] = ()) -> Schema:
    """`schema` plus `labels` (entity labels and event types), defined as the files' own
    schemas (brat's annotation.conf) define them where they do, so an event type keeps its roles."""
    found = list(found)
    entities = dict(schema.entities)
    events = dict(schema.events)
    for label, kind in sorted(labels.items()):
        if kind is SpanKind.TRIGGER and label not in events:
            events[label] = next((s.events[label] for s in found if label in s.events),
                                 EventType(label))
        elif kind is SpanKind.ENTITY and label not in entities:
            entities[label] = next((s.entities[label] for s in found if label in s.entities),
                                   EntityType(label))
    for event in list(events.values()):
        for allowed in event.roles.values():
            for label in allowed:
                entities.setdefault(label, EntityType(label))
    return replace(schema, entities=entities, events=events)
