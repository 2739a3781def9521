"""What became of the suggestions: per origin, per label and per annotator.

Read from the annotations as they stand on the documents each annotator marked done (a half-done
document's undecided suggestions are not yet a verdict), leaving out the documents of an
experiment's `withheld` arm, where nobody saw the suggestions. For each suggestion and annotator:

- `accepted`: their copy has the suggestion's label and extent (also a span they drew by hand
  at exactly that place with that label);
- `relabelled`, `resized`, `relabelled_resized`: their copy differs in label, extent, or both;
- `rejected`: they rejected it;
- `undecided`: still pending when they marked the document done.

And `manual`: their spans at places where nothing was suggested (per their own label). From
the same layers, the suggestions' precision and recall *as the annotators judged them*: their
final layer is the reference, the suggestions are scored against it per label (exact span and
label), with the agreement measures' counting.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from annotator.agreement.measures import LabelledF1, prf_from_multisets
from annotator.agreement.report import f1_block
from annotator.model import MANUAL, SUGGESTIONS, Decision, Span

OUTCOMES = ("accepted", "relabelled", "resized", "relabelled_resized", "rejected", "undecided",
            "manual")
DECIDED = ("accepted", "relabelled", "resized", "relabelled_resized", "rejected")


def outcome_of(suggestion: Span, decision: Span | None) -> str:
    """The outcome of one suggestion given the annotator's span that decided it (or None)."""
    if decision is None:
        return "undecided"
    if decision.decision is Decision.REJECTED:
        return "rejected"
    relabelled = decision.label != suggestion.label
    resized = (decision.start, decision.end) != (suggestion.start, suggestion.end)
    if relabelled and resized:
        return "relabelled_resized"
    return "relabelled" if relabelled else "resized" if resized else "accepted"


@dataclass(frozen=True)
class Outcome:
    """One suggestion's fate with one annotator (or one span they made by hand)."""

    annotator: str
    document_id: int
    origin: str
    label: str
    kind: str
    outcome: str
    suggestion_id: int | None


def document_outcomes(annotator: str, document_id: int, suggestions: Sequence[Span],
                      mine: Sequence[Span]) -> list[Outcome]:
    """Every suggestion's outcome and every hand-made span of one annotator on one document."""
    linked = {s.suggestion_id: s for s in mine if s.suggestion_id is not None}
    free = {(s.start, s.end, s.kind): s for s in mine if s.suggestion_id is None}
    used: set[int] = set()
    out = []
    for suggestion in suggestions:
        decision = linked.get(suggestion.id)
        if decision is None:
            decision = free.get((suggestion.start, suggestion.end, suggestion.kind))
            if decision is not None:
                used.add(decision.id)
        out.append(Outcome(annotator, document_id, suggestion.origin, suggestion.label,
                           suggestion.kind.value, outcome_of(suggestion, decision),
                           suggestion.id))
    for span in mine:
        if span.suggestion_id is None and span.id not in used and span.is_effective:
            out.append(Outcome(annotator, document_id, MANUAL, span.label, span.kind.value,
                               "manual", None))
    return out


def judged_counts(suggestions: Sequence[Span], mine: Sequence[Span]) -> LabelledF1:
    """Suggestions (b) against the annotator's effective spans (reference a), per label."""
    reference = Counter((s.start, s.end, s.label, s.kind) for s in mine if s.is_effective)
    proposed = Counter((s.start, s.end, s.label, s.kind) for s in suggestions)
    labels = {key[2] for key in reference} | {key[2] for key in proposed}
    return LabelledF1({
        label: prf_from_multisets({k: n for k, n in reference.items() if k[2] == label},
                                  {k: n for k, n in proposed.items() if k[2] == label})
        for label in sorted(labels)})


@dataclass
class OutcomeTally:
    """Outcomes summed over the documents read, and the judged precision/recall counts."""

    outcomes: list[Outcome] = field(default_factory=list)
    judged: LabelledF1 = field(default_factory=lambda: LabelledF1({}))

    def add(self, annotator: str, document_id: int, suggestions: Sequence[Span],
            mine: Sequence[Span]) -> None:
        self.outcomes += document_outcomes(annotator, document_id, suggestions, mine)
        self.judged = self.judged + judged_counts(suggestions, mine)

    def table(self, by: str) -> list[dict]:
        """Rows of outcome counts and rates grouped by `origin`, `label` or `annotator`."""
        groups: dict[str, Counter] = {}
        for item in self.outcomes:
            groups.setdefault(getattr(item, by), Counter())[item.outcome] += 1
        rows = []
        for key in sorted(groups):
            counts = groups[key]
            suggested = sum(counts[o] for o in OUTCOMES if o != "manual")
            decided = sum(counts[o] for o in DECIDED)
            row: dict = {by: key, **{o: counts[o] for o in OUTCOMES},
                         "suggested": suggested, "decided": decided}
            row["accept_rate"] = round(counts["accepted"] / decided, 6) if decided else None
            row["rates"] = {o: round(counts[o] / suggested, 6) if suggested else None
                            for o in OUTCOMES if o != "manual"}
            rows.append(row)
        return rows

    def json(self) -> dict:
        return {"per_origin": self.table("origin"), "per_label": self.table("label"),
                "per_annotator": self.table("annotator"),
                "judged": f1_block(self.judged)}


def tally_outcomes(store, done: dict[str, set[int]], withheld: set[int]) -> OutcomeTally:
    """Outcomes of the suggestions on each annotator's done documents (`done`: annotator ->
    document ids), the withheld arm left out."""
    tally = OutcomeTally()
    for doc_id in sorted(set().union(*done.values()) - withheld if done else set()):
        suggestions = store.spans(doc_id, SUGGESTIONS)
        for annotator, docs in sorted(done.items()):
            if doc_id in docs:
                tally.add(annotator, doc_id, suggestions, store.spans(doc_id, annotator))
    return tally


__all__ = ["DECIDED", "OUTCOMES", "Outcome", "OutcomeTally", "document_outcomes",
           "judged_counts", "outcome_of", "tally_outcomes"]
