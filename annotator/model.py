"""The domain model: documents, their tokens, and the spans and events put on them.

Plain dataclasses with no dependencies, so every layer (store, NLP, formats, agreement, GUI) speaks
the same language. Offsets are Python code-point offsets into `Document.text`, end exclusive.

Layers: every span belongs to one layer, named after who made it. An annotator's name is a layer;
two names are reserved: `SUGGESTIONS` holds what models and rules propose (shared by all
annotators), and `GOLD` holds the adjudicated truth. An annotator decides on a suggestion by
writing a span into their own layer that points back at it (`suggestion_id`): accepted, edited
(accepted with another label or extent) or rejected (a tombstone that hides the suggestion for
them). So a re-run of a model can replace undecided suggestions without touching any decision.

An event is a trigger span (kind `trigger`, label = event type) plus its arguments: (role, span)
pairs pointing at entity spans of the same layer. Deleting a span removes the arguments that use it.
Several events may share one trigger span (BioNLP corpora annotate one "detected" with nine
events): each argument names its event's `frame` on the trigger, so an event is the pair
(trigger, frame). Frame 0 always exists; the others exist while they hold arguments.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from enum import Enum

SUGGESTIONS = "suggestions"
GOLD = "gold"
RESERVED_LAYERS = frozenset({SUGGESTIONS, GOLD})
MANUAL = "manual"


class SpanKind(str, Enum):
    ENTITY = "entity"
    TRIGGER = "trigger"


class Decision(str, Enum):
    SUGGESTED = "suggested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    EDITED = "edited"


class Status(str, Enum):
    """An annotator's progress on one document."""

    TODO = "todo"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class ListOrder(str, Enum):
    """How the document list is ordered (`Store.document_summaries`)."""

    #: documents in progress first (the one being worked on stays near the top), then the
    #: "to do" ones most informative first (`annotator.queue`), then the done ones
    INFORMATIVE = "informative"
    #: by id: the order they were added in
    DOCUMENT = "document"


#: Decisions that make a span part of an annotator's annotations (the rest are proposals or
#: tombstones).
EFFECTIVE_DECISIONS = frozenset({Decision.ACCEPTED, Decision.EDITED})


def content_hash(text: str) -> str:
    """Identity of a document across projects and machines: the same text is the same document."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    #: whether whitespace follows the token (spaCy's `whitespace_`), needed to rebuild text.
    ws: bool = True


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int


@dataclass(frozen=True)
class Parse:
    """The dependency parse of a document's stored tokens, one entry per token, kept so that
    suggestions found after pre-annotation (the project lexicon's) can be linked to events
    without running the pipeline again.

    `heads` are token indices (a root is its own head); `deps`, `pos` and `tags` are spaCy's
    labels (`dep_`, `pos_`, `tag_`), '' where the pipeline gave none. The tokens' lengths and
    trailing spaces are repeated here so that the parse and the text alone rebuild the tokens
    (the tokens' own JSON, a list per token, takes ten times longer to read).
    """

    lengths: tuple[int, ...]
    spaces: tuple[bool, ...]
    heads: tuple[int, ...]
    deps: tuple[str, ...]
    pos: tuple[str, ...]
    tags: tuple[str, ...]

    def __post_init__(self) -> None:
        columns = (self.lengths, self.spaces, self.heads, self.deps, self.pos, self.tags)
        if len({len(column) for column in columns}) > 1:
            raise ValueError("a parse needs a length, space, head, dep, POS and tag per token")

    def starts(self) -> list[int]:
        """Where each token starts in the text it was made from (tokens tile their text)."""
        found, at = [], 0
        for length, space in zip(self.lengths, self.spaces, strict=True):
            found.append(at)
            at += length + space
        return found


@dataclass
class Document:
    name: str
    text: str
    meta: dict = field(default_factory=dict)
    id: int | None = None

    @property
    def hash(self) -> str:
        return content_hash(self.text)


@dataclass(frozen=True)
class Span:
    """A labelled stretch of a document's text in one layer, with its provenance."""

    doc_id: int
    start: int
    end: int
    label: str
    layer: str
    kind: SpanKind = SpanKind.ENTITY
    origin: str = MANUAL
    decision: Decision = Decision.ACCEPTED
    score: float | None = None
    suggestion_id: int | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"span offsets need 0 <= start < end, got {self.start}..{self.end}")
        if not self.label:
            raise ValueError("a span needs a label")

    @property
    def is_effective(self) -> bool:
        return self.decision in EFFECTIVE_DECISIONS

    @property
    def key(self) -> tuple[int, int, str, SpanKind]:
        """What two layers compare: position, label and kind, not who or how."""
        return (self.start, self.end, self.label, self.kind)

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def text_in(self, text: str) -> str:
        return text[self.start : self.end]

    def with_(self, **changes) -> Span:
        return replace(self, **changes)


@dataclass(frozen=True)
class Argument:
    """One role of an event filled by an entity span of the same layer."""

    trigger_id: int
    role: str
    argument_id: int
    origin: str = MANUAL
    decision: Decision = Decision.ACCEPTED
    score: float | None = None
    id: int | None = None
    #: which of the events on this trigger the argument belongs to (0: the first)
    frame: int = 0


@dataclass(frozen=True)
class Event:
    """A trigger span, one of its frames, and that frame's arguments; the event type is the
    trigger's label."""

    trigger: Span
    arguments: tuple[Argument, ...] = ()
    frame: int = 0

    @property
    def event_type(self) -> str:
        return self.trigger.label


@dataclass
class DocumentSummary:
    """A row of the document list: enough to show and sort without loading the text."""

    id: int
    name: str
    length: int
    status: Status = Status.TODO
    pending: int = 0
    #: how informative the document's suggestions are (`annotator.queue`): None until computed
    value: float | None = None
    disagreements: int = 0
    uncertainty: float = 0.0


@dataclass
class Annotations:
    """Everything one layer holds on one document, as the formats and measures want it."""

    spans: list[Span] = field(default_factory=list)
    arguments: list[Argument] = field(default_factory=list)

    @property
    def entities(self) -> list[Span]:
        return [s for s in self.spans if s.kind is SpanKind.ENTITY]

    @property
    def triggers(self) -> list[Span]:
        return [s for s in self.spans if s.kind is SpanKind.TRIGGER]

    def events(self) -> list[Event]:
        """One event per (trigger, frame), in trigger then frame order: frame 0 of every
        trigger, and each other frame that holds arguments."""
        by_frame: dict[int, dict[int, list[Argument]]] = {}
        for arg in self.arguments:
            by_frame.setdefault(arg.trigger_id, {0: []}).setdefault(arg.frame, []).append(arg)
        return [Event(t, tuple(arguments), frame) for t in self.triggers
                for frame, arguments in sorted(by_frame.get(t.id, {0: []}).items())]

    def span_by_id(self) -> dict[int, Span]:
        return {s.id: s for s in self.spans if s.id is not None}
