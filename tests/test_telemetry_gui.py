"""Telemetry in the window: withheld suggestions stay hidden, activity is recorded (throttled),
the status bar's clock, and Review → Dashboard with its charts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from gui_support import make_project
from PySide6.QtCore import QSettings, Qt

from annotator.gui.dashboard import DashboardDialog
from annotator.gui.windows import build_window
from annotator.model import GOLD
from annotator.store import Store
from annotator.telemetry import project_report


@pytest.fixture
def window(tmp_path, qtbot):
    path = make_project(tmp_path / "p.db")
    with Store(path) as store:
        ids = store.document_ids()
        store.set_experiment_arms({ids[0]: "withheld", ids[1]: "shown"})
    win = build_window(Store(path), "alice", QSettings(str(tmp_path / "s.ini"),
                                                       QSettings.IniFormat))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win, ids
    win.close()
    win.session.store.close()


def test_telemetry_gui_withheld_documents_show_no_suggestions(window):
    win, ids = window
    session = win.session
    session.open_document(ids[0])
    assert session.view.pending() == []
    session.accept_all()  # nothing to accept: the suggestions are not there for alice
    assert session.store.spans(ids[0], "alice") == []
    pending = {s.id: s.pending for s in session.store.document_summaries("alice")}
    assert pending[ids[0]] == 0 and pending[ids[1]] > 0
    session.open_document(ids[1])
    assert len(session.view.pending()) == pending[ids[1]]


def test_telemetry_gui_records_activity_throttled(window):
    win, ids = window
    telemetry = win.features["telemetry"]
    store = win.session.store
    win.session.open_document(ids[1])
    win.session.open_document(ids[2])
    kinds = [(a.kind, a.document_id) for a in store.activity("alice")]
    assert kinds[-3:] == [("open", ids[1]), ("close", ids[1]), ("open", ids[2])]
    telemetry.last_input = None
    win.session.select(win.session.view.spans[0].id)   # input: recorded
    win.session.select(None)                           # within 30 s: not again
    telemetry.focus_changed(Qt.ApplicationInactive)
    telemetry.focus_changed(Qt.ApplicationActive)
    kinds = [(a.kind, a.document_id) for a in store.activity("alice")]
    assert kinds[-3:] == [("input", ids[2]), ("focus_out", ids[2]), ("focus_in", ids[2])]
    assert [k for k, _ in kinds].count("input") == 1


def test_telemetry_gui_status_bar_clock(window):
    win, ids = window
    store, telemetry = win.session.store, win.features["telemetry"]
    now = datetime.now(timezone.utc)
    if now.astimezone().hour == 0 and now.astimezone().minute < 15:
        pytest.skip("too close to midnight for a 10-minute stretch today")
    for n in range(6):  # ten minutes of work on ids[3], just before now
        store.record_activity("alice", ids[3], "open" if n == 0 else "input",
                              at=now - timedelta(seconds=600 - 100 * n))
    win.session.open_document(ids[3])
    assert telemetry.clock.text() == "This document 10 min · today 10 min"


def test_telemetry_gui_dashboard_draws_the_report(window, qtbot, tmp_path):
    win, ids = window
    telemetry = win.features["telemetry"]
    store = win.session.store
    spans = store.spans(ids[1], "suggestions")
    from annotator import operations
    from annotator.journal import perform

    perform(store, operations.accept(store, spans[0], "alice"), annotator="alice")
    perform(store, operations.reject(store, spans[1], "<b>bob</b>"), annotator="<b>bob</b>")
    store.add_span(spans[0].with_(layer=GOLD, id=None, decision=spans[0].decision.ACCEPTED))
    telemetry.act_dashboard.trigger()
    qtbot.waitUntil(lambda: telemetry.dashboard is not None, timeout=20_000)
    dialog = telemetry.dashboard
    assert dialog.isVisible()
    assert "Outcome rates per label" in dialog.charts
    assert "Documents done per day" in dialog.charts
    saved = dialog.save_html(str(tmp_path / "report.html"))
    assert saved.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    dialog.close()


def test_telemetry_gui_dashboard_shows_data_as_plain_text(qtbot, tmp_path):
    with Store(make_project(tmp_path / "p.db")) as store:
        report = project_report(store)
    report["rubber_stamp"]["warnings"] = [{"annotator": "x", "kind": "fast_runs",
                                           "message": "<img src=x> accepted fast"}]
    dialog = DashboardDialog(report)
    qtbot.addWidget(dialog)
    (label,) = dialog.warning_labels
    assert label.textFormat() == Qt.PlainText and "<img src=x>" in label.text()


def test_telemetry_gui_clock_adds_earlier_days_to_this_document(window):
    win, ids = window
    store, telemetry = win.session.store, win.features["telemetry"]
    yesterday = datetime.now().astimezone().replace(hour=12, minute=0, second=0,
                                                    microsecond=0) - timedelta(days=1)
    for n in range(6):  # ten minutes on ids[2] yesterday
        store.record_activity("alice", ids[2], "open" if n == 0 else "input",
                              at=yesterday + timedelta(seconds=100 * n))
    store.record_activity("alice", ids[2], "close", at=yesterday + timedelta(seconds=600))
    telemetry.before_today = None  # the history is read once; it changed under the window
    win.session.open_document(ids[2])
    assert telemetry.clock.text() == "This document 10 min · today 0 min"
