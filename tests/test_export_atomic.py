"""A killed export never destroys the previous output and leaves nothing the next run does not
clean (issue 10, item 4): the kill is a real `os._exit` in another process at the worst moment."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from annotator.formats import atomic_output, export_project
from annotator.formats.atomic_output import replacing
from annotator.model import Span, Status

ROOT = Path(__file__).resolve().parent.parent

KILLED_EXPORT = """
    import os, sys
    from pathlib import Path
    from annotator.formats import atomic_output, export_project
    from annotator.store import Store
    project, output, fmt, layer, when, fallback = sys.argv[1:7]
    real = os.replace
    if fallback == "yes":
        atomic_output.exchange = lambda a, b: False

    def dying(src, dst, *args, **kwargs):
        if when == "publish" and Path(src).name.endswith(".part"):
            os._exit(9)  # as kill -9 would, between taking the old output away and the new in
        return real(src, dst, *args, **kwargs)

    os.replace = dying
    with Store(project, readonly=True) as store:
        if when == "write":
            atomic_output.sync_tree = lambda path: os._exit(9)
        export_project(store, fmt, output, layer=layer)
    sys.exit(3)  # not killed: the test expected a kill
"""


def tree(path: Path) -> str | None:
    """A digest of a file or folder (names and bytes), None if missing."""
    if not path.exists():
        return None
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    digest = hashlib.sha256()
    for file in files:
        digest.update(str(file.relative_to(path) if path.is_dir() else file.name).encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


@pytest.fixture
def project(sample_store, project_path) -> Path:
    for n, doc in enumerate(sample_store.document_ids()):
        for layer in ("alice", "bob"):
            sample_store.add_span(Span(doc, 0, 4 + n + (layer == "bob"), "ORG", layer))
            sample_store.set_status(doc, layer, Status.DONE)
    sample_store.close()
    return project_path


def killed_export(project: Path, output: Path, fmt: str, layer: str, when: str,
                  fallback: bool = False) -> int:
    """Run the export in another process that dies (exit 9) at `when`; its exit status (3:
    it got through, as an export that exchanges folders in one step does)."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(KILLED_EXPORT), str(project), str(output), fmt,
         layer, when, "yes" if fallback else "no"], cwd=ROOT, capture_output=True, text=True,
        timeout=120)
    assert done.returncode in (3, 9), done.stderr
    return done.returncode


def strays(folder: Path, expected: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in expected | {
        "project.db", "project.db-wal", "project.db-shm"})


@pytest.mark.parametrize("fallback", [False, True], ids=["exchange", "aside-then-in"])
def test_export_a_kill_while_replacing_a_folder_keeps_an_export(project, tmp_path, fallback):
    from annotator.store import Store

    output = tmp_path / "brat-out"
    with Store(project, readonly=True) as store:
        export_project(store, "brat", tmp_path / "expected", layer="bob")
        export_project(store, "brat", output, layer="alice")
    new, old = tree(tmp_path / "expected"), tree(output)
    shutil.rmtree(tmp_path / "expected")
    status = killed_export(project, output, "brat", "bob", "publish", fallback)
    if fallback:  # the one moment the fallback cannot cover: the old output is set aside
        assert status == 9 and tree(tmp_path / ".brat-out.old") == old
    else:  # exchanged in one step: never missing, never mixed
        assert tree(output) in (old, new)
    with Store(project, readonly=True) as store:  # the next run repairs, then replaces
        export_project(store, "brat", output, layer="bob")
    assert tree(output) == new
    assert strays(tmp_path, {"brat-out"}) == []


def test_export_a_kill_while_writing_a_file_keeps_the_old_one(project, tmp_path):
    from annotator.store import Store

    output = tmp_path / "alice.jsonl"
    with Store(project, readonly=True) as store:
        export_project(store, "jsonl", output, layer="alice")
    old = tree(output)
    killed_export(project, output, "jsonl", "bob", "write")
    assert tree(output) == old
    assert (tmp_path / ".alice.jsonl.part").exists()  # what a killed run leaves...
    with Store(project, readonly=True) as store:
        export_project(store, "jsonl", output, layer="bob")
    assert tree(output) != old
    assert strays(tmp_path, {"alice.jsonl"}) == []  # ...the next run removes


def test_export_a_set_aside_output_comes_back_when_the_new_one_never_arrived(tmp_path):
    output = tmp_path / "out"
    aside = tmp_path / ".out.old"
    aside.mkdir()
    (aside / "train.jsonl").write_text("old\n")
    (tmp_path / ".out.part").mkdir()
    replacing(output, folder=True).recover()
    assert (output / "train.jsonl").read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_export_failure_inside_leaves_the_output_and_no_temporary(tmp_path):
    output = tmp_path / "x.txt"
    output.write_text("before")
    with pytest.raises(KeyboardInterrupt), replacing(output, folder=False) as temp:
        temp.write_text("half")
        raise KeyboardInterrupt
    assert output.read_text() == "before"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.txt"]


def _interrupting(function, only=None):
    """`function`, with a Ctrl+C (a real SIGINT to this process) arriving as it starts (when
    its first argument is `only`, if given)."""
    def interrupted(*args):
        if only is None or args[0] == only:
            os.kill(os.getpid(), signal.SIGINT)
        return function(*args)
    return interrupted


@pytest.mark.parametrize("where", ["exchange", "_fsync_dir"])
def test_export_ctrl_c_once_the_swap_began_finishes_it_and_says_so(tmp_path, monkeypatch, where):
    """An interrupt that lands while the new output is moved into place cannot stop it: the
    export completes (no "nothing was written" over a written export) and leaves no debris."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("old", encoding="utf-8")
    # the project folder is synced only after the rename: that is when this one interrupts
    monkeypatch.setattr(atomic_output, where, _interrupting(
        getattr(atomic_output, where), None if where == "exchange" else tmp_path))
    try:
        with atomic_output.replacing(out, folder=True) as temp:
            (temp / "new.txt").write_text("new", encoding="utf-8")
    except KeyboardInterrupt:
        pytest.fail("the interrupt escaped after the new output was published")
    assert [p.name for p in out.iterdir()] == ["new.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_export_ctrl_c_while_syncing_keeps_the_old_output_and_no_temporary(tmp_path,
                                                                           monkeypatch):
    out = tmp_path / "out.jsonl"
    out.write_text("old", encoding="utf-8")
    monkeypatch.setattr(atomic_output, "sync_tree", _interrupting(atomic_output.sync_tree))
    with pytest.raises(KeyboardInterrupt), atomic_output.replacing(out, folder=False) as temp:
        temp.write_text("new", encoding="utf-8")
    assert out.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]
