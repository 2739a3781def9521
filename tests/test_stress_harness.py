"""The crash and race harnesses themselves (benchmarks/): a few quick trials show they run, and
a deliberately broken worker shows they can fail. The long runs are in the README."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _crash(*args: str) -> tuple[int, dict]:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "crash_harness.py"), "--operations", "edits",
         "--max-delay", "0.3", "--keep", "0", "--json", *args],
        capture_output=True, text=True, timeout=120)
    assert done.stdout, done.stderr
    return done.returncode, json.loads(done.stdout)


def test_crash_harness_kills_edits_and_finds_nothing_lost():
    status, report = _crash("--trials", "3")
    edits = report["summary"]["edits"]
    assert edits["trials"] == 3 and edits["killed"] == 2
    assert edits["acks"] > 0
    assert (edits["lost"], edits["torn"], edits["corrupt"], edits["debris"]) == (0, 0, 0, 0)
    assert status == 0


def test_crash_harness_catches_acknowledgements_before_commit():
    status, report = _crash("--trials", "2", "--fault", "uncommitted")
    assert report["summary"]["edits"]["lost"] > 0
    assert status == 1


@pytest.fixture
def race():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import race_harness

        yield race_harness
    finally:
        sys.path.remove(str(BENCHMARKS))


def test_race_harness_counts_a_stale_overwrite_and_a_second_decision(race, tmp_path):
    from harness_support import build_project

    project = tmp_path / "project.db"
    build_project(project, copies=1)
    import sqlite3

    conn = sqlite3.connect(project)
    span_id, label, suggestion = conn.execute(
        "SELECT id, label, suggestion_id FROM spans WHERE layer = 'alice' AND "
        "suggestion_id IS NOT NULL").fetchone()
    conn.close()
    relabels = [{"a": 0, "span": span_id, "field": "relabel", "saw": label, "wrote": "NORP"},
                {"a": 1, "decide": suggestion, "decision": "rejected"}]
    resizes = [{"a": 0, "decide": suggestion, "decision": "accepted"}]
    result = race.judge(project, relabels, resizes, [span_id], [suggestion], [])
    assert result["figures"]["lost_updates"] == 1  # NORP acknowledged, the old label remains
    assert result["figures"]["lost_decisions"] == 0  # the file holds one of the two
