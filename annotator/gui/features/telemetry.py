"""Telemetry in the window: what it records (`activity`: documents opened and closed, the
window's focus, input at most once per 30 s), the live work clock in the status bar (this
document, today), and Review → Dashboard (the report of `annotator report`, with its charts).

Recording never stands in the annotator's way: a write the project refuses (another program
holds the lock, a read-only file) is skipped. Input is noticed from what the window already
signals (selection, scrolling, edits), not from an application-wide event filter, so key
presses cost nothing more.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import suppress
from datetime import datetime, timezone

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel

from annotator.changes import StoreError
from annotator.gui.context import WindowContext
from annotator.gui.dashboard import DashboardDialog

#: at most one `input` row per this many seconds of use
INPUT_EVERY_SECONDS = 30.0
#: how often the status bar's clock is brought up to date (while the window is in use)
CLOCK_EVERY_MS = 30_000


def _clock(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes // 60}:{minutes % 60:02d} h" if minutes >= 60 else f"{minutes} min"


class Telemetry(QObject):
    """The recorder, the clock and the dashboard of one main window."""

    def __init__(self, ctx: WindowContext):
        super().__init__(ctx.parent)
        self.ctx = ctx
        self.document: int | None = None
        self.last_input: float | None = None
        self.dashboard: DashboardDialog | None = None
        #: the annotator's active seconds per document before today (read once)
        self.before_today: dict[int, float] | None = None
        session = ctx.session
        session.documentOpened.connect(self.opened)
        session.annotatorChanged.connect(self.annotator_changed)
        session.selectionChanged.connect(self.used)
        session.annotationsChanged.connect(self.used)
        ctx.article.verticalScrollBar().valueChanged.connect(self.used)
        app = QApplication.instance()
        app.applicationStateChanged.connect(self.focus_changed)
        ctx.parent.destroyed.connect(self.closed)
        app.aboutToQuit.connect(self.closed)
        self.clock = QLabel()
        self.clock.setTextFormat(Qt.PlainText)
        self.clock.setContentsMargins(8, 0, 8, 0)
        self.clock.setToolTip("Active time: gaps over 2 minutes without input are not counted")
        ctx.status_bar.addPermanentWidget(self.clock)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.tick)
        self.timer.start(CLOCK_EVERY_MS)
        self.act_dashboard = ctx.add_action(
            "&Dashboard…", self.show_dashboard, ("Ctrl+Shift+D",), menu="review",
            tip="How fast and how well the team works, and whether the suggestions help")
        if session.doc_id is not None:
            self.opened(session.doc_id)
        self.update_clock()

    # --- recording -----------------------------------------------------------------------------
    def record(self, kind: str, document: int | None) -> None:
        # telemetry never stops the work: a refused row is a lost row, nothing more
        with suppress(sqlite3.Error, StoreError):
            self.ctx.store.record_activity(self.ctx.session.annotator, document, kind)

    def opened(self, doc_id: int) -> None:
        if self.document is not None and self.document != doc_id:
            self.record("close", self.document)
        self.document = doc_id
        self.record("open", doc_id)
        self.last_input = time.monotonic()
        self.update_clock()

    def used(self, *_args) -> None:
        """Something the person did in the window: one `input` row per 30 s at most."""
        now = time.monotonic()
        if self.document is None or (self.last_input is not None
                                     and now - self.last_input < INPUT_EVERY_SECONDS):
            return
        self.last_input = now
        self.record("input", self.document)

    def focus_changed(self, state: Qt.ApplicationState) -> None:
        active = state == Qt.ApplicationActive
        self.record("focus_in" if active else "focus_out", self.document)
        if active:
            self.last_input = time.monotonic()

    def closed(self, *_args) -> None:
        if self.document is not None:
            self.record("close", self.document)
            self.document = None
        self.timer.stop()

    # --- the clock -----------------------------------------------------------------------------
    def _work(self, since: datetime | None):
        from annotator.telemetry.report import measure_work

        return measure_work(self.ctx.store, self.ctx.session.annotator, since,
                            now=datetime.now(timezone.utc))

    def _seconds(self, work, document: int | None) -> float:
        record = work.documents.get((self.ctx.session.annotator, document))
        return record.active_seconds if record else 0.0

    def update_clock(self) -> None:
        """This document's active time (all days) and today's. The whole history is read once
        (per document, the time before today); today's on every tick."""
        midnight = datetime.now().astimezone().replace(hour=0, minute=0, second=0,
                                                       microsecond=0)
        who = self.ctx.session.annotator
        try:
            today = self._work(midnight)
            if self.before_today is None:
                history = self._work(None)
                self.before_today = {
                    doc: max(0.0, record.active_seconds - self._seconds(today, doc))
                    for (name, doc), record in history.documents.items() if name == who}
        except sqlite3.Error:
            return
        this = self.before_today.get(self.document, 0.0) + self._seconds(today, self.document)
        self.clock.setText(f"This document {_clock(this)} · "
                           f"today {_clock(today.annotator_seconds(who))}")

    def tick(self) -> None:
        if QApplication.applicationState() == Qt.ApplicationActive:
            self.update_clock()

    def annotator_changed(self, _name: str) -> None:
        self.before_today = None
        self.update_clock()

    # --- the dashboard -------------------------------------------------------------------------
    def show_dashboard(self) -> None:
        from annotator.telemetry.report import project_report

        def opened(report: dict) -> None:
            self.dashboard = DashboardDialog(report, self.ctx.parent)
            self.dashboard.setAttribute(Qt.WA_DeleteOnClose)
            self.dashboard.show()

        self.ctx.run_job("Measuring the team's work", lambda store, _progress:
                         project_report(store), opened,
                         lambda exc: self.ctx.status(f"Dashboard not shown: {exc}"))


def install(ctx: WindowContext) -> Telemetry:
    return Telemetry(ctx)
