"""What one annotator sees on one document, and how a selection moves over its words.

`DocumentView` is the read model the views paint and the intents consult: the annotator's
spans and the suggestions still open, in reading order, with the token edges that snapping and
resizing need. It holds no Qt and writes nothing; `Session` rebuilds it after every edit.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from annotator.model import SUGGESTIONS, Argument, Document, Span, SpanKind, Token

WORD = re.compile(r"\w+|[^\w\s]")


@dataclass
class DocumentView:
    """What one annotator sees on one document: their layer plus the suggestions still open."""

    doc: Document
    #: the stored tokens, or a function that reads them: reading ten thousand tokens costs
    #: more than everything else in opening a document, and only snapping needs them
    token_source: Sequence[Token] | Callable[[], Sequence[Token]]
    #: own spans (tombstones of rejected suggestions left out) and pending suggestions, in
    #: reading order (start, longest first)
    spans: list[Span] = field(default_factory=list)
    #: own arguments and the arguments of pending suggested events
    arguments: list[Argument] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.by_id = {s.id: s for s in self.spans}
        self.starts = [s.start for s in self.spans]

    @property
    def tokens(self) -> Sequence[Token]:
        if callable(self.token_source):
            self.token_source = self.token_source()
        return self.token_source

    @staticmethod
    def is_suggestion(span: Span) -> bool:
        return span.layer == SUGGESTIONS

    def pending(self) -> list[Span]:
        return [s for s in self.spans if s.layer == SUGGESTIONS]

    def arguments_of(self, trigger: Span) -> list[tuple[Argument, Span]]:
        return [(a, self.by_id[a.argument_id]) for a in self.arguments
                if a.trigger_id == trigger.id and a.argument_id in self.by_id]

    def events_using(self, span: Span) -> list[Span]:
        return [self.by_id[a.trigger_id] for a in self.arguments
                if a.argument_id == span.id and a.trigger_id in self.by_id]

    def snap(self, start: int, end: int) -> tuple[int, int] | None:
        """A selection grown to whole tokens (spaCy's, else words), without outer whitespace."""
        text = self.doc.text
        pieces = ([(t.start, t.end) for t in self.tokens] if self.tokens else
                  [m.span() for m in WORD.finditer(text, max(0, start - 200), end + 200)])
        inside = [p for p in pieces if p[0] < end and p[1] > start]
        if not inside:
            return None
        return inside[0][0], inside[-1][1]

    def token_edges(self) -> list[tuple[int, int]]:
        if self.tokens:
            return [(t.start, t.end) for t in self.tokens]
        return [m.span() for m in WORD.finditer(self.doc.text)]

    def step(self, span: Span, edge: str, direction: int) -> tuple[int, int] | None:
        """`span` with its `edge` ("start"/"end") moved by one token; None if that empties it."""
        pieces = self.token_edges()
        starts = [p[0] for p in pieces]
        ends = [p[1] for p in pieces]
        start, end = span.start, span.end
        if edge == "start":
            i = (bisect_left(starts, start) - 1 if direction < 0
                 else bisect_right(starts, start))
            if not 0 <= i < len(starts):
                return None
            start = starts[i]
        else:
            i = bisect_right(ends, end) if direction > 0 else bisect_left(ends, end) - 1
            if not 0 <= i < len(ends):
                return None
            end = ends[i]
        return (start, end) if start < end else None

    def find_same_place(self, start: int, end: int, kind: SpanKind) -> Span | None:
        i = bisect_left(self.starts, start)
        while i < len(self.spans) and self.spans[i].start == start:
            if self.spans[i].end == end and self.spans[i].kind is kind:
                return self.spans[i]
            i += 1
        return None
