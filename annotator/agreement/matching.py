"""How two annotators' spans are put side by side: exact and overlap matching, alignment of
disagreements, token labels for κ/α, and event argument tuples.

Matching is one-to-one. Exact matches are paired first (a multiset intersection); overlap
matching then pairs the remaining spans greedily by overlap length, which is what a person
looking at the text would pair. Candidate pairs come from a sorted sweep over the few spans
left after exact matching, so the cost per document grows with the number of spans, not its
square. The functions take anything with `start`, `end`, `label`, `kind` and `id` like a
`Span` (the corpus reader passes lighter records).

A corpus holds millions of spans and most of them agree, so the work is arranged around what
differs: spans are compared as (start, end, label) keys in sets, which keep their hashes;
match counts are derived from the spans left unmatched; and the token labels of the spans
every annotator marked are laid out once per document, not once per annotator.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from operator import attrgetter, itemgetter

from annotator.agreement.measures import PRF, LabelledF1
from annotator.model import Annotations, Span

#: Used when a document has no stored tokens (not pre-annotated): words and single punctuation.
FALLBACK_TOKEN = re.compile(r"\w+|[^\w\s]")
#: The token label for "outside any span".
OUTSIDE = "O"
#: What two layers compare within one kind of span: (start, end, label), `Span.key` without
#: the kind, which a `Side` holds one of (hashing `SpanKind`, an Enum, runs Python code).
Key = tuple[int, int, str]
_KEY_LABEL = itemgetter(2)
_LABEL = attrgetter("label")
_REGION = attrgetter("start", "end")


def regex_tokens(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in FALLBACK_TOKEN.finditer(text)]


#: Two overlapping spans a[i] and b[j] as the matchings weigh them: (same extent, same label,
#: overlap length, i, j). A plain tuple: the fastest to make and to sort by its fields.
Candidate = tuple[bool, bool, int, int, int]
_SAME_LABEL = itemgetter(1)
#: Preferences of the two matchings (see `compare`) as sort keys.
_BY_OVERLAP = itemgetter(2)
_BY_LIKENESS = itemgetter(0, 1, 2)


def _candidates(a: Sequence[Span], b: Sequence[Span]) -> list[Candidate]:
    """Every overlapping pair of an a span and a b span, without comparing all pairs."""
    if not a or not b:
        return []
    b_starts = [s.start for s in b]
    order = sorted(range(len(b)), key=b_starts.__getitem__)
    starts = [b_starts[j] for j in order]
    longest = max([s.end - s.start for s in b])
    out = []
    for i, x in enumerate(a):
        # b spans starting at or after x.start - longest + 1 may reach into x.
        for k in range(bisect_left(starts, x.start - longest + 1), bisect_left(starts, x.end)):
            y = b[order[k]]
            if y.end > x.start:
                out.append((x.start == y.start and x.end == y.end, x.label == y.label,
                            min(x.end, y.end) - max(x.start, y.start), i, order[k]))
    return out


def _greedy(candidates: list[Candidate],
            preference: Callable[[Candidate], tuple | int]) -> list[tuple[int, int]]:
    """One-to-one index pairs among the candidates, best `preference` first (ties: in the
    candidates' order)."""
    used_a: set[int] = set()
    used_b: set[int] = set()
    chosen = []
    for *_, i, j in sorted(candidates, key=preference, reverse=True):
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            chosen.append((i, j))
    return chosen


@dataclass
class MatchCounts:
    """Per label: how many spans each side marked, how many of a's found no exact match, and how
    many of those were then matched by overlap (same label only).

    The matches follow: exact = marked by a - unmatched, overlap = exact + by overlap. Counting
    what differs rather than what agrees keeps the work per document with the few
    disagreements. A document's counts are summed over a corpus with `add`.
    """

    a: Counter = field(default_factory=Counter)
    b: Counter = field(default_factory=Counter)
    unmatched: dict[str, int] = field(default_factory=Counter)
    by_overlap: dict[str, int] = field(default_factory=Counter)

    def matched(self, overlap: bool) -> Counter:
        """Labels of the matches (only those with some)."""
        matched = Counter({label: n - self.unmatched.get(label, 0)
                           for label, n in self.a.items()})
        if overlap:
            matched.update(self.by_overlap)
        return +matched

    def total(self, overlap: bool) -> PRF:
        marked = sum(self.a.values())
        tp = marked - sum(self.unmatched.values())
        if overlap:
            tp += sum(self.by_overlap.values())
        return PRF(tp, sum(self.b.values()) - tp, marked - tp)

    def labelled(self, overlap: bool) -> LabelledF1:
        matched = self.matched(overlap)
        return LabelledF1({
            label: PRF(matched[label], self.b[label] - matched[label],
                       self.a[label] - matched[label])
            for label in sorted(self.a.keys() | self.b.keys())
        })

    def add(self, other: MatchCounts) -> None:
        """Count in another comparison's (or corpus part's) figures."""
        for total, part in ((self.a, other.a), (self.b, other.b),
                            (self.unmatched, other.unmatched),
                            (self.by_overlap, other.by_overlap)):
            for label, n in part.items():
                total[label] = total.get(label, 0) + n


@dataclass(slots=True)
class Aligned:
    """A span of a facing its counterpart in b; either side None when the other has nothing.
    `start` and `end` bound both."""

    a: Span | None
    b: Span | None
    start: int
    end: int

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

    counts: MatchCounts
    #: every span not matched exactly, paired with its best counterpart, in text order
    differences: list[Aligned]


class Side:
    """One annotator's spans of one kind on one document, with the counts every comparison
    needs, computed once however many annotators they are compared with."""

    __slots__ = ("index", "key_set", "keys", "labels", "spans")

    def __init__(self, spans: Sequence[Span]):
        self.spans = list(spans)
        self.keys: list[Key] = [(s.start, s.end, s.label) for s in self.spans]
        self.labels = Counter(map(_KEY_LABEL, self.keys))
        index = dict(zip(self.keys, range(len(self.keys)), strict=True))
        #: the distinct keys, as a set: it keeps their hashes, so comparisons with every other
        #: annotator do not hash them again
        self.key_set = set(index)
        #: key -> position when no two spans share a key (nearly always), else None
        self.index = index if len(index) == len(self.keys) else None

    def having(self, keys: set[Key]) -> list[Span]:
        """The spans with these keys, in their order (only when keys are unique: `index`)."""
        return [self.spans[i] for i in sorted(map(self.index.__getitem__, keys))]


def _exact(a: Side, b: Side) -> tuple[list[Span], list[Span]]:
    """Each side's spans that have no exact match on the other (a multiset difference).

    With unique keys it is a set difference of the keys, then a look-up of the few spans left.
    """
    if a.index is not None and b.index is not None:
        if a.key_set == b.key_set:  # full agreement
            return [], []
        return a.having(a.key_set - b.key_set), b.having(b.key_set - a.key_set)
    shared = Counter(a.keys) & Counter(b.keys)
    return _unmatched(a, shared), _unmatched(b, shared)


def compare(a: Side, b: Side) -> Comparison:
    """Exact and overlap match counts per label, and the alignment of the differences.

    Exact matches (same start, end, label and kind) are paired first. The rest are matched
    twice, one-to-one by overlap: for overlap F1 only spans of the same label count, largest
    overlap first; for the alignment shown to people the preference is same extent (a label
    disagreement), then same label with the largest overlap, then any overlap.
    """
    rest_a, rest_b = _exact(a, b)
    unmatched = _count(map(_LABEL, rest_a))
    by_overlap: dict[str, int] = {}
    differences: list[Aligned] = []
    if rest_a and rest_b:
        candidates = _candidates(rest_a, rest_b)
        # Only same-label pairs count; preferring them first, the greedy matching pairs them
        # exactly as it does among them alone.
        by_overlap = _count(rest_a[i].label for i, _ in _greedy(
            list(filter(_SAME_LABEL, candidates)), _BY_OVERLAP))
        chosen = _greedy(candidates, _BY_LIKENESS)
        for i, j in chosen:
            x, y = rest_a[i], rest_b[j]
            differences.append(Aligned(x, y, min(x.start, y.start), max(x.end, y.end)))
        paired_a = {i for i, _ in chosen}
        paired_b = {j for _, j in chosen}
        rest_a = [s for i, s in enumerate(rest_a) if i not in paired_a]
        rest_b = [s for j, s in enumerate(rest_b) if j not in paired_b]
    differences += [Aligned(s, None, s.start, s.end) for s in rest_a]
    differences += [Aligned(None, s, s.start, s.end) for s in rest_b]
    if len(differences) > 1:
        differences.sort(key=_REGION)
    return Comparison(MatchCounts(a.labels, b.labels, unmatched, by_overlap), differences)


def _count(items: Iterable[str]) -> dict[str, int]:
    """How many times each item occurs, for the handful a comparison leaves over (a plain
    dict: a `Counter` costs several times more to make than to fill with a few items)."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return counts


def _unmatched(side: Side, shared: Counter) -> list[Span]:
    """The spans left once the exact matches counted in `shared` are taken out."""
    budget = Counter(shared)
    rest = []
    for span, key in zip(side.spans, side.keys, strict=True):
        if budget[key] > 0:
            budget[key] -= 1
        else:
            rest.append(span)
    return rest


def token_units(starts: Sequence[int], ends: Sequence[int],
                layers: Sequence[set[Key] | None]) -> Counter:
    """A document's tokens as κ and α see them: the tuple of labels each annotator gives a
    token (None for an annotator not on the document), counted. `starts` and `ends` are the
    tokens' offsets; `layers` holds each annotator's entity keys (start, end, label).

    A token outside every span is `O`; one inside several spans (nesting, overlaps) takes the
    shortest span's label, so the most specific annotation wins, ties going to the label that
    sorts first. The spans every annotator marked label their tokens alike, so they are laid
    out once; each annotator's other spans are laid out apart, and only the tokens these reach
    are looked at annotator by annotator.
    """
    present = [keys for keys in layers if keys is not None]
    shared = present[0].intersection(*present[1:]) if present else set()
    common = _cover(starts, ends, shared)
    own = [None if keys is None else _cover(starts, ends, keys - shared) for keys in layers]
    contested = set().union(*filter(None, own))
    alone = {t: common[t][1] if t in common else OUTSIDE for t in contested}
    units = Counter(zip(*(repeat(None, len(alone)) if mine is None else
                          _labels(alone, common, mine) for mine in own), strict=True))
    alike = Counter([label for t, (_, label) in common.items() if t not in contested])
    alike[OUTSIDE] += len(starts) - len(contested) - sum(alike.values())
    on_document = [mine is not None for mine in own]
    for label, n in alike.items():
        units[tuple([label if here else None for here in on_document])] += n
    return units


def _labels(alone: dict[int, str], common: dict[int, tuple[int, str]],
            own: dict[int, tuple[int, str]]) -> Iterable[str]:
    """One annotator's labels of the contested tokens: by the shared spans (`alone`), except
    where one of their own spans is the more specific."""
    labels = alone.copy()
    for t, covering in own.items():
        shared = common.get(t)
        if shared is None or covering < shared:
            labels[t] = covering[1]
    return labels.values()


def _cover(starts: Sequence[int], ends: Sequence[int],
           keys: Collection[Key]) -> dict[int, tuple[int, str]]:
    """Token index -> (length, label) of the span that labels it (see `token_units`). Cost: the
    covered tokens plus a binary search per span; the spans are sorted by preference only when
    two of them share a token (otherwise their order cannot change the result)."""
    covering, painted = _paint(starts, ends, keys)
    if painted > len(covering):
        covering, _ = _paint(starts, ends, sorted(keys, key=_specificity, reverse=True))
    return covering


def _paint(starts: Sequence[int], ends: Sequence[int],
           keys: Iterable[Key]) -> tuple[dict[int, tuple[int, str]], int]:
    """Token index -> (length, label), later spans overwriting earlier ones, and how many tokens
    were painted (more than were covered when spans share tokens)."""
    covering: dict[int, tuple[int, str]] = {}
    painted = 0
    for start, end, label in keys:
        tokens = range(bisect_right(ends, start), bisect_left(starts, end))
        value = (end - start, label)
        for index in tokens:
            covering[index] = value
        painted += len(tokens)
    return covering, painted


def _specificity(key: Key) -> tuple[int, str]:
    start, end, label = key
    return end - start, label


def argument_tuples(annotations: Annotations, keep: set[int] | None = None) -> dict[tuple, int]:
    """Event arguments as comparable tuples: (trigger start, end, type, event, role, argument
    start, argument end). The argument's entity label is left out on purpose: it is measured by
    span agreement, and counting it twice would punish one label error twice. `keep` restricts
    to triggers with those ids (a label filter).

    `event` tells apart the events that share a trigger: the rank of the argument's frame among
    the trigger's frames ordered by their content, not the stored frame number, which two
    annotators may assign differently to the same events. A trigger with one event ranks 0, so
    the common case compares as (trigger, role, argument); one event holding both Theme:T1 and
    Theme:T2 does not match two events holding one each."""
    out: dict[tuple, int] = {}
    if not annotations.arguments:
        return out
    by_id = annotations.span_by_id()
    frames: dict[tuple[int, int], list[tuple]] = {}
    for argument in annotations.arguments:
        trigger = by_id.get(argument.trigger_id)
        target = by_id.get(argument.argument_id)
        if trigger is None or target is None or (keep is not None and trigger.id not in keep):
            continue
        frames.setdefault((trigger.id, argument.frame), []).append(
            (argument.role, target.start, target.end))
    ranked: dict[int, list[list[tuple]]] = {}
    for (trigger_id, _frame), pairs in frames.items():
        ranked.setdefault(trigger_id, []).append(sorted(pairs))
    for trigger_id, events in ranked.items():
        trigger = by_id[trigger_id]
        for rank, pairs in enumerate(sorted(events)):
            for role, start, end in pairs:
                key = (trigger.start, trigger.end, trigger.label, rank, role, start, end)
                out[key] = out.get(key, 0) + 1
    return out
