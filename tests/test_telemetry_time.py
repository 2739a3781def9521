"""Active time, decisions, time to first edit and throughput, from journals built with known
moments: idle gaps, focus, undo and redo, documents reopened later."""

from __future__ import annotations

from datetime import timedelta

import pytest
from journal_support import START, Journal

from annotator.model import Document, Status
from annotator.telemetry import active_seconds, project_report
from annotator.telemetry.report import measure_work

TEXT = "Mike Pompeo met Kim Yong Chol in New York on Thursday to prepare a summit."


@pytest.fixture
def docs(store):
    return store.add_documents([Document(f"d{i}", f"{TEXT} ({i})") for i in range(3)]).added


def _row(report: dict, annotator: str, doc: int) -> dict:
    return next(r for r in report["time"]["per_document"]
                if r["annotator"] == annotator and r["document_id"] == doc)


def test_telemetry_idle_gaps_over_two_minutes_are_not_work(store, docs):
    j = Journal(store)
    j.window("ann", docs[0], 0, "open")
    j.entry("ann", docs[0], 30)
    j.entry("ann", docs[0], 60)
    j.entry("ann", docs[0], 180)   # a 120 s gap still counts
    j.entry("ann", docs[0], 301)   # 121 s: a pause, none of it counts
    j.entry("ann", docs[0], 311)
    work = measure_work(store)
    assert work.documents["ann", docs[0]].active_seconds == pytest.approx(30 + 30 + 120 + 10)
    assert work.documents["ann", docs[0]].decisions == 5
    assert work.documents["ann", docs[0]].first_edit_seconds == pytest.approx(30)


def test_telemetry_focus_out_stops_the_clock(store, docs):
    j = Journal(store)
    j.window("ann", docs[0], 0, "open")
    j.entry("ann", docs[0], 20)
    j.window("ann", docs[0], 40, "focus_out")
    j.window("ann", docs[0], 100, "focus_in")   # 60 s elsewhere: not work
    j.window("ann", docs[0], 125, "input")
    j.entry("ann", docs[0], 130)
    j.window("ann", docs[0], 150, "close")
    j.window("ann", None, 170, "focus_out")     # no document open: not work either
    assert measure_work(store).documents["ann", docs[0]].active_seconds == pytest.approx(
        20 + 20 + 25 + 5 + 20)


def test_telemetry_undone_edits_take_time_but_make_no_decision(store, docs):
    j = Journal(store)
    first = j.entry("ann", docs[0], 0, "accept")
    j.undo("ann", docs[0], 10, first)
    second = j.entry("ann", docs[0], 20, "reject")
    j.undo("ann", docs[0], 25, second)
    j.redo("ann", docs[0], 30, second)
    j.entry("ann", docs[0], 40, "accept_all", {"spans_added": [{}, {}, {}]})
    record = measure_work(store).documents["ann", docs[0]]
    assert record.active_seconds == pytest.approx(40)
    assert record.decisions == 1 + 3  # the redone reject and the three accepted at once
    assert record.first_edit_seconds is None  # the window was not seen opening it


def test_telemetry_document_reopened_later_adds_both_stretches(store, docs):
    j = Journal(store)
    j.window("ann", docs[0], 0, "open")
    j.entry("ann", docs[0], 15)
    j.window("ann", docs[0], 45, "close")
    j.window("ann", docs[1], 50, "open")        # five seconds on no document: not counted
    j.entry("ann", docs[1], 80)
    next_day = 24 * 3600
    j.window("ann", docs[0], next_day, "open")
    j.entry("ann", docs[0], next_day + 40)
    j.status("ann", docs[0], next_day + 70)
    report = project_report(store, now=START + timedelta(days=1, hours=1))
    row = _row(report, "ann", docs[0])
    assert row["active_seconds"] == pytest.approx(45 + 70)
    assert row["visits"] == 2
    assert row["first_edit_seconds"] == pytest.approx(15)
    assert row["decisions"] == 2 and row["status"] == "done"
    assert row["done_at"].startswith("2026-03-03T09:01:10")
    assert _row(report, "ann", docs[1])["active_seconds"] == pytest.approx(30)
    person = report["time"]["per_annotator"][0]
    assert person["active_seconds"] == pytest.approx(145)
    assert person["today_seconds"] == pytest.approx(70)
    assert person["documents_done"] == 1
    assert person["documents_per_hour"] == pytest.approx(3600 / 145, rel=1e-3)
    assert person["decisions_per_minute"] == pytest.approx(3 * 60 / 145, rel=1e-3)
    assert report["throughput"] == [
        {"day": "2026-03-02", "annotator": "ann", "documents_done": 0, "active_seconds": 75.0},
        {"day": "2026-03-03", "annotator": "ann", "documents_done": 1, "active_seconds": 70.0}]


def test_telemetry_undone_done_is_not_done(store, docs):
    j = Journal(store)
    marked = j.status("ann", docs[0], 10, store_it=False)
    j.undo("ann", docs[0], 12, marked)
    j.status("ann", docs[1], 20)
    j.status("ann", docs[1], 30, after=Status.IN_PROGRESS, before=Status.DONE)
    j.status("ann", docs[2], 40)
    work = measure_work(store)
    assert work.documents["ann", docs[0]].done_at is None
    assert work.documents["ann", docs[1]].done_at is None
    assert work.documents["ann", docs[2]].done_at == j.at(40)


def test_telemetry_people_are_timed_apart(store, docs):
    j = Journal(store)
    j.window("ann", docs[0], 0, "open")
    j.window("bob", docs[0], 5, "open")
    j.entry("bob", docs[0], 65)
    j.entry("ann", docs[0], 100)
    work = measure_work(store)
    assert work.documents["ann", docs[0]].active_seconds == pytest.approx(100)
    assert work.documents["bob", docs[0]].active_seconds == pytest.approx(60)
    assert active_seconds(store, "bob", START) == pytest.approx(60)
    assert active_seconds(store, "ann", j.at(50), docs[0]) == pytest.approx(0)  # one moment
    assert active_seconds(store, "ann", START, docs[1]) == 0


def test_telemetry_report_without_journal_or_activity(store, docs):
    report = project_report(store)
    assert report["time"]["per_annotator"] == [] and report["throughput"] == []
    assert report["experiment"] is None
    assert report["summary"]["documents"] == 3 and report["summary"]["accept_rate"] is None


def test_telemetry_live_clock_counts_the_time_since_the_last_moment(store, docs):
    j = Journal(store)
    j.window("ann", docs[0], 0, "open")
    j.entry("ann", docs[0], 30)
    assert active_seconds(store, "ann", START, docs[0], now=j.at(90)) == pytest.approx(90)
    assert active_seconds(store, "ann", START, now=j.at(30 + 121)) == pytest.approx(30)  # idle
    j.window("ann", docs[0], 100, "focus_out")
    assert active_seconds(store, "ann", START, now=j.at(110)) == pytest.approx(100)
    assert active_seconds(store, "bob", START, now=j.at(110)) == 0  # nothing recorded
