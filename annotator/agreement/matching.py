"""How two annotators' spans are put side by side: exact and overlap matching, alignment of
disagreements, token labels for κ/α, and event argument tuples.

Matching is one-to-one. Exact matches are paired first (a multiset intersection); overlap
matching then pairs the remaining spans greedily by overlap length, which is what a person
looking at the text would pair. Candidate pairs come from a sorted sweep over the few spans
left after exact matching, so the cost per document grows with the number of spans, not its
square. The functions take anything with `start`, `end`, `label`, `kind` and `key` like a
`Span` (the corpus reader passes lighter tuples).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from annotator.agreement.measures import PRF, LabelledF1
from annotator.model import Annotations, Span

#: Used when a document has no stored tokens (not pre-annotated): words and single punctuation.
FALLBACK_TOKEN = re.compile(r"\w+|[^\w\s]")
#: The token label for "outside any span".
OUTSIDE = "O"


def regex_tokens(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in FALLBACK_TOKEN.finditer(text)]


def _overlapping_pairs(a: Sequence[Span], b: Sequence[Span]) -> list[tuple[int, int]]:
    """Index pairs (i, j) with a[i] and b[j] overlapping, without comparing all pairs."""
    if not a or not b:
        return []
    order = sorted(range(len(b)), key=lambda j: b[j].start)
    starts = [b[j].start for j in order]
    longest = max(s.end - s.start for s in b)
    pairs = []
    for i, span in enumerate(a):
        # b spans starting at or after span.start - longest + 1 may reach into span.
        lo = bisect_left(starts, span.start - longest + 1)
        hi = bisect_left(starts, span.end)
        pairs.extend((i, order[k]) for k in range(lo, hi) if b[order[k]].end > span.start)
    return pairs


def _greedy(a: Sequence[Span], b: Sequence[Span], overlapping: list[tuple[int, int]],
            preference: Callable[[Span, Span], tuple]) -> list[tuple[int, int]]:
    """One-to-one pairs among the `overlapping` index pairs, best `preference` first."""
    candidates = sorted(overlapping, key=lambda p: preference(a[p[0]], b[p[1]]), reverse=True)
    used_a: set[int] = set()
    used_b: set[int] = set()
    chosen = []
    for i, j in candidates:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            chosen.append((i, j))
    return chosen


def _overlap(x: Span, y: Span) -> int:
    return min(x.end, y.end) - max(x.start, y.start)


@dataclass
class MatchCounts:
    """Per label: how many spans were matched, and how many each side marked."""

    matched: Counter = field(default_factory=Counter)
    a: Counter = field(default_factory=Counter)
    b: Counter = field(default_factory=Counter)

    @property
    def total(self) -> PRF:
        tp = sum(self.matched.values())
        return PRF(tp, sum(self.b.values()) - tp, sum(self.a.values()) - tp)

    def labelled(self) -> LabelledF1:
        return LabelledF1({
            label: PRF(self.matched[label], self.b[label] - self.matched[label],
                       self.a[label] - self.matched[label])
            for label in sorted(self.a.keys() | self.b.keys())
        })


class Aligned(NamedTuple):
    """A span of a facing its counterpart in b; either side None when the other has nothing.
    `start` and `end` bound both."""

    a: Span | None
    b: Span | None
    start: int
    end: int

    @classmethod
    def of(cls, a: Span | None, b: Span | None) -> Aligned:
        if a is None:
            return cls(None, b, b.start, b.end)
        if b is None:
            return cls(a, None, a.start, a.end)
        return cls(a, b, min(a.start, b.start), max(a.end, b.end))

    @property
    def kind(self) -> str:
        """Why they differ: `label`, `extent`, `extent+label`, `only_a`, `only_b` (or `agree`)."""
        a, b = self.a, self.b
        if b is None:
            return "only_a"
        if a is None:
            return "only_b"
        if a.start == b.start and a.end == b.end:
            return "agree" if a.label == b.label else "label"
        return "extent" if a.label == b.label else "extent+label"


@dataclass
class Comparison:
    """Two annotators' spans of one kind on one document, compared every way at once."""

    exact: MatchCounts
    overlap: MatchCounts
    #: labels of the spans both marked identically (the confusion matrix diagonal)
    agreed: Counter
    #: every span not matched exactly, paired with its best counterpart, in text order
    differences: list[Aligned]


class Side:
    """One annotator's spans of one kind on one document, with the counts every comparison
    needs, computed once however many annotators they are compared with."""

    __slots__ = ("by_key", "labels", "spans")

    def __init__(self, spans: Sequence[Span]):
        self.spans = list(spans)
        self.labels = Counter(s.label for s in self.spans)
        by_key = {s.key: s for s in self.spans}
        #: key -> span when no two spans share a key (nearly always), else None
        self.by_key = by_key if len(by_key) == len(self.spans) else None


def _exact(a: Side, b: Side) -> tuple[Counter, list[Span], list[Span]]:
    """Labels of the exact matches (not to be modified), and each side's unmatched spans."""
    if a.by_key is not None and b.by_key is not None:
        if a.by_key.keys() == b.by_key.keys():  # full agreement, the common case
            return a.labels, [], []
        common = a.by_key.keys() & b.by_key.keys()
        if not common:
            return Counter(), a.spans, b.spans
        agreed = Counter(key[2] for key in common)
        return (agreed, [s for k, s in a.by_key.items() if k not in common],
                [s for k, s in b.by_key.items() if k not in common])
    shared = Counter(s.key for s in a.spans) & Counter(s.key for s in b.spans)
    agreed = Counter()
    for key, n in shared.items():
        agreed[key[2]] += n
    return agreed, _unmatched(a.spans, shared), _unmatched(b.spans, shared)


def compare(a: Side, b: Side) -> Comparison:
    """Exact and overlap match counts per label, and the alignment of the differences.

    Exact matches (same start, end, label and kind) are paired first. The rest are matched
    twice, one-to-one by overlap: for overlap F1 only spans of the same label count, largest
    overlap first; for the alignment shown to people the preference is same extent (a label
    disagreement), then same label with the largest overlap, then any overlap.
    """
    agreed, rest_a, rest_b = _exact(a, b)
    same_label = agreed
    differences: list[Aligned] = []
    if rest_a and rest_b:
        same_label = Counter(agreed)
        overlapping = _overlapping_pairs(rest_a, rest_b)
        for i, j in _greedy(rest_a, rest_b, overlapping,
                            lambda x, y: (x.label == y.label, _overlap(x, y))):
            if rest_a[i].label == rest_b[j].label:
                same_label[rest_a[i].label] += 1
        chosen = _greedy(rest_a, rest_b, overlapping, lambda x, y: (
            (x.start, x.end) == (y.start, y.end), x.label == y.label, _overlap(x, y)))
        differences = [Aligned.of(rest_a[i], rest_b[j]) for i, j in chosen]
        paired_a = {i for i, _ in chosen}
        paired_b = {j for _, j in chosen}
        rest_a = [s for i, s in enumerate(rest_a) if i not in paired_a]
        rest_b = [s for j, s in enumerate(rest_b) if j not in paired_b]
    differences.extend(Aligned(s, None, s.start, s.end) for s in rest_a)
    differences.extend(Aligned(None, s, s.start, s.end) for s in rest_b)
    if len(differences) > 1:
        differences.sort(key=_region)
    return Comparison(MatchCounts(agreed, a.labels, b.labels),
                      MatchCounts(same_label, a.labels, b.labels), agreed, differences)


def _region(item: Aligned) -> tuple[int, int]:
    return item[2:]


def _unmatched(spans: list[Span], shared: Counter) -> list[Span]:
    """The spans left once the exact matches counted in `shared` are taken out."""
    budget = Counter(shared)
    rest = []
    for span in spans:
        key = span.key
        if budget[key] > 0:
            budget[key] -= 1
        else:
            rest.append(span)
    return rest


def token_labels(starts: Sequence[int], ends: Sequence[int],
                 spans: Sequence[Span]) -> dict[int, str]:
    """Label of every token a span touches (index -> label); the others are `O`. `starts` and
    `ends` are the tokens' offsets (computed once per document, whatever the annotators).

    A token inside several spans (nesting, overlaps) takes the shortest span's label, so the
    most specific annotation wins; ties go to the label that sorts first. Cost: the number of
    covered tokens plus a binary search per span.
    """
    labels: dict[int, str] = {}
    for span in sorted(spans, key=lambda s: (s.end - s.start, s.label), reverse=True):
        first = bisect_right(ends, span.start)
        last = bisect_left(starts, span.end)
        for index in range(first, last):
            labels[index] = span.label
    return labels


def argument_tuples(annotations: Annotations, keep: set[int] | None = None) -> Counter:
    """Event arguments as comparable tuples: (trigger start, end, type, role, argument start,
    argument end). The argument's entity label is left out on purpose: it is measured by span
    agreement, and counting it twice would punish one label error twice. `keep` restricts to
    triggers with those ids (a label filter)."""
    by_id = annotations.span_by_id()
    out: Counter = Counter()
    for argument in annotations.arguments:
        trigger = by_id.get(argument.trigger_id)
        target = by_id.get(argument.argument_id)
        if trigger is None or target is None or (keep is not None and trigger.id not in keep):
            continue
        out[(trigger.start, trigger.end, trigger.label, argument.role, target.start,
             target.end)] += 1
    return out
