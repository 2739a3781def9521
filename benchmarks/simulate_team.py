"""A simulated team on the sample corpus, for the telemetry report and its A/B experiment.

    python benchmarks/simulate_team.py OUT_DIR [--withhold 0.3] [--seed 7]

What it does, with the tool's own core throughout:
1. a project of the four sample articles cut into paragraphs (one document each), pre-annotated
   by the stock pipeline (`en_core_web_sm` 3.8.0 and the trigger rules);
2. gold from the project's evaluation set (`resources/evaluation/sample-gold.jsonl`, labelled by
   hand), cut the same way;
3. `start_experiment` withholds the suggestions on `--withhold` of the documents;
4. four annotators with known speeds and accuracies work through their share (every document
   twice), deciding through `annotator.operations` and `journal.perform` as the GUI does, and
   recording window activity; the journal rows and activity get simulated moments (a working
   day from 09:00 UTC with a coffee break, over several days);
5. `project_report` is written as OUT_DIR/report.html, report.json and OUT_DIR/csv/.

The annotators (all judge a suggestion against gold, which stands for what they know):
- ana: careful, 95 % of decisions right; reads ~25 characters/s; ~3.5 s per suggestion;
- ben: quick, 90 % right, ~2 s per suggestion;
- chen: slow and thorough, 97 % right, ~5 s per suggestion;
- dee: a rubber stamp on shown documents (accepts every suggestion in ~0.4 s), 85 % right when
  annotating by hand.
On withheld documents everybody annotates by hand: ~7 s per span (times the person's pace),
finding a gold span with their accuracy (less 5 %) and mislabelling some.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator import operations  # noqa: E402
from annotator.journal import perform  # noqa: E402
from annotator.model import (  # noqa: E402
    GOLD,
    SUGGESTIONS,
    Argument,
    Document,
    Span,
    SpanKind,
    Status,  # noqa: E402
)
from annotator.paths import CORPUS, RESOURCES  # noqa: E402
from annotator.store import Store  # noqa: E402
from annotator.store_activity import stamp  # noqa: E402
from annotator.telemetry import project_report  # noqa: E402
from annotator.telemetry.experiment import start_experiment  # noqa: E402
from annotator.telemetry.html import render_html  # noqa: E402
from annotator.telemetry.tables import write_csv  # noqa: E402

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # a Monday
DAY_SECONDS = 12 * 60  # of active work per annotator per day (short paragraphs, short days)


@dataclass
class Annotator:
    name: str
    accuracy: float
    pace: float            # seconds per suggestion decided
    reading: float         # characters read per second
    rubber_stamp: bool = False


TEAM = [Annotator("ana", 0.95, 3.5, 25), Annotator("ben", 0.90, 2.0, 35),
        Annotator("chen", 0.97, 5.0, 18), Annotator("dee", 0.85, 3.0, 30, rubber_stamp=True)]


def paragraphs(store: Store) -> list[tuple[int, list[dict], list[dict]]]:
    """Documents of one paragraph each, with their gold spans and events (offsets shifted)."""
    gold_rows = [json.loads(line) for line in
                 (RESOURCES / "evaluation" / "sample-gold.jsonl").open(encoding="utf-8")]
    by_text = {row["text"]: row for row in gold_rows}
    out = []
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        row = by_text.get(text)
        start = 0
        for n, line in enumerate(text.split("\n")):
            end = start + len(line)
            if len(line.strip()) > 40:
                doc = store.add_documents([Document(f"{path.stem} ¶{n + 1}", line)]).added
                if doc:
                    def inside(s: dict, lo: int = start, hi: int = end) -> bool:
                        return lo <= s["start"] and s["end"] <= hi
                    spans = [dict(s, start=s["start"] - start, end=s["end"] - start)
                             for s in (row or {}).get("spans", []) if inside(s)]
                    events = [e for e in (row or {}).get("events", []) if inside(e["trigger"])]
                    events = [{"trigger": dict(e["trigger"], start=e["trigger"]["start"] - start,
                                               end=e["trigger"]["end"] - start),
                               "arguments": [dict(a, start=a["start"] - start,
                                                  end=a["end"] - start)
                                             for a in e["arguments"] if inside(a)]}
                              for e in events]
                    out.append((doc[0], spans, events))
            start = end + 1
    return out


def write_gold(store: Store, doc_id: int, spans: list[dict], events: list[dict]) -> None:
    made: dict[tuple[int, int], Span] = {}
    for s in spans:
        made[s["start"], s["end"]] = store.add_span(
            Span(doc_id, s["start"], s["end"], s["label"], GOLD))
    for e in events:
        t = e["trigger"]
        trigger = store.add_span(Span(doc_id, t["start"], t["end"], t["label"], GOLD,
                                      SpanKind.TRIGGER))
        for a in e["arguments"]:
            target = made.get((a["start"], a["end"]))
            if target is not None:
                store.add_argument(Argument(trigger.id, a["role"], target.id))
    store.set_status(doc_id, GOLD, Status.DONE)


class Clock:
    """An annotator's simulated time: work in stretches, a coffee break every 5 minutes of
    work, a new working day after `DAY_SECONDS` of work."""

    def __init__(self, start: datetime):
        self.now, self.worked, self.since_break = start, 0.0, 0.0

    def spend(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        self.worked += seconds
        self.since_break += seconds
        return self.now

    def pause_if_due(self) -> bool:
        if self.worked >= DAY_SECONDS:
            day = self.now.replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=1)
            if day.weekday() >= 5:
                day += timedelta(days=7 - day.weekday())
            self.now, self.worked, self.since_break = day, 0.0, 0.0
            return True
        if self.since_break >= 5 * 60:
            self.now += timedelta(minutes=12)
            self.since_break = 0.0
            return True
        return False


def journaled(store: Store, who: str, edit, at: datetime, operation: str | None = None) -> None:
    done = perform(store, edit, annotator=who, operation=operation)
    store.db.execute("UPDATE journal SET at = ? WHERE id = ?", [stamp(at), done.entry_id])


def gold_match(span: Span, gold: list[dict]) -> dict | None:
    """The gold span this one overlaps most (same kind), or None."""
    best, overlap = None, 0
    for g in gold:
        shared = min(span.end, g["end"]) - max(span.start, g["start"])
        if shared > overlap and (g.get("kind") == span.kind.value):
            best, overlap = g, shared
    return best


def work_on(store: Store, person: Annotator, doc_id: int, gold: list[dict], shown: bool,
            clock: Clock, rng: random.Random) -> None:
    who = person.name
    text = store.document(doc_id).text
    store.record_activity(who, doc_id, "open", at=clock.now)

    def pause(seconds: float) -> datetime:
        at = clock.spend(max(0.2, rng.gauss(seconds, seconds * 0.35)))
        if rng.random() < 0.3:
            store.record_activity(who, doc_id, "input", at=at)
        return at

    pause(len(text) / person.reading)
    found: set[tuple[int, int]] = set()
    if shown:
        for suggestion in store.spans(doc_id, SUGGESTIONS):
            if suggestion.id not in {s.id for s in store.pending_suggestions(doc_id, who).spans}:
                continue  # decided with an event accepted before
            if person.rubber_stamp:
                journaled(store, who, operations.accept(store, suggestion, who), pause(0.4))
                continue
            at = pause(person.pace)
            match = gold_match(suggestion, gold)
            right = rng.random() < person.accuracy
            if match is None:
                edit = operations.reject(store, suggestion, who) if right else \
                    operations.accept(store, suggestion, who)
            elif (match["start"], match["end"], match["label"]) == (
                    suggestion.start, suggestion.end, suggestion.label):
                edit = operations.accept(store, suggestion, who) if right else \
                    operations.reject(store, suggestion, who)
            elif not right:
                edit = operations.accept(store, suggestion, who)
            elif (match["start"], match["end"]) != (suggestion.start, suggestion.end):
                edit = operations.resize(store, suggestion, match["start"], match["end"], who)
                if match["label"] != suggestion.label:
                    journaled(store, who, edit, at)
                    (mine,) = edit.effect.spans_added.values()
                    edit = operations.relabel(store, mine, match["label"], who)
                    at = pause(1.5)
            else:
                edit = operations.relabel(store, suggestion, match["label"], who)
            if match is not None:
                found.add((match["start"], match["end"]))
            journaled(store, who, edit, at)
    recall = person.accuracy - (0.0 if shown else 0.05)
    labels = sorted({g["label"] for g in gold if g.get("kind") == "entity"} | {"ORG", "GPE"})
    for g in gold:
        if (g["start"], g["end"]) in found or g.get("kind") != "entity":
            continue
        if shown and person.rubber_stamp and rng.random() < 0.6:
            continue  # a rubber stamp adds little
        at = pause(7.0 * person.pace / 3.5)
        if rng.random() > recall:
            continue
        label = g["label"] if rng.random() < person.accuracy else rng.choice(labels)
        if any(s.start < g["end"] and g["start"] < s.end and s.is_effective
               for s in store.spans(doc_id, who)):
            continue
        journaled(store, who, operations.new_span(doc_id, g["start"], g["end"], label, who), at)
    journaled(store, who, operations.set_status(doc_id, who, Status.DONE), pause(1.0))
    store.record_activity(who, doc_id, "close", at=pause(0.5))


def simulate(out: Path, withhold: float, seed: int) -> dict:
    from annotator.nlp.loading import project_pipeline
    from annotator.nlp.preannotate import preannotate

    out.mkdir(parents=True, exist_ok=True)
    project = out / "team.db"
    for leftover in (project, project.with_name(project.name + "-wal")):
        leftover.unlink(missing_ok=True)
    rng = random.Random(seed)
    with Store(project) as store:
        docs = paragraphs(store)
        preannotate(store, project_pipeline(store))
        gold_of: dict[int, list[dict]] = {}
        for doc_id, spans, events in docs:
            write_gold(store, doc_id, spans, events)
            gold_of[doc_id] = ([dict(s, kind="entity") for s in spans]
                               + [dict(e["trigger"], kind="trigger") for e in events])
        start_experiment(store, withhold, seed)
        arms = store.experiment_arms()
        queues: dict[str, list[int]] = {p.name: [] for p in TEAM}
        for n, (doc_id, _, _) in enumerate(docs):
            for k in (0, 1):  # every document twice
                queues[TEAM[(n + k) % len(TEAM)].name].append(doc_id)
        for person in TEAM:
            clock = Clock(START + timedelta(minutes=rng.randint(0, 20)))
            for doc_id in queues[person.name]:
                work_on(store, person, doc_id, gold_of[doc_id], arms[doc_id] == "shown",
                        clock, rng)
                if clock.pause_if_due():
                    store.record_activity(person.name, None, "focus_out",
                                          at=clock.now - timedelta(minutes=12))
        report = project_report(store, now=START + timedelta(days=7))
    (out / "report.json").write_text(json.dumps(report, indent=1, ensure_ascii=False),
                                     encoding="utf-8")
    (out / "report.html").write_text(render_html(report, title="Annotation telemetry: a "
                                                 "simulated team"), encoding="utf-8")
    write_csv(report, out / "csv")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--withhold", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    report = simulate(args.out, args.withhold, args.seed)
    experiment = report["experiment"]
    for measure, scale, unit in (("seconds_per_document", 60, " min"), ("f1", 1, "")):
        for arm in ("shown", "withheld", "difference"):
            value = experiment[measure][arm]
            ci = value.get("ci")
            shown = "n/a" if value["value"] is None else f"{value['value'] / scale:.3f}{unit}"
            band = "" if not ci else f" [{ci[0] / scale:.3f}, {ci[1] / scale:.3f}]"
            print(f"{measure:22} {arm:10} {shown}{band}")
    for warning in report["rubber_stamp"]["warnings"]:
        print("warning:", warning["message"])
    print(f"wrote {args.out / 'report.html'}")


if __name__ == "__main__":
    main()
