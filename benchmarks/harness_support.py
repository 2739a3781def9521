"""What the crash and race harnesses share: forked workers that acknowledge over a pipe, the
small project they work on, and how a project file is read back and judged afterwards.

A worker is a forked copy of the harness process (so spaCy and the pipeline are loaded once,
not per trial) that does real work through the core functions the CLI and the GUI call, and
writes one JSON line to its pipe after each unit is committed: an acknowledgement is a promise
that the unit is on disk. A SIGKILL of a forked worker is the same crash as a kill -9 of
`annotator` or of the GUI: the process dies between two instructions, its descriptors closed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import re
import select
import shutil
import signal
import sqlite3
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# Before numpy loads (through spaCy): a BLAS thread pool does not survive fork().
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

from annotator import journal, operations  # noqa: E402
from annotator.model import (  # noqa: E402
    SUGGESTIONS,
    Decision,
    Document,
    Sentence,
    Span,
    SpanKind,
    Status,
    Token,
)
from annotator.paths import CORPUS  # noqa: E402
from annotator.store import Analysis, Store  # noqa: E402

#: how many copies of each sample article a harness project holds (each text made unique)
COPIES = 3
NAMES = {"Pompeo": "PERSON", "Kim": "PERSON", "Trump": "PERSON", "North Korea": "GPE",
         "Pyongyang": "GPE", "Washington": "GPE", "Pakistan": "GPE", "Kabul": "GPE",
         "State Department": "ORG", "Thursday": "DATE", "February": "DATE"}
TRIGGERS = re.compile(r"\b(meet|talks|summit|meeting)\b")
EVENT = "Contact:Meet"


def perform(store: Store, edit, action: str, annotator: str, doc_id: int) -> int:
    """Apply ('apply'/'redo') or revert ('undo') `edit` through the one path every writer of
    annotator edits uses (`journal.perform`); returns the journal row it wrote."""
    return journal.perform(store, edit, action, annotator=annotator,
                           document_id=doc_id).entry_id


# --- forked workers --------------------------------------------------------------------------
@dataclass
class Worker:
    """A forked worker: its pid, the read end of its acknowledgement pipe, what it said."""

    pid: int
    fd: int
    lines: list[dict] = field(default_factory=list)
    partial: bytes = b""
    status: int | None = None
    stderr: Path | None = None

    def read_available(self, timeout: float) -> bool:
        """Read what the pipe holds within `timeout`; False once the worker closed it."""
        ready, _, _ = select.select([self.fd], [], [], max(timeout, 0))
        if not ready:
            return True
        data = os.read(self.fd, 65536)
        if not data:
            return False
        data = self.partial + data
        *complete, self.partial = data.split(b"\n")
        for raw in complete:
            with contextlib.suppress(json.JSONDecodeError):  # cut by the kill: not an ack
                self.lines.append(json.loads(raw))
        return True

    def drain(self) -> None:
        while self.read_available(5.0):
            pass
        os.close(self.fd)

    def reap(self) -> int:
        _, status = os.waitpid(self.pid, 0)
        self.status = status
        return status


class Ack:
    """A worker's side of the pipe: one JSON line per committed unit, written unbuffered."""

    def __init__(self, fd: int):
        self.fd = fd

    def __call__(self, **line) -> None:
        data = (json.dumps(line, separators=(",", ":")) + "\n").encode()
        while data:
            data = data[os.write(self.fd, data):]


def fork_worker(body: Callable[[Ack], None], stderr: Path | None = None) -> Worker:
    """Run `body(ack)` in a forked child; the parent gets the `Worker` to read and kill."""
    read_fd, write_fd = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the worker
        code = 0
        try:
            os.close(read_fd)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            if stderr is not None:
                fd = os.open(stderr, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
                os.dup2(fd, 2)
            body(Ack(write_fd))
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            sys.stderr.flush()
            os._exit(code)
    os.close(write_fd)
    return Worker(pid, read_fd, stderr=stderr)


def run_until(worker: Worker, seconds: float) -> bool:
    """Collect acknowledgements for `seconds`; True if the worker is still running then."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        if not worker.read_available(left):
            return False
    return True


def stop(worker: Worker, how: str = "kill") -> None:
    """End a worker: SIGKILL, or SIGINT (Ctrl+C) followed by SIGKILL if it lingers."""
    try:
        if how == "int":
            os.kill(worker.pid, signal.SIGINT)
            if run_until(worker, 3.0):
                os.kill(worker.pid, signal.SIGKILL)
        else:
            os.kill(worker.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    worker.drain()
    worker.reap()


# --- the project the harnesses work on -------------------------------------------------------
def corpus_texts(copies: int = COPIES) -> list[tuple[str, str]]:
    articles = [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(CORPUS.glob("*.txt"))]
    return [(f"{name}-{i}", f"{text}\n(copy {i})") for i in range(copies)
            for name, text in articles]


def tokenise(text: str) -> tuple[list[Token], list[Sentence]]:
    tokens = [Token(m.start(), m.end(), m.end() < len(text) and text[m.end()].isspace())
              for m in re.finditer(r"\w+|[^\w\s]", text)]
    sentences = [Sentence(m.start(), m.end()) for m in re.finditer(r"[^.!?\n]+[.!?]?", text)
                 if m.group().strip()]
    return tokens, sentences


def suggestions_for(text: str, schema) -> tuple[list[Span], list[tuple[int, str, int, float]]]:
    """Entity suggestions for the known names, meeting triggers with their nearest names as
    arguments: what a pipeline would propose, without loading one."""
    role = next(iter(schema.events[EVENT].roles))
    names = re.compile("|".join(rf"\b{re.escape(n)}\b" for n in NAMES))
    spans = [Span(0, m.start(), m.end(), NAMES[m.group()], SUGGESTIONS, origin="harness",
                  decision=Decision.SUGGESTED, score=0.9) for m in names.finditer(text)]
    arguments = []
    for m in TRIGGERS.finditer(text):
        spans.append(Span(0, m.start(), m.end(), EVENT, SUGGESTIONS, SpanKind.TRIGGER,
                          origin="harness", decision=Decision.SUGGESTED, score=0.8))
        people = [i for i, s in enumerate(spans) if s.label == "PERSON"
                  and abs(s.start - m.start()) < 200]
        arguments += [(len(spans) - 1, role, i, 0.5) for i in people[:2]]
    return spans, arguments


def build_project(path: Path, *, analysed: bool = True, layers: tuple[str, ...] = ("alice",
                  "bob"), copies: int = COPIES, seed: int = 0) -> None:
    """Documents (the sample articles, `copies` times), tokens, suggestions, and for each of
    `layers` a few decisions and manual spans, every document marked done; closed cleanly."""
    rng = random.Random(seed)
    with Store(path) as store:
        ids = store.add_documents(Document(n, t) for n, t in corpus_texts(copies)).added
        if analysed:
            analyses = []
            for doc_id in ids:
                text = store.document(doc_id).text
                tokens, sentences = tokenise(text)
                spans, arguments = suggestions_for(text, store.schema)
                analyses.append(Analysis(doc_id, "harness", tokens, sentences,
                                         [s.with_(doc_id=doc_id) for s in spans], arguments,
                                         "harness"))
            store.save_analyses(analyses)
        for layer in layers:
            with store.atomic():
                for doc_id in ids:
                    for span in store.spans(doc_id, SUGGESTIONS):
                        if span.kind is SpanKind.ENTITY and rng.random() < 0.4:
                            operations.accept(store, span, layer).apply(store)
                    text = store.document(doc_id).text
                    for _ in range(3):
                        start = rng.randrange(0, len(text) - 20)
                        store.add_span(Span(doc_id, start, start + rng.randint(3, 12),
                                            rng.choice(["PERSON", "ORG", "GPE"]), layer))
                    store.set_status(doc_id, layer, Status.DONE)
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def copy_project(source: Path, target: Path) -> None:
    """Copy a cleanly closed project (its `.db` alone holds everything: no WAL, or an empty
    one, as a read-only reader leaves)."""
    wal = source.with_name(source.name + "-wal")
    if wal.exists() and wal.stat().st_size:
        raise RuntimeError(f"{source} was not closed cleanly")
    shutil.copyfile(source, target)


# --- reading back ------------------------------------------------------------------------------
SPAN_ROW = "document_id, layer, kind, start_char, end_char, label, decision, suggestion_id"


def span_rows(conn: sqlite3.Connection, ids) -> dict[int, list]:
    ids = list(ids)
    rows = {}
    for at in range(0, len(ids), 900):
        part = ids[at:at + 900]
        for row in conn.execute(f"SELECT id, {SPAN_ROW} FROM spans WHERE id IN "
                                f"({','.join('?' * len(part))})", part):
            rows[row[0]] = list(row[1:])
    return rows


def store_span_rows(store: Store, ids) -> dict[int, list]:
    return span_rows(store.db.conn, ids)


def layer_digest(conn: sqlite3.Connection, layer: str) -> str:
    """A layer's content, independent of row ids: spans by document text, arguments, statuses."""
    spans = conn.execute(
        "SELECT d.content_hash, s.kind, s.start_char, s.end_char, s.label, s.decision, "
        "s.suggestion_id IS NOT NULL FROM spans s JOIN documents d ON d.id = s.document_id "
        "WHERE s.layer = ? ORDER BY 1, 2, 3, 4, 5, 6, 7", [layer]).fetchall()
    arguments = conn.execute(
        "SELECT d.content_hash, t.start_char, t.end_char, a.role, g.start_char, g.end_char "
        "FROM arguments a JOIN spans t ON t.id = a.trigger_id JOIN spans g ON g.id = "
        "a.argument_id JOIN documents d ON d.id = t.document_id WHERE t.layer = ? "
        "ORDER BY 1, 2, 3, 4, 5, 6", [layer]).fetchall()
    statuses = conn.execute(
        "SELECT d.content_hash, s.status FROM document_status s JOIN documents d ON "
        "d.id = s.document_id WHERE s.annotator = ? ORDER BY 1", [layer]).fetchall()
    return hashlib.sha256(json.dumps([spans, arguments, statuses]).encode()).hexdigest()[:16]


def tree_digest(path: Path, aliases: tuple[Path, ...] = ()) -> str | None:
    """The content of a file or folder (names and bytes, its own path and `aliases` (where it
    was first written) written as `<output>`); None when it does not exist."""
    if not path.exists():
        return None
    digest = hashlib.sha256()
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    names = {str(p) for p in (path, *aliases)} | {str(p.resolve()) for p in (path, *aliases)}
    for file in files:
        digest.update(str(file.relative_to(path) if file != path else "").encode() + b"\0")
        data = file.read_bytes()
        for name in sorted(names, key=len, reverse=True):  # a spaCy config names its folder
            data = data.replace(name.encode(), b"<output>")
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()[:16]


def integrity(path: Path) -> list[str]:
    """What is wrong with the database file: integrity_check and foreign_key_check."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            problems = [r[0] for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
            problems += [f"foreign key: {r}" for r in conn.execute("PRAGMA foreign_key_check")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        problems = [f"cannot read: {exc}"]
    return problems


def reopen(path: Path) -> str | None:
    """Open and close the project as the next program would; the error when it fails."""
    try:
        store = Store(path, create=False)
        store.close()
    except Exception as exc:  # noqa: BLE001 - any failure to open is what we report
        return f"{type(exc).__name__}: {exc}"
    return None


def stray_files(folder: Path, expected: set[str]) -> list[str]:
    """Entries of `folder` (recursively for hidden ones) that nobody should leave behind."""
    found = []
    for entry in sorted(folder.iterdir()):
        if entry.name not in expected:
            found.append(entry.name)
    return found

