"""Jobs off the GUI thread, in a thread or a child process: progress, results, Cancel, and
failures handed over as exception objects (an `InputError` keeps its path and line)."""

from __future__ import annotations

import jobs_support
import pytest
from PySide6.QtWidgets import QWidget

from annotator.errors import Cancelled, InputError
from annotator.gui import workers
from annotator.store import Store


@pytest.fixture
def parent(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def outcome(qtbot, worker) -> dict:
    seen: dict = {"progress": []}
    worker.progressed.connect(lambda done, total: seen["progress"].append((done, total)))
    worker.succeeded.connect(lambda result: seen.setdefault("result", result))
    worker.failed.connect(lambda error: seen.setdefault("error", error))
    return seen


def test_gui_worker_hands_an_input_error_over_with_its_path_and_line(qtbot, parent, tmp_path):
    Store(tmp_path / "p.db").close()

    def work(store, progress):
        raise InputError("not JSON", tmp_path / "in.jsonl", 3)

    worker = workers.Worker(tmp_path / "p.db", work, parent)
    seen = outcome(qtbot, worker)
    with qtbot.waitSignal(worker.finished, timeout=10_000):
        worker.start()
    qtbot.waitUntil(lambda: "error" in seen)
    error = seen["error"]
    assert isinstance(error, InputError)
    assert (error.path, error.line, error.message) == (tmp_path / "in.jsonl", 3, "not JSON")


def test_gui_process_worker_reports_progress_and_result(qtbot, parent):
    worker = workers.ProcessWorker(jobs_support.count_to, (5,), parent)
    seen = outcome(qtbot, worker)
    with qtbot.waitSignal(worker.finished, timeout=30_000):
        worker.start()
    assert seen["result"] == 5
    assert seen["progress"][-1] == (5, 5)


def test_gui_process_worker_hands_an_input_error_over_from_the_child(qtbot, parent):
    worker = workers.ProcessWorker(jobs_support.bad_line, ("data/in.jsonl",), parent)
    seen = outcome(qtbot, worker)
    with qtbot.waitSignal(worker.finished, timeout=30_000):
        worker.start()
    error = seen["error"]
    assert isinstance(error, InputError)
    assert (str(error.path), error.line) == ("data/in.jsonl", 7)


def test_gui_process_worker_cancel_ends_a_job_that_does_not_stop(qtbot, parent, monkeypatch):
    monkeypatch.setattr(workers, "PROCESS_GRACE_SECONDS", 0.3)
    worker = workers.ProcessWorker(jobs_support.never_stops, (), parent)
    seen = outcome(qtbot, worker)
    worker.start()
    qtbot.waitUntil(lambda: bool(seen["progress"]), timeout=30_000)
    with qtbot.waitSignal(worker.finished, timeout=10_000):
        worker.cancel()
    assert isinstance(seen["error"], Cancelled)
    assert not worker.process.is_alive()


def test_gui_worker_leaves_garbage_collection_to_the_gui_thread(qtbot, parent, tmp_path):
    """A collection in a job's thread freed a closed window's Qt objects there; their timers
    stayed registered with the GUI thread, whose next timer event crashed. Garbage is
    collected on the GUI thread as a job starts, and none is collected in the job's thread."""
    import gc

    Store(tmp_path / "p.db").close()
    dropped = QWidget()  # a Qt object in a reference cycle: garbage only the collector frees
    dropped.cycle = dropped
    alive = [gc.isenabled()]

    def work(store, progress):
        alive.append(gc.isenabled())
        return gc.isenabled()

    del dropped
    collected = gc.get_stats()[2]["collections"]
    worker = workers.Worker(tmp_path / "p.db", work, parent)
    seen = outcome(qtbot, worker)
    with qtbot.waitSignal(worker.finished, timeout=10_000):
        worker.start()
    assert gc.get_stats()[2]["collections"] > collected  # a full collection, on this thread
    qtbot.waitUntil(lambda: "result" in seen)
    assert seen["result"] is False and alive == [True, False]
    assert gc.isenabled()  # back as it was once the job ended
