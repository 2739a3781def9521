"""The telemetry report: how fast, how good, and whether the suggestions help, as one JSON-able
dict that `annotator report` prints and writes (JSON, CSV, HTML) and the GUI's dashboard draws.

Shape::

    {"project", "generated_at", "idle_seconds", "annotators": [...],
     "summary": {"annotators", "documents", "documents_done", "active_seconds",
                 "documents_per_hour", "accept_rate", "warnings"},
     "time": {"per_annotator": [{"annotator", "active_seconds", "today_seconds",
                                 "documents_worked", "documents_done", "documents_per_hour",
                                 "decisions", "decisions_per_minute",
                                 "median_seconds_per_document", "median_first_edit_seconds"}],
              "per_document": [{"annotator", "document_id", "document", "active_seconds",
                                "visits", "decisions", "first_edit_seconds", "status",
                                "done_at", "arm"}]},
     "throughput": [{"day", "annotator", "documents_done", "active_seconds"}],
     "outcomes": {"per_origin" | "per_label" | "per_annotator": [{<key>, "accepted",
                  "relabelled", "resized", "relabelled_resized", "rejected", "undecided",
                  "manual", "suggested", "decided", "accept_rate", "rates": {...}}],
                  "judged": {"micro", "macro", "p", "r", "per_label": {L: {"p", "r", "f1",
                             "support", "tp", "fp", "fn"}}}},
     "rubber_stamp": {"fast_accept_seconds", "run_length", "per_annotator": [...],
                      "warnings": [{"annotator", "kind", "message"}]},
     "scorecards": {"documents", "documents_per_period", "per_annotator": [{"annotator",
                    "documents", "entity_f1", "event_f1", "role_f1", "entities",
                    "event_types", "roles", "by_week": [...], "by_documents": [...]}]},
     "experiment": null | {"settings", "method", "documents": {"withheld", "shown"},
                    "seconds_per_document": {"withheld" | "shown": {"value", "n", "ci"},
                                             "difference": {"value", "ci"}},
                    "f1": {... the same ...}}}

Seconds are active seconds (`worktime`); times are UTC ISO-8601. A figure that cannot be
computed is null (for F1 with the reason under `not_defined`, as in the agreement report).
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from statistics import median

from annotator.model import GOLD, SUGGESTIONS
from annotator.store import Store
from annotator.store_activity import stamp
from annotator.telemetry.experiment import compare_arms, experiment_settings
from annotator.telemetry.outcomes import DECIDED, tally_outcomes
from annotator.telemetry.scorecards import score_units, scorecards
from annotator.telemetry.sources import Moment, in_force, journal_entries, timeline
from annotator.telemetry.stamps import count_accepts, monitor
from annotator.telemetry.worktime import IDLE_SECONDS, DocumentTime, WorkTime, measure


def _rate(part: float, whole: float, scale: float = 1.0) -> float | None:
    return round(part / whole * scale, 4) if whole else None


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def measure_work(store: Store, annotator: str | None = None, since: datetime | None = None,
                 idle_seconds: float = IDLE_SECONDS, now: datetime | None = None) -> WorkTime:
    """Active time from the journal and the activity table (of one person, from `since` on).
    With `now`, the time since each person's last recorded moment counts too, as far as the
    rules allow (the window still had the focus, no pause): what a live clock shows."""
    entries = journal_entries(store, annotator, since)
    lines = timeline(entries, store.activity(annotator, since))
    if now is not None:
        for who, moments in lines.items():
            moments.append(Moment(now, who, None, "now"))
    return measure(lines, in_force(entries), idle_seconds)


def active_seconds(store: Store, annotator: str, since: datetime,
                   document_id: int | None = None, now: datetime | None = None) -> float:
    """Active seconds of `annotator` from `since` on (on one document, or on all): what the
    window's status bar shows for "this document" and "today" (with `now`, live)."""
    work = measure_work(store, annotator, since, now=now)
    if document_id is None:
        return work.annotator_seconds(annotator)
    record = work.documents.get((annotator, document_id))
    return record.active_seconds if record else 0.0


def project_report(store: Store, *, now: datetime | None = None,
                   idle_seconds: float = IDLE_SECONDS) -> dict:
    """The whole report (see the module docstring)."""
    now = now or datetime.now(timezone.utc)
    entries = journal_entries(store)
    standing = in_force(entries)
    lines = timeline(entries, store.activity())
    work = measure(lines, standing, idle_seconds)
    people = sorted((set(store.annotators()) | set(lines)) - {GOLD, SUGGESTIONS})
    done = {a: store.done_ids(a) for a in people}
    recorded = store.done_times()
    done_at = {}
    for annotator, docs in done.items():
        for doc_id in docs:
            record = work.documents.get((annotator, doc_id))
            done_at[annotator, doc_id] = (record.done_at if record and record.done_at
                                          else recorded.get((annotator, doc_id)))
    arms = store.experiment_arms()
    tally = tally_outcomes(store, done, {d for d, arm in arms.items() if arm == "withheld"})
    outcomes = tally.json()
    stamps = monitor(count_accepts(lines, standing), outcomes["per_annotator"])
    units = score_units(store, done, done_at)
    seconds = {(a, d): _record(work, a, d).active_seconds for a in done for d in done[a]}
    experiment = compare_arms(arms, seconds,
                              {(u.annotator, u.document_id): u.entities.total(overlap=False)
                               for u in units},
                              experiment_settings(store))
    time_rows = [_annotator_time(work, a, done[a], now.date()) for a in people]
    names = {s.id: s.name for s in store.document_summaries("")}
    statuses = {a: store.statuses(a) for a in people}
    per_document = []
    for (annotator, doc_id) in sorted(set(work.documents) | set(done_at)):
        if annotator not in statuses:
            continue
        record = _record(work, annotator, doc_id)
        at = done_at.get((annotator, doc_id))
        per_document.append({
            "annotator": annotator, "document_id": doc_id, "document": names.get(doc_id),
            "active_seconds": _seconds(record.active_seconds), "visits": record.visits,
            "decisions": record.decisions,
            "first_edit_seconds": _seconds(record.first_edit_seconds),
            "status": _status(statuses[annotator], doc_id),
            "done_at": None if at is None else stamp(at), "arm": arms.get(doc_id)})
    decided = sum(r["decided"] for r in outcomes["per_annotator"])
    accepted = sum(r["accepted"] for r in outcomes["per_annotator"])
    total_seconds = sum(r["active_seconds"] for r in time_rows)
    total_done = sum(len(d) for d in done.values())
    return {
        "project": str(store.path), "generated_at": stamp(now), "idle_seconds": idle_seconds,
        "annotators": people,
        "summary": {
            "annotators": len(people), "documents": store.count_documents(),
            "documents_done": total_done, "active_seconds": _seconds(total_seconds),
            "documents_per_hour": _rate(total_done, total_seconds, 3600),
            "accept_rate": _rate(accepted, decided), "warnings": len(stamps["warnings"])},
        "time": {"per_annotator": time_rows, "per_document": per_document},
        "throughput": _throughput(work, done_at),
        "outcomes": outcomes, "outcome_kinds": list(DECIDED) + ["undecided", "manual"],
        "rubber_stamp": stamps,
        "scorecards": scorecards(units),
        "experiment": experiment,
    }


def _status(statuses: dict, doc_id: int) -> str:
    status = statuses.get(doc_id)
    return "todo" if status is None else status.value


def _record(work: WorkTime, annotator: str, doc_id: int) -> DocumentTime:
    return work.documents.get((annotator, doc_id)) or DocumentTime(annotator, doc_id)


def _annotator_time(work: WorkTime, annotator: str, done: set[int], today: date) -> dict:
    records = [t for (who, _), t in sorted(work.documents.items()) if who == annotator]
    active = work.annotator_seconds(annotator)
    decisions = sum(t.decisions for t in records)
    per_done = [t.active_seconds for t in records if t.document_id in done and t.active_seconds]
    first = [t.first_edit_seconds for t in records if t.first_edit_seconds is not None]
    return {
        "annotator": annotator, "active_seconds": _seconds(active),
        "today_seconds": _seconds(work.days.get((annotator, today), 0.0)),
        "documents_worked": sum(1 for t in records if t.active_seconds or t.decisions),
        "documents_done": len(done),
        "documents_per_hour": _rate(len(done), active, 3600),
        "decisions": decisions, "decisions_per_minute": _rate(decisions, active, 60),
        "median_seconds_per_document": _seconds(median(per_done)) if per_done else None,
        "median_first_edit_seconds": _seconds(median(first)) if first else None,
    }


def _throughput(work: WorkTime, done_at: dict) -> list[dict]:
    days: dict[tuple[str, str], dict] = {}

    def row(day: str, annotator: str) -> dict:
        return days.setdefault((day, annotator), {"day": day, "annotator": annotator,
                                                  "documents_done": 0, "active_seconds": 0.0})
    for (annotator, day), seconds in work.days.items():
        if annotator not in (GOLD, SUGGESTIONS):
            row(day.isoformat(), annotator)["active_seconds"] += seconds
    for (annotator, _), at in done_at.items():
        if at is not None:
            row(at.date().isoformat(), annotator)["documents_done"] += 1
    out = [days[key] for key in sorted(days)]
    for item in out:
        item["active_seconds"] = round(item["active_seconds"], 3)
    return out
