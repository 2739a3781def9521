"""Race test: two programs editing the same spans of one project, as the same annotator.

    python benchmarks/race_harness.py [--trials 2] [--writes 150] [--preannotate] [--json]

Two forked workers (two windows, or a window and a CLI) open the same project as annotator
`alice` and start together. Worker 1 relabels and worker 2 resizes the same six spans, each
through the intent functions (`relabel`, `resize`) and the store, reading the span just before
it edits it, as a window does; between those edits both decide (accept or reject, at random)
the same suggestions, from the list of pending suggestions they loaded at start (a window
that has not seen the other's decisions), and undo their own last relabel or resize (through
`journal.perform`, as the GUI's undo stack does). Each acknowledges every committed edit on a pipe.

What it counts:
- lost updates: only worker 1 changes labels and only worker 2 changes offsets, so an
  acknowledged label (offsets) that is gone when that worker next reads the span, or at the end,
  was overwritten by the other worker writing back a stale read (`Store.update_span` reading
  outside its write transaction). A lower bound: an overwrite the owner re-writes before it
  reads again is not seen.
- duplicate decisions: more than one decision of alice on one suggestion in the file.
- lost decisions: a suggestion with an acknowledged decision that holds none of the
  acknowledged decisions at the end.
- refused: edits refused with a message (StoreError, "database is locked"): allowed;
  errors: any other exception (in the GUI a traceback into the event loop, nothing saved).
With `--preannotate` a third worker re-runs the analysis (`Store.save_analyses`, what
`preannotate --force` writes) while the two decide, replacing undecided suggestions.

Exit status 1 when an update or decision was lost, duplicated, or an edit raised an error.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parent)]

from harness_support import (  # noqa: E402
    build_project,
    copy_project,
    fork_worker,
    perform,
    span_rows,
    suggestions_for,
    tokenise,
)

from annotator import operations as intents  # noqa: E402
from annotator.model import SpanKind  # noqa: E402
from annotator.store import Analysis, Store, StoreError  # noqa: E402

ANNOTATOR = "alice"
TARGETS = 6
LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC")
#: share of a worker's edits that decide a suggestion (the rest relabel or resize)
DECIDE = 0.3
#: share that undoes the worker's last relabel or resize (the undo stack of a window)
UNDO = 0.15


def _value(span, role: str):
    """The part of a span only the worker in `role` changes."""
    return span.label if role == "relabel" else [span.start, span.end]


def _wait(go: int) -> None:
    os.read(go, 1)


def editor(project: Path, role: str, targets: list[int], stale: list, seed: str,
           writes: int, go: int):
    """Worker 1 (`role` relabel) or 2 (resize): the same spans, the same stale suggestions."""
    def body(ack) -> None:
        rng = random.Random(seed)
        with Store(project, create=False) as store:
            shown = {s.id: s for s in stale}  # what the window shows, read before any worker ran
            order = list(shown)
            rng.shuffle(order)
            _wait(go)
            undoable: list[tuple[int, object, object]] = []  # (span, edit, value before)
            for i in range(writes):
                draw = rng.random()
                kind = "decide" if order and draw < DECIDE else \
                    "undo" if undoable and draw < DECIDE + UNDO else role
                try:
                    if kind == "decide":
                        suggestion = shown[order.pop()]
                        decision = rng.choice(["accept", "reject"])
                        edit = getattr(intents, decision)(store, suggestion, ANNOTATOR)
                        perform(store, edit, "apply", ANNOTATOR, suggestion.doc_id)
                        ack(a=i, decide=suggestion.id,
                            decision="accepted" if decision == "accept" else "rejected")
                        continue
                    if kind == "undo":
                        span_id, edit, wrote = undoable.pop()
                        span = store.get_span(span_id)
                        saw = _value(span, role)
                        perform(store, edit, "undo", ANNOTATOR, span.doc_id)
                        ack(a=i, span=span_id, field=role, saw=saw, wrote=wrote, undo=True)
                        continue
                    span_id = rng.choice(targets)
                    span = store.get_span(span_id)
                    saw = _value(span, role)
                    if role == "relabel":
                        wrote = rng.choice([x for x in LABELS if x != span.label])
                        edit = intents.relabel(store, span, wrote, ANNOTATOR)
                    else:
                        length = len(store.document(span.doc_id).text)
                        start = min(max(0, span.start + rng.choice([-1, 1])), length - 2)
                        end = max(start + 1, min(length, span.end + rng.choice([-1, 1])))
                        if [start, end] == saw:
                            end = end + 1 if end < length else end - 1
                        wrote = [start, end]
                        edit = intents.resize(store, span, start, end, ANNOTATOR)
                    perform(store, edit, "apply", ANNOTATOR, span.doc_id)
                    undoable.append((span_id, edit, saw))
                    ack(a=i, span=span_id, field=role, saw=saw, wrote=wrote)
                except (StoreError, sqlite3.OperationalError) as exc:
                    ack(refused=i, kind=kind, message=str(exc))
                except Exception as exc:  # noqa: BLE001 - what would escape into the GUI
                    ack(failed=i, kind=kind, message=f"{type(exc).__name__}: {exc}")
    return body


def reanalyser(project: Path, rounds: int, go: int):
    """What `preannotate --force` writes: each document's suggestions replaced anew."""
    def body(ack) -> None:
        with Store(project, create=False) as store:
            _wait(go)
            for i in range(rounds):
                analyses = []
                for doc_id in store.document_ids():
                    text = store.document(doc_id).text
                    tokens, sentences = tokenise(text)
                    spans, arguments = suggestions_for(text, store.schema)
                    analyses.append(Analysis(doc_id, "harness", tokens, sentences,
                                             [s.with_(doc_id=doc_id) for s in spans],
                                             arguments, "harness"))
                store.save_analyses(analyses)
                ack(a=i, reanalysed=True)
                time.sleep(0.05)
    return body


def trial(base: Path, folder: Path, number: int, args) -> dict:
    folder.mkdir()
    project = folder / "project.db"
    copy_project(base, project)
    rng = random.Random(f"{args.seed}:{number}")
    with Store(project, create=False) as store:
        doc_ids = store.document_ids()[:2]
        mine = [s for d in doc_ids for s in store.spans(d, ANNOTATOR)
                if s.suggestion_id is None and s.kind is SpanKind.ENTITY]
        targets = [s.id for s in rng.sample(mine, min(TARGETS, len(mine)))]
        shown = [s for d in store.document_ids()
                 for s in store.pending_suggestions(d, ANNOTATOR).spans]
        stale = [s.id for s in shown]
    go_read, go_write = os.pipe()
    workers = [fork_worker(editor(project, role, targets, shown, f"{args.seed}:{number}:{role}",
                                  args.writes, go_read), stderr=folder / f"{role}.err")
               for role in ("relabel", "resize")]
    if args.preannotate:
        workers.append(fork_worker(reanalyser(project, 20, go_read),
                                   stderr=folder / "reanalyse.err"))
    os.write(go_write, b"x" * len(workers))
    for worker in workers:
        worker.drain()
        worker.reap()
    os.close(go_read)
    os.close(go_write)
    crashed = [w.stderr.read_text()[-400:] for w in workers if w.status != 0]
    return judge(project, workers[0].lines, workers[1].lines, targets, stale, crashed)


KEYS = ("writes", "lost_updates", "decisions", "duplicate_decisions",
        "suggestions_decided_twice", "lost_decisions", "refused", "errors", "crashed")


def judge(project: Path, relabels: list[dict], resizes: list[dict], targets: list[int],
          stale: list[int], crashed: list[str]) -> dict:
    conn = sqlite3.connect(project)
    try:
        final = span_rows(conn, targets)
        decided = conn.execute(
            f"SELECT suggestion_id, decision FROM spans WHERE layer = ? AND suggestion_id IN "
            f"({','.join('?' * len(stale))})", [ANNOTATOR, *stale]).fetchall()
    finally:
        conn.close()
    result = Counter()
    examples: list[str] = []
    for lines, column in ((relabels, "label"), (resizes, "offsets")):
        last: dict[int, object] = {}
        for line in lines:
            if "span" not in line:
                continue
            result["writes"] += 1
            previous = last.get(line["span"])
            if previous is not None and line["saw"] != previous:
                result["lost_updates"] += 1
                if len(examples) < 3:
                    examples.append(f"span {line['span']}: {column} {previous} acknowledged, "
                                    f"then read back as {line['saw']}")
            last[line["span"]] = line["wrote"]
        for span_id, wrote in last.items():
            row = final.get(span_id)
            now = None if row is None else (row[5] if column == "label" else row[3:5])
            if now != wrote:
                result["lost_updates"] += 1
                if len(examples) < 3:
                    examples.append(f"span {span_id}: {column} {wrote} acknowledged, "
                                    f"{now} at the end")
    acked: dict[int, set[str]] = defaultdict(set)
    for line in relabels + resizes:
        if "decide" in line:
            acked[line["decide"]].add(line["decision"])
            result["decisions"] += 1
        result["refused"] += "refused" in line
        if "refused" in line and not any(e.startswith("refused") for e in examples):
            examples.append(f"refused ({line['kind']}): {line['message']}")
        if "failed" in line:
            result["errors"] += 1
            if len(examples) < 6:
                examples.append(f"error: {line['message']}")
    rows: dict[int, list[str]] = defaultdict(list)
    for suggestion_id, decision in decided:
        rows[suggestion_id].append(decision)
    result["duplicate_decisions"] = sum(len(v) - 1 for v in rows.values() if len(v) > 1)
    result["suggestions_decided_twice"] = sum(1 for v in rows.values() if len(v) > 1)
    for suggestion_id, decisions in acked.items():
        if not set(rows.get(suggestion_id, [])) & decisions:
            result["lost_decisions"] += 1
    result["crashed"] = len(crashed)
    return {"figures": {key: result.get(key, 0) for key in KEYS},
            "examples": examples + crashed}



def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=2)
    parser.add_argument("--writes", type=int, default=150, help="Edits per worker per trial.")
    parser.add_argument("--preannotate", action="store_true",
                        help="A third worker replaces the suggestions meanwhile.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="race-harness-"))
    started = time.monotonic()
    base = work / "base.db"
    build_project(base)
    totals: Counter = Counter()
    examples = []
    for number in range(args.trials):
        result = trial(base, work / f"trial-{number:03d}", number, args)
        totals.update(result["figures"])
        examples += result["examples"][:3]
    shutil.rmtree(work, ignore_errors=True)
    figures = {key: totals.get(key, 0) for key in KEYS}
    if args.json:
        print(json.dumps({"trials": args.trials, "figures": figures, "examples": examples,
                          "seconds": round(time.monotonic() - started, 1)}, indent=1))
    else:
        print(f"{args.trials} trials, 2 workers x {args.writes} edits"
              + (", with a re-analysing worker" if args.preannotate else ""))
        for key in KEYS:
            print(f"  {key.replace('_', ' '):<28}{figures[key]:>6}")
        for example in examples[:8]:
            print(f"  e.g. {example}")
    bad = figures["lost_updates"] + figures["duplicate_decisions"] + figures["lost_decisions"] \
        + figures["errors"] + figures["crashed"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
