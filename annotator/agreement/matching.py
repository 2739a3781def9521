"""How two annotators' spans are put side by side: exact and overlap matching, alignment of
disagreements, token labels for κ/α, and event argument tuples.

Matching is one-to-one. Exact matches are paired first (a multiset intersection); overlap
matching then pairs the remaining spans greedily by overlap length, which is what a person
looking at the text would pair. Candidate pairs come from a sorted sweep, so the cost per
document grows with the number of spans, not its square.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

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


def _greedy(a: Sequence[Span], b: Sequence[Span],
            preference: Callable[[Span, Span], tuple]) -> list[tuple[int, int]]:
    """One-to-one pairs of overlapping spans, best `preference` first."""
    candidates = sorted(_overlapping_pairs(a, b), key=lambda p: preference(a[p[0]], b[p[1]]),
                        reverse=True)
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


def _exact_first(a: Sequence[Span], b: Sequence[Span]) -> tuple[list[tuple[Span, Span]],
                                                                list[Span], list[Span]]:
    """Pair spans with identical (start, end, label, kind); return pairs and the leftovers."""
    waiting: dict[tuple, list[Span]] = {}
    for span in b:
        waiting.setdefault(span.key, []).append(span)
    pairs, rest_a = [], []
    for span in a:
        bucket = waiting.get(span.key)
        if bucket:
            pairs.append((span, bucket.pop()))
        else:
            rest_a.append(span)
    rest_b = [s for bucket in waiting.values() for s in bucket]
    return pairs, rest_a, rest_b


def span_counts(a: Sequence[Span], b: Sequence[Span], *, overlap: bool) -> LabelledF1:
    """Per-label match counts of b against a; with `overlap`, same label and any shared
    character is a match (one-to-one, largest overlaps first)."""
    labels = {s.label for s in a} | {s.label for s in b}
    matched: Counter = Counter()
    pairs, rest_a, rest_b = _exact_first(a, b)
    for x, _ in pairs:
        matched[x.label] += 1
    if overlap and rest_a and rest_b:
        same = _greedy(rest_a, rest_b, lambda x, y: (x.label == y.label, _overlap(x, y)))
        for i, j in same:
            if rest_a[i].label == rest_b[j].label:
                matched[rest_a[i].label] += 1
    count_a = Counter(s.label for s in a)
    count_b = Counter(s.label for s in b)
    return LabelledF1({
        label: PRF(matched[label], count_b[label] - matched[label],
                   count_a[label] - matched[label])
        for label in sorted(labels)
    })


@dataclass(frozen=True)
class Aligned:
    """A span of a facing its counterpart in b; either side None when the other has nothing."""

    a: Span | None
    b: Span | None

    @property
    def agree(self) -> bool:
        return self.a is not None and self.b is not None and self.a.key == self.b.key

    @property
    def kind(self) -> str:
        """Why they differ: `label`, `extent`, `extent+label`, `only_a`, `only_b` (or `agree`)."""
        if self.agree:
            return "agree"
        if self.b is None:
            return "only_a"
        if self.a is None:
            return "only_b"
        same_extent = (self.a.start, self.a.end) == (self.b.start, self.b.end)
        if same_extent:
            return "label"
        return "extent" if self.a.label == self.b.label else "extent+label"

    @property
    def start(self) -> int:
        return min(s.start for s in (self.a, self.b) if s is not None)

    @property
    def end(self) -> int:
        return max(s.end for s in (self.a, self.b) if s is not None)


def align(a: Sequence[Span], b: Sequence[Span]) -> list[Aligned]:
    """Every span of both sides once, paired with its best counterpart, in text order.

    Preference: identical, then same extent (a label disagreement), then same label with the
    largest overlap (an extent disagreement), then any overlap. Spans of different kinds are
    never paired (call it once per kind).
    """
    pairs, rest_a, rest_b = _exact_first(a, b)
    out = [Aligned(x, y) for x, y in pairs]

    def preference(x: Span, y: Span) -> tuple:
        return ((x.start, x.end) == (y.start, y.end), x.label == y.label, _overlap(x, y))

    chosen = _greedy(rest_a, rest_b, preference)
    out.extend(Aligned(rest_a[i], rest_b[j]) for i, j in chosen)
    paired_a = {i for i, _ in chosen}
    paired_b = {j for _, j in chosen}
    out.extend(Aligned(s, None) for i, s in enumerate(rest_a) if i not in paired_a)
    out.extend(Aligned(None, s) for j, s in enumerate(rest_b) if j not in paired_b)
    out.sort(key=lambda x: (x.start, x.end))
    return out


def token_labels(tokens: Sequence[tuple[int, int]], spans: Sequence[Span]) -> dict[int, str]:
    """Label of every token a span touches (index -> label); the others are `O`.

    A token inside several spans (nesting, overlaps) takes the shortest span's label, so the
    most specific annotation wins; ties go to the label that sorts first. Cost: the number of
    covered tokens plus a binary search per span.
    """
    starts = [t[0] for t in tokens]
    ends = [t[1] for t in tokens]
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
