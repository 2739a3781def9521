"""Scorecards: each annotator against the gold layer, per entity label, event type and role,
and over time (per ISO week of marking documents done, and per 50 documents in that order).

The documents scored are those with gold (an adjudicated span, or gold marked done) that the
annotator marked done. Matching and counting are the agreement report's (`agreement.matching`,
`agreement.measures`): gold is the reference, so precision is over the annotator's spans and
recall over gold's; entity and trigger spans match exactly (span, label, kind); a role matches
on trigger span and type, role and argument span.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from annotator.agreement.collect import read_documents
from annotator.agreement.matching import MatchCounts, Side, argument_tuples, compare
from annotator.agreement.measures import PRF, LabelledF1, Score, prf_from_multisets
from annotator.agreement.report import f1_block, put
from annotator.model import GOLD, Annotations

DOCUMENTS_PER_PERIOD = 50


@dataclass
class UnitScore:
    """One annotator's counts against gold on one document."""

    annotator: str
    document_id: int
    done_at: datetime | None
    entities: MatchCounts
    triggers: MatchCounts
    roles: dict[str, PRF]


def _role(key: tuple) -> str:
    """The role in an `argument_tuples` key (..., role, argument start, argument end)."""
    return key[-3]


def role_counts(gold: Annotations, mine: Annotations) -> dict[str, PRF]:
    """Argument match counts per role."""
    reference, marked = argument_tuples(gold), argument_tuples(mine)
    roles = {_role(key) for key in reference} | {_role(key) for key in marked}
    return {role: prf_from_multisets({k: n for k, n in reference.items() if _role(k) == role},
                                     {k: n for k, n in marked.items() if _role(k) == role})
            for role in sorted(roles)}


def score_units(store, done: Mapping[str, set[int]],
                done_at: Mapping[tuple[str, int], datetime | None]) -> list[UnitScore]:
    """Every (annotator, document) with gold that the annotator marked done, scored."""
    gold_docs = store.annotated_ids(GOLD) | store.done_ids(GOLD)
    covered: dict[int, list[str]] = {}
    for annotator, docs in sorted(done.items()):
        for doc_id in sorted(docs & gold_docs):
            covered.setdefault(doc_id, [GOLD]).append(annotator)
    units = []
    for doc in read_documents(store, dict(sorted(covered.items()))):
        gold = doc.layers[GOLD]
        for annotator, mine in doc.layers.items():
            if annotator == GOLD:
                continue
            units.append(UnitScore(
                annotator, doc.doc_id, done_at.get((annotator, doc.doc_id)),
                compare(Side(gold.entities), Side(mine.entities)).counts,
                compare(Side(gold.triggers), Side(mine.triggers)).counts,
                role_counts(gold, mine)))
    return units


@dataclass
class Totals:
    """Counts summed over units."""

    documents: int = 0
    entities: MatchCounts = field(default_factory=MatchCounts)
    triggers: MatchCounts = field(default_factory=MatchCounts)
    roles: LabelledF1 = field(default_factory=lambda: LabelledF1({}))

    @classmethod
    def of(cls, units: Iterable[UnitScore]) -> Totals:
        totals = cls()
        for unit in units:
            totals.documents += 1
            totals.entities.add(unit.entities)
            totals.triggers.add(unit.triggers)
            totals.roles = totals.roles + LabelledF1(unit.roles)
        return totals

    @property
    def entity_f1(self) -> Score:
        return self.entities.total(overlap=False).f1

    def headline(self) -> dict:
        out: dict = {"documents": self.documents}
        put(out, "entity_f1", self.entity_f1)
        put(out, "event_f1", self.triggers.total(overlap=False).f1)
        put(out, "role_f1", self.roles.total.f1)
        return out


def _week(at: datetime | None) -> str:
    if at is None:
        return "unknown"
    year, week, _ = at.isocalendar()
    return f"{year}-W{week:02d}"


def scorecards(units: list[UnitScore]) -> dict:
    """The scorecards' JSON: per annotator, overall and over time."""
    names = sorted({u.annotator for u in units})
    cards = []
    for name in names:
        mine = sorted((u for u in units if u.annotator == name),
                      key=lambda u: (u.done_at is None, u.done_at or datetime.min, u.document_id))
        totals = Totals.of(mine)
        card: dict = {"annotator": name, **totals.headline(),
                      "entities": f1_block(totals.entities.labelled(overlap=False)),
                      "event_types": f1_block(totals.triggers.labelled(overlap=False)),
                      "roles": f1_block(totals.roles)}
        weeks: dict[str, list[UnitScore]] = {}
        for unit in mine:
            weeks.setdefault(_week(unit.done_at), []).append(unit)
        card["by_week"] = [{"period": week, **Totals.of(group).headline()}
                           for week, group in sorted(weeks.items())]
        card["by_documents"] = [
            {"period": f"{first + 1}-{first + len(group)}", **Totals.of(group).headline()}
            for first in range(0, len(mine), DOCUMENTS_PER_PERIOD)
            for group in [mine[first:first + DOCUMENTS_PER_PERIOD]]]
        cards.append(card)
    return {"documents": len({u.document_id for u in units}),
            "documents_per_period": DOCUMENTS_PER_PERIOD, "per_annotator": cards}
