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
#: how often the status bar's clock is brought up to date
CLOCK_EVERY_MS = 15_000


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
        #: this document's active seconds before today
        self.earlier = 0.0
        session = ctx.session
        session.documentOpened.connect(self.opened)
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
        self.timer.timeout.connect(self.update_clock)
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
        self.update_clock(reopened=True)

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

    def update_clock(self, *, reopened: bool = False) -> None:
        """This document's active time (all days) and today's; the whole history is read only
        when a document opens, today's on every tick."""
        midnight = datetime.now().astimezone().replace(hour=0, minute=0, second=0,
                                                       microsecond=0)
        try:
            today = self._work(midnight)
            if reopened:
                before = self._seconds(self._work(None), self.document)
                self.earlier = max(0.0, before - self._seconds(today, self.document))
        except sqlite3.Error:
            return
        this = self.earlier + self._seconds(today, self.document)
        total = today.annotator_seconds(self.ctx.session.annotator)
        self.clock.setText(f"This document {_clock(this)} · today {_clock(total)}")

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
