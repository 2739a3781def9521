"""Two programs on one project (issue 10, items 2 and 5): each sees the other's writes, one
decision per suggestion, no lost updates, clear refusals, and a second instance is noticed."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from edits_support import suggestion, talks

from annotator import operations
from annotator.journal import perform
from annotator.migrations import MIGRATIONS, SCHEMA_VERSION, _one_decision_per_suggestion
from annotator.model import SUGGESTIONS, Decision, Span
from annotator.presence import Presence, live_instances
from annotator.schema import default_schema
from annotator.store import Store, StoreError

ROOT = Path(__file__).resolve().parent.parent


def other_program(code: str, *args: object, wait: bool = True) -> subprocess.Popen:
    """Run `code` in another Python process (argv[1:] = args), from this checkout."""
    process = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *map(str, args)],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    if wait:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    return process


@pytest.fixture
def doc(store: Store) -> int:
    return talks(store)


def test_concurrency_a_stale_window_cannot_add_a_second_decision(store, doc, project_path):
    gpe = suggestion(store, doc, "GPE")  # window 1 shows it pending
    other_program("""
        import sys
        from annotator import operations
        from annotator.journal import perform
        from annotator.model import SUGGESTIONS
        from annotator.store import Store
        with Store(sys.argv[1]) as store:
            gpe = next(s for s in store.spans(1, SUGGESTIONS) if s.label == "GPE")
            perform(store, operations.accept(store, gpe, "alice"), annotator="alice")
    """, project_path)
    with pytest.raises(StoreError, match="already decided"):
        perform(store, operations.reject(store, gpe, "alice"), annotator="alice")
    decisions = [s for s in store.spans(doc, "alice") if s.suggestion_id == gpe.id]
    assert [s.decision for s in decisions] == [Decision.ACCEPTED]


def test_concurrency_data_version_tells_of_another_programs_commit(store, doc, project_path):
    before = store.data_version()
    assert store.data_version() == before  # our own reads do not change it
    with Store(project_path) as other:
        other.add_span(Span(doc, 0, 4, "ORG", "bob"))
    assert store.data_version() != before


def _project_at(path: Path, version: int) -> None:
    import sqlite_utils

    conn = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(conn)
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("BEGIN")
    for step in MIGRATIONS[:version]:
        step(db)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute("INSERT INTO settings VALUES ('schema', ?)", [default_schema().to_json()])
    conn.execute("INSERT INTO documents (name, text, content_hash, added_at) "
                 "VALUES ('d', 'Mike Pompeo met Kim.', 'h', '2026-01-01')")
    rows = [  # id, layer, decision, updated_at, suggestion_id
        (1, SUGGESTIONS, "suggested", "2026-01-01T00:00:00", None),
        (2, "alice", "accepted", "2026-01-02T10:00:00", 1),
        (3, "alice", "rejected", "2026-01-02T10:05:00", 1),  # the later write wins
        (4, "bob", "accepted", "2026-01-02T09:00:00", 1),
    ]
    for span_id, layer, decision, at, link in rows:
        conn.execute("INSERT INTO spans VALUES (?, 1, ?, 'entity', 0, 11, 'PERSON', 'manual', ?,"
                     " NULL, ?, ?)", [span_id, layer, decision, link, at])
    conn.execute("COMMIT")
    conn.close()


def test_concurrency_migration_keeps_the_latest_of_duplicate_decisions(tmp_path):
    old = tmp_path / "old.db"
    _project_at(old, MIGRATIONS.index(_one_decision_per_suggestion))
    with Store(old) as store:
        assert store.version == SCHEMA_VERSION
        kept = {(s.layer, s.id, s.decision) for s in store.spans(1) if s.suggestion_id}
        assert kept == {("alice", 3, Decision.REJECTED), ("bob", 4, Decision.ACCEPTED)}
        with pytest.raises(sqlite3.IntegrityError):
            store.db.execute("INSERT INTO spans VALUES (9, 1, 'bob', 'entity', 0, 11, 'ORG', "
                             "'manual', 'edited', NULL, 1, 'x')")


def test_concurrency_no_lost_updates_when_two_programs_change_the_same_spans(store, doc,
                                                                           project_path):
    """One program relabels, the other resizes, the same five spans, 60 times each."""
    ids = [store.add_span(Span(doc, 0, 11, "PERSON", "alice")).id for _ in range(5)]
    code = """
        import sys
        from annotator.store import Store
        what, ids = sys.argv[2], [int(i) for i in sys.argv[3].split(",")]
        with Store(sys.argv[1]) as store:
            for n in range(60):
                for span_id in ids:
                    if what == "label":
                        store.update_span(span_id, label=("ORG", "GPE", "NORP")[n % 3])
                    else:
                        store.update_span(span_id, end=(11, 10, 9, 8)[n % 4])
    """
    joined = ",".join(map(str, ids))
    labels = other_program(code, project_path, "label", joined, wait=False)
    ends = other_program(code, project_path, "end", joined, wait=False)
    for process in (labels, ends):
        _out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    final = store.spans_by_id(ids)
    assert {(s.label, s.end) for s in final} == {(("ORG", "GPE", "NORP")[59 % 3],
                                                  (11, 10, 9, 8)[59 % 4])}


def test_concurrency_accepting_a_suggestion_another_program_replaced(store, doc, project_path):
    gpe = suggestion(store, doc, "GPE")
    other_program("""
        import sys
        from annotator.store import Analysis, Store
        with Store(sys.argv[1]) as store:  # preannotate --force with another model
            store.save_analyses([Analysis(1, "lg@3.8", [], [], [])])
    """, project_path)
    before = store.spans(doc, "alice")
    with pytest.raises(StoreError, match="pre-annotation was run again"):
        perform(store, operations.accept(store, gpe, "alice"), annotator="alice")
    assert store.spans(doc, "alice") == before
    assert not store.spans(doc, SUGGESTIONS)


def test_concurrency_a_second_instance_of_the_same_annotator_is_noticed(store, project_path):
    first = other_program("""
        import sys, time
        from annotator.presence import Presence
        from annotator.store import Store
        store = Store(sys.argv[1])
        Presence.register(store, "alice")
        print("ready", flush=True)
        time.sleep(120)
    """, project_path, wait=False)
    try:
        assert first.stdout.readline().strip() == "ready"
        mine, others = Presence.register(store, "alice")
        assert [o.pid for o in others] == [first.pid]
        assert "alice" in others[0].describe()
        assert Presence.register(store, "bob")[1] == []
        os.kill(first.pid, signal.SIGKILL)  # a crash cannot release its row
        first.wait(timeout=30)
        assert mine.others() == []
        mine.release()
        assert {i.annotator for i in live_instances(store)} == {"bob"}
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()


def test_concurrency_a_stale_heartbeat_is_not_an_instance(store):
    mine, _ = Presence.register(store, "alice")
    store.db.execute("UPDATE instances SET heartbeat_at = '2020-01-01T00:00:00+00:00'")
    assert live_instances(store) == []
    mine.heartbeat()
    assert [i.id for i in live_instances(store)] == [mine.id]
