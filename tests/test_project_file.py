"""The project file alone holds the work, and files that are not ours, damaged, read-only or on
a full disk are refused in one line without being touched (issue 10, items 1, 5 and 7)."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotator import operations
from annotator.cli import app
from annotator.journal import perform
from annotator.migrations import MIGRATIONS, SCHEMA_VERSION
from annotator.model import Document, Span, Status
from annotator.paths import CORPUS
from annotator.store import Store, StoreError

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent


def said(result) -> str:
    return " ".join(result.output.split())


def one_error(result) -> bool:
    """Exit status 1 and one error message (rich may wrap it), no traceback."""
    return (result.exit_code == 1 and result.output.count("error:") == 1
            and "Traceback" not in result.output)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def copy_db_only(path: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "mailed" / "copy.db"
    copy.parent.mkdir(exist_ok=True)
    shutil.copyfile(path, copy)
    return copy


def spans_in(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM spans").fetchone()[0]
    finally:
        conn.close()


# --- item 1: the .db alone ---------------------------------------------------------------------
def test_project_file_a_program_ending_without_close_leaves_a_self_contained_db(tmp_path):
    """The GUI never closed its store (its objects outlive the interpreter's clean-up, as one
    a thread still holds does): a copy of only the .db then had none of the edits."""
    project = tmp_path / "project.db"
    program = (
        "import sys\n"
        "from annotator import operations\n"
        "from annotator.journal import perform\n"
        "from annotator.model import Document\n"
        "from annotator.store import Store\n"
        f"store = Store({str(project)!r})\n"
        "doc = store.add_documents([Document('d', 'Mike Pompeo met Kim in New York.')]).added[0]\n"
        "for start in range(0, 20, 2):\n"
        "    perform(store, operations.new_span(doc, start, start + 2, 'ORG', 'alice'),"
        " annotator='alice')\n"
        "reader = Store(sys.argv[1], readonly=True)  # a second connection, open at exit too\n"
        "import threading, time\n"  # a thread still holding the store: never collected
        "threading.Thread(target=lambda s=store: time.sleep(100), daemon=True).start()\n"
        "sys.exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", program, str(project)], cwd=ROOT, check=True,
                   timeout=120)
    assert spans_in(copy_db_only(project, tmp_path)) == 10


def test_project_file_checkpoint_empties_the_log_while_the_store_stays_open(tmp_path):
    project = tmp_path / "project.db"
    with Store(project) as store:
        doc = store.add_documents([Document("d", "Some text here.")]).added[0]
        perform(store, operations.new_span(doc, 0, 4, "ORG", "alice"), annotator="alice")
        assert store.checkpoint() is True
        assert spans_in(copy_db_only(project, tmp_path)) == 1
        assert project.with_name("project.db-wal").stat().st_size == 0


def test_project_file_cli_commands_and_split_leave_self_contained_files(tmp_path):
    project = tmp_path / "project.db"
    assert runner.invoke(app, ["import", str(project), str(CORPUS)]).exit_code == 0
    with Store(copy_db_only(project, tmp_path), readonly=True) as copy:
        assert copy.count_documents() == 4
    with Store(project) as store:
        for doc in store.document_ids():
            store.add_span(Span(doc, 0, 3, "ORG", "alice"))
    result = runner.invoke(app, ["split", str(project), "-a", "alice,bob", "-o",
                                 str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "out").iterdir())
    assert [f.name for f in files] == ["project-alice.db", "project-bob.db"]
    for path in files:
        header = path.read_bytes()[:20]
        assert header[18] == 1, "handed-on files use a rollback journal: no -wal can be missing"
        with Store(copy_db_only(path, tmp_path), readonly=True) as copy:
            assert copy.count_documents() > 0
    assert spans_in(copy_db_only(tmp_path / "out" / "project-alice.db", tmp_path)) > 0


# --- item 5: read-only commands read read-only -------------------------------------------------
def test_project_file_read_only_commands_do_not_wait_for_the_write_lock(sample_store,
                                                                       project_path):
    sample_store.close()
    writer = sqlite3.connect(project_path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # a long import holding the write lock
    try:
        began = time.monotonic()
        result = runner.invoke(app, ["stats", str(project_path)])
        assert result.exit_code == 0, result.output
        export = runner.invoke(app, ["export", str(project_path), "-f", "jsonl", "-o",
                                     str(project_path.parent / "x.jsonl")])
        assert "locked" not in export.output
        assert time.monotonic() - began < 10
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_project_file_read_only_store_refuses_writes(sample_store, project_path):
    with Store(project_path, readonly=True) as store, pytest.raises(StoreError, match="read-only"):
        store.set_setting("x", "y")


# --- item 7: files that are not ours, or are damaged ---------------------------------------------
def test_project_file_someone_elses_sqlite_file_is_refused_untouched(tmp_path):
    foreign = tmp_path / "theirs.sqlite"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.execute("INSERT INTO recipes VALUES ('soup')")
    conn.commit()
    conn.close()
    before = digest(foreign)
    for command in (["stats", str(foreign)], ["import", str(foreign), str(CORPUS)],
                    ["export", str(foreign), "-f", "jsonl", "-o", str(tmp_path / "o.jsonl")]):
        result = runner.invoke(app, command)
        assert one_error(result), result.output
        assert "not an annotator project" in said(result) and "untouched" in said(result)
    assert digest(foreign) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["theirs.sqlite"]


def test_project_file_a_newer_project_is_refused_and_not_switched_to_wal(tmp_path):
    newer = tmp_path / "newer.db"
    Store(newer).close()
    conn = sqlite3.connect(newer, isolation_level=None)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = digest(newer)
    result = runner.invoke(app, ["stats", str(newer)])
    assert result.exit_code == 1 and "newer annotator" in said(result)
    with pytest.raises(StoreError, match="newer"):
        Store(newer)
    assert digest(newer) == before


def _old_project(path: Path, version: int) -> None:
    """A project as the code of schema `version` wrote it."""
    import sqlite_utils

    conn = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(conn)
    conn.execute("BEGIN")
    for step in MIGRATIONS[:version]:
        step(db)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute("INSERT INTO documents (name, text, content_hash, added_at) "
                 "VALUES ('d', 'Some text.', 'h', '2026-01-01')")
    conn.execute("COMMIT")
    conn.close()


def test_project_file_is_backed_up_before_a_migration(tmp_path):
    old = tmp_path / "old.db"
    _old_project(old, 1)
    with Store(old) as store:
        assert store.version == SCHEMA_VERSION
    backup = tmp_path / "old.v1-backup.db"
    assert backup.exists()
    conn = sqlite3.connect(backup)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT name FROM documents").fetchall() == [("d",)]
    conn.close()
    Store(old).close()  # nothing more to migrate: no second backup
    assert sorted(p.name for p in tmp_path.glob("*backup*")) == ["old.v1-backup.db"]


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="needs the sqlite3 shell")
def test_project_file_a_dump_restored_project_opens(sample_store, project_path, tmp_path):
    sample_store.add_span(Span(1, 0, 3, "ORG", "alice"))
    sample_store.close()
    restored = tmp_path / "restored.db"
    dump = subprocess.run(["sqlite3", str(project_path), ".dump"], capture_output=True,
                          check=True, text=True).stdout
    subprocess.run(["sqlite3", str(restored)], input=dump, check=True, text=True)
    assert sqlite3.connect(restored).execute("PRAGMA user_version").fetchone()[0] == 0
    with Store(restored) as store:
        assert store.count_documents() == 4 and store.version == SCHEMA_VERSION
        assert [s.label for s in store.spans(1, "alice")] == ["ORG"]
    result = runner.invoke(app, ["stats", str(restored)])
    assert result.exit_code == 0, result.output


def test_project_file_an_empty_file_is_not_made_a_project_by_read_only_commands(tmp_path):
    empty = tmp_path / "empty.db"
    empty.touch()
    for command in (["stats", str(empty)],
                    ["export", str(empty), "-f", "jsonl", "-o", str(tmp_path / "o.jsonl")],
                    ["agreement", str(empty)]):
        result = runner.invoke(app, command)
        assert result.exit_code == 1 and "empty file" in said(result), result.output
    assert empty.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.db"]


def _damage(path: Path) -> None:
    """Overwrite the middle of the spans table's pages with noise."""
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'documents'").fetchone()
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with path.open("r+b") as handle:
        handle.seek((root[0] - 1) * page + 8)
        handle.write(b"\xff\x13" * 400)


def test_project_file_a_damaged_file_is_refused_in_one_line(sample_store, project_path):
    for doc in sample_store.document_ids():
        sample_store.add_span(Span(doc, 0, 3, "ORG", "alice"))
        sample_store.set_status(doc, "alice", Status.DONE)
    sample_store.close()
    _damage(project_path)
    for command in (["import", str(project_path), str(CORPUS)], ["stats", str(project_path)],
                    ["export", str(project_path), "-f", "jsonl", "-o",
                     str(project_path.parent / "o.jsonl")]):
        result = runner.invoke(app, command)
        assert one_error(result), (command, result.output)
        assert "damaged" in said(result), result.output


def test_project_file_full_disk_says_disk_full_not_cannot_rollback(sample_store):
    from annotator.formats import import_files

    sample_store.checkpoint()
    pages = sample_store.db.execute("PRAGMA page_count").fetchone()[0]
    sample_store.db.execute(f"PRAGMA max_page_count = {pages + 1}")
    with pytest.raises(sqlite3.OperationalError, match="full"):
        import_files(sample_store, [ROOT / "README.md"], "txt")
        import_files(sample_store, [CORPUS], "txt")
    sample_store.db.execute("PRAGMA max_page_count = 1073741823")
    assert sample_store.count_documents() == 4


@pytest.fixture
def tiny_disk(tmp_path):
    """A 300 kB tmpfs (root only; skipped where mounting is not allowed)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(mount)],
                          capture_output=True)
    if made.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_project_file_cli_on_a_full_disk_prints_one_line(tiny_disk, tmp_path):
    big = tmp_path / "big"
    big.mkdir()
    for n in range(40):
        (big / f"doc{n}.txt").write_text(f"Document {n}. " + "word " * 4000, encoding="utf-8")
    project = tiny_disk / "project.db"
    result = runner.invoke(app, ["import", str(project), str(big)])
    assert one_error(result) and "disk is full" in said(result), result.output
    assert "rollback" not in result.output and "Traceback" not in result.output


def test_project_file_read_only_folder_prints_one_line(tiny_disk, sample_store, project_path):
    sample_store.close()
    shutil.copyfile(project_path, tiny_disk / "project.db")
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], check=True)
    result = runner.invoke(app, ["import", str(tiny_disk / "project.db"), str(CORPUS)])
    assert one_error(result) and "read-only" in said(result), result.output
    stats = runner.invoke(app, ["stats", str(tiny_disk / "project.db")])
    assert stats.exit_code == 0, stats.output


def test_project_file_read_only_commands_leave_no_log_files_behind(sample_store, project_path):
    sample_store.close()
    for command in (["stats", str(project_path)], ["history", str(project_path)]):
        assert runner.invoke(app, command).exit_code == 0
    assert sorted(p.name for p in project_path.parent.iterdir()) == ["project.db"]
    with Store(project_path) as writer, Store(project_path, readonly=True) as reader:
        reader.count_documents()  # another program has it open: its log stays
        assert project_path.with_name("project.db-wal").exists()
        writer.checkpoint()


def test_project_file_a_second_store_in_this_process_keeps_the_first_ones_locks(sample_store,
                                                                               project_path):
    """A job thread opens the project again while the window's connection is live. Reading the
    file's header by open()/close() dropped this process's POSIX locks on it (SQLite's own
    included), so another program that closed its connection believed it was the last one and
    checkpointed and deleted the write-ahead log the live connection was using."""
    sample_store.set_setting("probe", "1")  # the window's connection, live, with a -wal
    wal = project_path.with_name(project_path.name + "-wal")
    assert wal.exists()
    for _ in range(2):  # a job's store, opened and closed beside it
        Store(project_path, readonly=True).close()
    subprocess.run([sys.executable, "-c",
                    "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
                    "c.execute('SELECT count(*) FROM documents').fetchall(); c.close()",
                    str(project_path)], check=True)
    assert wal.exists(), "another program deleted the log under a live connection"
    sample_store.set_setting("probe", "2")
    assert sample_store.get_setting("probe") == "2"
