"""Agreement statistics as pure functions over counts: F1, Cohen's κ, Fleiss' κ, Krippendorff's α.

Everything here works on aggregated counts (how many items got which pair or tuple of labels),
so a corpus of millions of tokens costs one pass to count and almost nothing to score, and the
same function serves the CLI, the HTML report and the GUI.

Conventions (the report and its tests rely on them):
- A measure that cannot be computed is a `Score` with `value=None` and a `reason` saying why,
  never NaN, never an exception. The report writes it as `null` plus the reason.
- Precision/recall/F1 compare annotator *b* against annotator *a* as reference
  (P = tp/(tp+fp) over b's spans, R = tp/(tp+fn) over a's spans); F1 is symmetric.
  F1 = 2tp/(2tp+fp+fn), so it is defined whenever either side marked anything. When neither
  side marked anything, F1 is *not defined* rather than 1.0 or 0.0: 1.0 would let two people who
  skipped a document "agree perfectly", 0.0 would punish them for it, and pooled (micro) figures
  never need the value anyway.
- Macro F1 is the unweighted mean over the labels either side used.
- Cohen's and Fleiss' κ are not defined when agreement by chance is 1 (everyone used one and the
  same category for every item): the formula is 0/0 there, and scikit-learn and statsmodels
  return NaN. Krippendorff's α is not defined when the pairable values hold one value only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple


class Score(NamedTuple):
    """A measure's value, or None with the reason it is not defined.

    Like `PRF`, a named tuple: a report makes several per document and pair, and a tuple is
    made several times faster than a frozen dataclass."""

    value: float | None
    reason: str | None = None

    @classmethod
    def undefined(cls, reason: str) -> Score:
        return cls(None, f"not defined: {reason}")

    @property
    def defined(self) -> bool:
        return self.value is not None


def _ratio(numerator: float, denominator: float, reason: str) -> Score:
    return Score(numerator / denominator) if denominator else Score.undefined(reason)


class PRF(NamedTuple):
    """Match counts of one comparison (b against reference a)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: PRF) -> PRF:  # sums the counts (a tuple would concatenate)
        return PRF(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def support(self) -> int:
        """How many the reference (a) marked."""
        return self.tp + self.fn

    @property
    def precision(self) -> Score:
        return _ratio(self.tp, self.tp + self.fp, "the second annotator marked none")

    @property
    def recall(self) -> Score:
        return _ratio(self.tp, self.tp + self.fn, "the first annotator marked none")

    @property
    def f1(self) -> Score:
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn, "neither annotator marked any")


@dataclass(frozen=True)
class LabelledF1:
    """Per-label counts with their micro and macro summaries."""

    per_label: Mapping[str, PRF]

    @property
    def total(self) -> PRF:
        return sum(self.per_label.values(), PRF())

    @property
    def micro(self) -> Score:
        return self.total.f1

    @property
    def macro(self) -> Score:
        scores = [c.f1.value for c in self.per_label.values() if c.f1.defined]
        if not scores:
            return Score.undefined("neither annotator marked any")
        return Score(sum(scores) / len(scores))

    def __add__(self, other: LabelledF1) -> LabelledF1:
        merged = dict(self.per_label)
        for label, counts in other.per_label.items():
            merged[label] = merged.get(label, PRF()) + counts
        return LabelledF1(merged)


def prf_from_multisets(a: Mapping[Hashable, int], b: Mapping[Hashable, int]) -> PRF:
    """Counts for two multisets of comparable items (exact matching)."""
    tp = sum(min(n, b.get(item, 0)) for item, n in a.items())
    return PRF(tp, sum(b.values()) - tp, sum(a.values()) - tp)


def cohen_kappa_counts(pairs: Mapping[tuple[Hashable, Hashable], int]) -> Score:
    """Cohen's κ from counts of (label by a, label by b) over the items both labelled."""
    return cohen_kappa_of(pairs.items())


def cohen_kappa_of(counted: Iterable[tuple[tuple[Hashable, Hashable], int]]) -> Score:
    """Cohen's κ from ((label by a, label by b), count) items over the items both labelled; a
    pair of labels may come more than once (its counts add up), so counts can be streamed
    from another tally without building a table first."""
    n = agree = 0
    first: dict[Hashable, int] = {}  # plain dicts: a report scores every document pair
    second: dict[Hashable, int] = {}
    for (x, y), count in counted:
        n += count
        first[x] = first.get(x, 0) + count
        second[y] = second.get(y, 0) + count
        if x == y:
            agree += count
    return cohen_kappa_from(n, agree, first, second)


def cohen_kappa_from(n: int, agree: int, first: Mapping[Hashable, int],
                     second: Mapping[Hashable, int]) -> Score:
    """Cohen's κ from what it is made of: n items, `agree` of them given the same label by
    both, and how many items each annotator gave each label (`first`, `second`; they make the
    agreement expected by chance). Integer arithmetic until the final division, so perfect
    agreement gives exactly 1.0."""
    if n == 0:
        return Score.undefined("no items to compare")
    chance = sum(n_c * second.get(c, 0) for c, n_c in first.items())
    if chance == n * n:
        return Score.undefined("both annotators used one and the same label for every item")
    return Score((n * agree - chance) / (n * n - chance))


def cohen_kappa(labels_a: Sequence[Hashable], labels_b: Sequence[Hashable]) -> Score:
    """Cohen's κ of two parallel label sequences (the form scikit-learn takes)."""
    if len(labels_a) != len(labels_b):
        raise ValueError("the two label sequences must be of the same length")
    return cohen_kappa_counts(Counter(zip(labels_a, labels_b, strict=True)))


def fleiss_kappa(table: Iterable[Sequence[int]], weights: Iterable[int] | None = None) -> Score:
    """Fleiss' κ from a subjects × categories table of counts (statsmodels' layout).

    Every subject must have the same number of ratings n >= 2. `weights` repeats rows: the
    report passes each distinct row of token labels once with how many tokens have it.
    """
    rows = [list(r) for r in table]
    weights = [1] * len(rows) if weights is None else list(weights)
    subjects = sum(weights)
    if subjects == 0:
        return Score.undefined("no items to compare")
    raters = sum(rows[0])
    if any(sum(r) != raters for r in rows):
        raise ValueError("every subject needs the same number of ratings")
    if raters < 2:
        return Score.undefined("needs at least two annotators")
    category_totals = [0] * len(rows[0])
    observed = 0.0
    for row, weight in zip(rows, weights, strict=True):
        for j, count in enumerate(row):
            category_totals[j] += weight * count
        observed += weight * (sum(c * c for c in row) - raters) / (raters * (raters - 1))
    p_bar = observed / subjects
    p_e = sum((t / (subjects * raters)) ** 2 for t in category_totals)
    if abs(1.0 - p_e) < 1e-12:
        return Score.undefined("every annotator used one and the same label for every item")
    return Score((p_bar - p_e) / (1 - p_e))


def krippendorff_alpha_counts(units: Mapping[tuple[Hashable | None, ...], int]) -> Score:
    """Krippendorff's α (nominal) from counts of units, each a tuple of values by coder.

    `None` marks a coder who did not code the unit. Units with fewer than two values cannot be
    paired and drop out, as Krippendorff prescribes. Computed from the coincidence matrix:
    α = 1 - (n - 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c n_k.
    """
    coincidences: Counter = Counter()
    for values, weight in units.items():
        present = Counter(v for v in values if v is not None)
        m = sum(present.values())
        if m < 2:
            continue
        for c, n_c in present.items():
            for k, n_k in present.items():
                pairs = n_c * (n_k - 1) if c == k else n_c * n_k
                if pairs:
                    coincidences[c, k] += weight * pairs / (m - 1)
    totals: Counter = Counter()
    for (c, _), o in coincidences.items():
        totals[c] += o
    n = sum(totals.values())
    if n == 0:
        return Score.undefined("no unit was coded by two or more annotators")
    disagreement = n - sum(o for (c, k), o in coincidences.items() if c == k)
    expected = n * n - sum(t * t for t in totals.values())
    if expected <= 1e-9:
        return Score.undefined("all pairable values are the same one value")
    return Score(1.0 - (n - 1) * disagreement / expected)


def krippendorff_alpha(units: Iterable[Sequence[Hashable | None]]) -> Score:
    """Krippendorff's α (nominal) of a units × coders table, `None` for missing values."""
    return krippendorff_alpha_counts(Counter(tuple(u) for u in units))


def confusion_table(pairs: Mapping[tuple[str, str], int], missing: str) -> dict:
    """A confusion matrix as JSON likes it: ordered labels and rows of counts (a down, b across).

    `missing` is the label standing for "the other annotator marked nothing here"; it sorts last.
    """
    labels = sorted({x for pair in pairs for x in pair} - {missing})
    if any(missing in pair for pair in pairs):
        labels.append(missing)
    return {
        "labels": labels,
        "matrix": [[pairs.get((x, y), 0) for y in labels] for x in labels],
    }


def mean_score(values: Iterable[float | None], what: str) -> Score:
    """The mean of the defined values (None = not defined), e.g. a figure over annotator pairs."""
    defined = [v for v in values if v is not None]
    if not defined:
        return Score.undefined(f"no {what} defined")
    return Score(sum(defined) / len(defined))
