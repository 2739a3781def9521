"""The A/B experiment: what pre-annotation is worth on this corpus.

`start_experiment` takes the documents nobody has started yet, shuffles them reproducibly and
puts a share in the `withheld` arm (annotators see no suggestions there: the GUI's session asks
`Store.suggestions_withheld`) and the rest in the `shown` arm. Documents already worked on stay
out of the comparison: they were annotated under other conditions.

`compare_arms` then compares the arms over (annotator, document) pairs marked done: active time
per document, and micro F1 of entity spans against gold (pooled counts). Confidence intervals
are percentile bootstrap intervals (95 %, `RESAMPLES` resamples of the pairs with replacement,
each arm resampled on its own, fixed seed so a report is reproducible); the difference is
"with suggestions minus without".
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from annotator.agreement.measures import PRF
from annotator.errors import InputError
from annotator.model import Status
from annotator.store import Store
from annotator.store_activity import EXPERIMENT_SETTING, stamp

RESAMPLES = 2000
CONFIDENCE = 0.95
BOOTSTRAP_SEED = 0
METHOD = (f"percentile bootstrap, {RESAMPLES} resamples of annotator-document pairs per arm, "
          f"{CONFIDENCE:.0%} intervals, seed {BOOTSTRAP_SEED}")


@dataclass
class ExperimentPlan:
    withheld: list[int]
    shown: list[int]
    #: documents left out because someone had already started them
    started: int
    replaced: bool


def unstarted_documents(store: Store) -> tuple[list[int], int]:
    """Ids of the documents no annotator has started (no status past todo, no span of
    theirs), and how many others there are."""
    started: set[int] = set()
    for annotator in store.annotators():
        started |= store.annotated_ids(annotator)
        started |= {d for d, s in store.statuses(annotator).items() if s is not Status.TODO}
    ids = store.document_ids()
    return [d for d in ids if d not in started], len(started & set(ids))


def start_experiment(store: Store, withhold: float, seed: int = 0) -> ExperimentPlan:
    """Choose and record the experiment's documents (replacing any earlier choice)."""
    if not 0.0 <= withhold <= 1.0:
        raise InputError(f"--withhold must be between 0 and 1, got {withhold}")
    candidates, started = unstarted_documents(store)
    order = list(candidates)
    random.Random(seed).shuffle(order)
    withheld = sorted(order[:round(withhold * len(order))])
    shown = sorted(order[len(withheld):])
    replaced = bool(store.experiment_arms())
    with store.atomic():
        store.set_experiment_arms({**{d: "shown" for d in shown},
                                   **{d: "withheld" for d in withheld}})
        store.set_setting(EXPERIMENT_SETTING, json.dumps({
            "withhold": withhold, "seed": seed, "started_at": stamp(datetime.now(timezone.utc)),
            "withheld": len(withheld), "shown": len(shown), "already_started": started}))
    return ExperimentPlan(withheld, shown, started, replaced)


def experiment_settings(store: Store) -> dict | None:
    text = store.get_setting(EXPERIMENT_SETTING)
    return json.loads(text) if text else None


def percentile_interval(statistic: Callable[[Sequence], float | None], sample: Sequence,
                        rng: random.Random) -> list[float] | None:
    """The bootstrap percentile interval of `statistic` over `sample` (None if too small)."""
    if len(sample) < 2:
        return None
    values = []
    for _ in range(RESAMPLES):
        value = statistic(rng.choices(sample, k=len(sample)))
        if value is not None:
            values.append(value)
    return _percentiles(values)


def _percentiles(values: list[float]) -> list[float] | None:
    if len(values) < RESAMPLES // 2:
        return None
    values.sort()
    tail = (1 - CONFIDENCE) / 2
    low = values[int(tail * (len(values) - 1))]
    high = values[int(round((1 - tail) * (len(values) - 1)))]
    return [round(low, 6), round(high, 6)]


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def pooled_f1(counts: Sequence[PRF]) -> float | None:
    return sum(counts, PRF()).f1.value


def _difference(statistic: Callable[[Sequence], float | None], shown: Sequence,
                withheld: Sequence, rng: random.Random) -> dict:
    a, b = statistic(shown), statistic(withheld)
    out: dict = {"value": None if a is None or b is None else round(a - b, 6), "ci": None}
    if len(shown) >= 2 and len(withheld) >= 2:
        values = []
        for _ in range(RESAMPLES):
            x = statistic(rng.choices(shown, k=len(shown)))
            y = statistic(rng.choices(withheld, k=len(withheld)))
            if x is not None and y is not None:
                values.append(x - y)
        out["ci"] = _percentiles(values)
    return out


def _estimate(statistic: Callable[[Sequence], float | None], sample: Sequence,
              rng: random.Random) -> dict:
    value = statistic(sample)
    return {"value": None if value is None else round(value, 6), "n": len(sample),
            "ci": percentile_interval(statistic, sample, rng)}


def compare_arms(arms: dict[int, str], seconds: dict[tuple[str, int], float],
                 f1_counts: dict[tuple[str, int], PRF], settings: dict | None) -> dict | None:
    """The A/B comparison (see the module docstring); `seconds` holds the active time of the
    (annotator, document) pairs marked done, `f1_counts` their entity counts against gold."""
    if not arms:
        return None
    rng = random.Random(BOOTSTRAP_SEED)
    out: dict = {"settings": settings, "method": METHOD,
                 "documents": {arm: sum(1 for a in arms.values() if a == arm)
                               for arm in ("withheld", "shown")}}
    time = {arm: [s for (_, d), s in sorted(seconds.items()) if arms.get(d) == arm and s > 0]
            for arm in ("withheld", "shown")}
    f1 = {arm: [c for (_, d), c in sorted(f1_counts.items()) if arms.get(d) == arm]
          for arm in ("withheld", "shown")}
    out["seconds_per_document"] = {arm: _estimate(mean, time[arm], rng) for arm in time}
    out["seconds_per_document"]["difference"] = _difference(mean, time["shown"],
                                                            time["withheld"], rng)
    out["f1"] = {arm: _estimate(pooled_f1, f1[arm], rng) for arm in f1}
    out["f1"]["difference"] = _difference(pooled_f1, f1["shown"], f1["withheld"], rng)
    return out
