"""The rubber-stamp monitor: accepts too fast to have been read, and people far from the team.

An accept's *time to accept* is the time since the person's previous step in the window (an
edit, opening a document, the window getting the focus; throttled input rows are not steps).
"Accept all" spreads its time over the suggestions it accepted. An accept faster than
`FAST_ACCEPT_SECONDS` cannot have been read; `RUN_LENGTH` or more of them in a row on one
document (no other decision between) make a run. Undone accepts are left out: taking one back
is a second look.

Warnings are for the lead, never a block: runs of fast accepts, and an annotator whose accept
rate, or median time to accept, is far from the rest of the team's (the median of the others').
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from statistics import median

from annotator.telemetry.sources import Moment
from annotator.telemetry.worktime import IDLE_SECONDS, NOT_DECISIONS

FAST_ACCEPT_SECONDS = 1.0
RUN_LENGTH = 5
#: accept rates this far (absolute) from the rest of the team's are flagged
RATE_GAP = 0.15
#: a median time to accept below this share of the rest of the team's is flagged
SPEED_RATIO = 0.5
#: fewest decided suggestions / accepts before a person's rate / speed is compared
MIN_DECIDED = 20
MIN_ACCEPTS = 10
ACCEPTS = frozenset({"accept", "accept_all"})


@dataclass
class StampCounts:
    """One person's accepts."""

    annotator: str
    #: seconds to accept, one per accepted suggestion (None: after a pause, not measured)
    seconds: list[float | None] = field(default_factory=list)
    fast: int = 0
    runs: int = 0
    in_runs: int = 0
    longest_run: int = 0
    _run: int = 0

    def accept(self, seconds: float | None, count: int = 1) -> None:
        for _ in range(count):
            self.seconds.append(seconds)
        if seconds is not None and seconds < FAST_ACCEPT_SECONDS:
            self.fast += count
            self._run += count
        else:
            self.close_run()

    def close_run(self) -> None:
        if self._run >= RUN_LENGTH:
            self.runs += 1
            self.in_runs += self._run
        self.longest_run = max(self.longest_run, self._run)
        self._run = 0

    @property
    def median_seconds(self) -> float | None:
        measured = [s for s in self.seconds if s is not None]
        return median(measured) if measured else None


def count_accepts(timelines: Mapping[str, Iterable[Moment]], standing: set[int]
                  ) -> dict[str, StampCounts]:
    """Person -> their accepts, from their timelines (see the module docstring)."""
    out = {}
    for annotator, moments in timelines.items():
        counts = StampCounts(annotator)
        previous = None
        for moment in moments:
            if moment.kind == "input":
                continue
            if moment.kind in ("open", "close"):
                counts.close_run()  # a run is counted within one document
            entry = moment.entry
            if entry is not None and entry.action == "apply" and entry.id in standing:
                if entry.operation in ACCEPTS:
                    many = (len(entry.edit.get("spans_added") or ()) or 1
                            if entry.operation == "accept_all" else 1)
                    gap = None if previous is None else (moment.at - previous).total_seconds()
                    seconds = None if gap is None or gap > IDLE_SECONDS else gap / many
                    counts.accept(seconds, many)
                elif entry.operation not in NOT_DECISIONS:
                    counts.close_run()
            previous = moment.at
        counts.close_run()
        if counts.seconds:
            out[annotator] = counts
    return out


def _share(part: float, whole: float) -> float | None:
    return round(part / whole, 6) if whole else None


def monitor(accepts: Mapping[str, StampCounts], per_annotator: Iterable[dict]) -> dict:
    """The monitor's table and warnings; `per_annotator` are the outcome rows by annotator
    (their `accepted` and `decided` counts give the accept rates)."""
    outcome_rows = {row["annotator"]: row for row in per_annotator}
    names = sorted(set(accepts) | set(outcome_rows))
    rows = []
    for name in names:
        counts = accepts.get(name, StampCounts(name))
        outcome = outcome_rows.get(name, {})
        n = len(counts.seconds)
        med = counts.median_seconds
        rows.append({
            "annotator": name, "accepts": n, "fast_accepts": counts.fast,
            "fast_share": _share(counts.fast, n), "runs": counts.runs,
            "accepts_in_runs": counts.in_runs, "longest_run": counts.longest_run,
            "median_accept_seconds": None if med is None else round(med, 3),
            "accepted": outcome.get("accepted", 0), "decided": outcome.get("decided", 0),
            "accept_rate": outcome.get("accept_rate"),
        })
    return {"fast_accept_seconds": FAST_ACCEPT_SECONDS, "run_length": RUN_LENGTH,
            "per_annotator": rows, "warnings": _warnings(rows, accepts)}


def _warnings(rows: list[dict], accepts: Mapping[str, StampCounts]) -> list[dict]:
    """The team's figure is the median of the other annotators' (one careless person does not
    move it, and they are not compared with themselves)."""
    warnings = []
    for row in rows:
        name = row["annotator"]
        if row["runs"]:
            warnings.append({
                "annotator": name, "kind": "fast_runs",
                "message": (f"{name} accepted {row['accepts_in_runs']} suggestions in "
                            f"{row['runs']} run(s) of {RUN_LENGTH} or more, each under "
                            f"{FAST_ACCEPT_SECONDS:g} s (longest run {row['longest_run']})")})
        others = [r for r in rows if r["annotator"] != name]
        rates = [r["accept_rate"] for r in others if r["decided"] >= MIN_DECIDED]
        if row["decided"] >= MIN_DECIDED and rates:
            team = median(rates)
            if abs(row["accept_rate"] - team) > RATE_GAP:
                warnings.append({
                    "annotator": name, "kind": "accept_rate",
                    "message": (f"{name} accepts {row['accept_rate']:.0%} of suggestions as "
                                f"they are; the rest of the team {team:.0%} (median)")})
        speeds = [r["median_accept_seconds"] for r in others
                  if r["accepts"] >= MIN_ACCEPTS and r["median_accept_seconds"] is not None]
        mine = row["median_accept_seconds"]
        if mine is not None and row["accepts"] >= MIN_ACCEPTS and speeds:
            team = median(speeds)
            if mine < SPEED_RATIO * team:
                warnings.append({
                    "annotator": name, "kind": "accept_speed",
                    "message": (f"{name} takes {mine:.1f} s to accept a suggestion; the rest "
                                f"of the team {team:.1f} s (medians)")})
    return warnings
