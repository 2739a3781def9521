"""Building annotators' layers by hand for the agreement, adjudication and teamwork tests."""

from __future__ import annotations

from collections.abc import Sequence

from annotator.model import Argument, Span, SpanKind, Status
from annotator.store import Store


def annotate(store: Store, doc_id: int, annotator: str,
             entities: Sequence[tuple[int, int, str]] = (),
             events: Sequence[tuple[int, int, str, Sequence[tuple[str, int]]]] = (),
             done: bool = True) -> list[Span]:
    """Write an annotator's layer: entities (start, end, label) and events (start, end, type,
    [(role, index of an entity in `entities`)]); marks the document done unless told not to."""
    spans = [store.add_span(Span(doc_id, s, e, label, annotator)) for s, e, label in entities]
    for start, end, event_type, arguments in events:
        trigger = store.add_span(Span(doc_id, start, end, event_type, annotator,
                                      SpanKind.TRIGGER))
        for role, index in arguments:
            store.add_argument(Argument(trigger.id, role, spans[index].id))
    if done:
        store.set_status(doc_id, annotator, Status.DONE)
    return spans


def find(text: str, word: str, occurrence: int = 0) -> tuple[int, int]:
    """Offsets of the n-th occurrence of `word` in `text`."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(word, start + 1)
    return start, start + len(word)
