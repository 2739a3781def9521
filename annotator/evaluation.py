"""How good are a model's suggestions? Predicted annotations measured against a reference layer.

The same matching as inter-annotator agreement (`annotator.agreement.matching`), with the
reference (gold, or an annotator) as side a and the predictions as side b: entity P/R/F1 per
label, exact and by overlap; trigger P/R/F1 (span and event type, exact); argument P/R/F1
(trigger span and type, role, argument span). `evaluate_predictions` sums documents;
`Evaluation.to_dict` is the JSON that `annotator evaluate --json` writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise

from annotator.agreement.matching import MatchCounts, Side, argument_tuples, compare
from annotator.agreement.measures import PRF, LabelledF1, Score, prf_from_multisets
from annotator.model import Annotations


@dataclass
class Evaluation:
    """Predictions against a reference over some documents, summed."""

    documents: int = 0
    entities: MatchCounts = field(default_factory=MatchCounts)
    triggers: MatchCounts = field(default_factory=MatchCounts)
    arguments: PRF = PRF()

    def add(self, reference: Annotations, predicted: Annotations) -> None:
        self.documents += 1
        self.entities.add(compare(Side(reference.entities), Side(predicted.entities)).counts)
        self.triggers.add(compare(Side(reference.triggers), Side(predicted.triggers)).counts)
        self.arguments = self.arguments + prf_from_multisets(argument_tuples(reference),
                                                             argument_tuples(predicted))

    def entity_scores(self, overlap: bool = False) -> LabelledF1:
        return self.entities.labelled(overlap)

    def trigger_scores(self) -> LabelledF1:
        return self.triggers.labelled(False)

    def summary(self) -> dict[str, float | None]:
        """The headline figures: micro F1 of entities (exact, overlap), triggers, arguments,
        and entity and argument recall."""
        exact = self.entities.total(False)
        return {
            "entity_f1_exact": exact.f1.value,
            "entity_f1_overlap": self.entities.total(True).f1.value,
            "entity_recall_exact": exact.recall.value,
            "trigger_f1": self.triggers.total(False).f1.value,
            "argument_f1": self.arguments.f1.value,
            "argument_recall": self.arguments.recall.value,
        }

    def to_dict(self) -> dict:
        return {
            "documents": self.documents,
            "summary": self.summary(),
            "entities": {"exact": _labelled(self.entity_scores(False)),
                         "overlap": _labelled(self.entity_scores(True))},
            "triggers": _labelled(self.trigger_scores()),
            "arguments": _prf(self.arguments),
        }


def _score(score: Score) -> float | None:
    return None if score.value is None else round(score.value, 4)


def _prf(counts: PRF) -> dict:
    return {"precision": _score(counts.precision), "recall": _score(counts.recall),
            "f1": _score(counts.f1), "tp": counts.tp, "fp": counts.fp, "fn": counts.fn}


def _labelled(scores: LabelledF1) -> dict:
    return {"micro": _prf(scores.total),
            "per_label": {label: _prf(c) for label, c in scores.per_label.items()}}


def evaluate_predictions(reference: Mapping[int, Annotations],
                         predicted: Mapping[int, Annotations],
                         doc_ids: Iterable[int] | None = None) -> Evaluation:
    """Sum the comparison over `doc_ids` (default: every reference document); a document the
    predictions lack counts as predicting nothing."""
    result = Evaluation()
    for doc_id in reference if doc_ids is None else doc_ids:
        result.add(reference.get(doc_id, Annotations()), predicted.get(doc_id, Annotations()))
    return result


#: where `reliability` cuts the probability range
RELIABILITY_BINS = (0.0, 0.5, 0.7, 0.9, 0.97, 1.0)


@dataclass
class ReliabilityBin:
    low: float
    high: float
    suggested: int = 0
    #: of them, entities the reference has with the same extent and label
    correct: int = 0

    @property
    def precision(self) -> float | None:
        return self.correct / self.suggested if self.suggested else None


def reliability(reference: Mapping[int, Annotations], predicted: Mapping[int, Annotations],
                edges: tuple[float, ...] = RELIABILITY_BINS) -> list[ReliabilityBin]:
    """How often a scored entity suggestion is right, by its probability: whether the scores
    mean anything (a threshold that hides the unsure ones should hide the wrong ones). Lexicon
    evidence counts (above 1) and unscored suggestions are left out."""
    bins = [ReliabilityBin(low, high) for low, high in pairwise(edges)]
    for doc_id, suggested in predicted.items():
        truth = {(s.start, s.end, s.label)
                 for s in reference.get(doc_id, Annotations()).entities}
        for span in suggested.entities:
            if span.score is None or not 0.0 <= span.score <= 1.0:
                continue
            where = next(b for b in bins if span.score < b.high or b is bins[-1])
            where.suggested += 1
            where.correct += (span.start, span.end, span.label) in truth
    return bins
