"""Review → Dashboard: the telemetry report in a window, drawn from the same report dict and the
same SVG charts as `annotator report --html` (Qt renders the SVG), with a button that saves that
HTML page.

Every string from the project is shown as plain text (labels in `Qt.PlainText`); the charts
escape their names themselves.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from annotator.telemetry import charts
from annotator.telemetry.html import ARM_NAMES, render_html
from annotator.telemetry.outcomes import OUTCOMES


def _text(value: str, *, style: str = "", wrap: bool = False) -> QLabel:
    label = QLabel(value)
    label.setTextFormat(Qt.PlainText)
    label.setWordWrap(wrap)
    if style:
        label.setStyleSheet(style)
    return label


def _minutes(seconds: float | None) -> str:
    if seconds is None:
        return "n/a"
    minutes = round(seconds / 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


def svg_widget(svg: str) -> QWidget:
    """A chart at its own size (an empty chart is a note instead)."""
    if not svg.startswith("<svg"):
        return _text("Nothing recorded yet.", style="color: gray")
    widget = QSvgWidget()
    widget.load(QByteArray(svg.encode("utf-8")))
    widget.setFixedSize(widget.renderer().defaultSize())
    return widget


class DashboardDialog(QDialog):
    """The report's headline figures, warnings and charts, for the project lead."""

    def __init__(self, report: dict, parent: QWidget | None = None):
        super().__init__(parent)
        self.report = report
        self.setWindowTitle("Dashboard")
        self.resize(1020, 760)
        body = QWidget()
        self.sections = QVBoxLayout(body)
        self.sections.setSpacing(10)
        self._cards()
        self._warnings()
        self._charts()
        self.sections.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        self.save_button = buttons.addButton("Save HTML Report…", QDialogButtonBox.ActionRole)
        self.save_button.clicked.connect(self.save_html)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(buttons)

    # --- building ------------------------------------------------------------------------------
    def _heading(self, title: str) -> None:
        self.sections.addWidget(_text(title, style="font-size: 15px; font-weight: 600; "
                                                   "margin-top: 10px"))

    def _cards(self) -> None:
        s = self.report["summary"]
        rate = "n/a" if s["accept_rate"] is None else f"{s['accept_rate']:.0%}"
        per_hour = "n/a" if s["documents_per_hour"] is None else f"{s['documents_per_hour']:.1f}"
        row = QHBoxLayout()
        for value, key in ((str(s["annotators"]), "annotators"),
                           (f"{s['documents_done']} / {s['documents']}", "documents done"),
                           (_minutes(s["active_seconds"]), "active time"),
                           (per_hour, "documents per active hour"),
                           (rate, "suggestions accepted as they were")):
            card = QFrame()
            card.setFrameShape(QFrame.StyledPanel)
            inner = QVBoxLayout(card)
            inner.addWidget(_text(value, style="font-size: 20px; font-weight: 650"))
            inner.addWidget(_text(key, style="color: gray"))
            row.addWidget(card)
        row.addStretch(1)
        self.sections.addLayout(row)

    def _warnings(self) -> None:
        warnings = self.report["rubber_stamp"]["warnings"]
        self.warning_labels = [_text(f"⚠ {w['message']}", wrap=True) for w in warnings]
        if warnings:
            self._heading("For the lead's attention (a signal to look, not a verdict)")
            for label in self.warning_labels:
                self.sections.addWidget(label)

    def _chart(self, title: str, svg: str, legend: list[str] | None = None,
               colours: list[str] | None = None) -> None:
        self.sections.addWidget(_text(title, style="font-weight: 600"))
        if legend:
            keys = QHBoxLayout()
            for n, name in enumerate(legend):
                swatch = QLabel()
                swatch.setFixedSize(11, 11)
                colour = (colours or charts.SERIES)[n % len(colours or charts.SERIES)]
                swatch.setStyleSheet(f"background: {colour}")
                keys.addWidget(swatch)
                keys.addWidget(_text(name))
                keys.addSpacing(10)
            keys.addStretch(1)
            self.sections.addLayout(keys)
        self.sections.addWidget(svg_widget(svg))
        self.charts.append(title)

    def _charts(self) -> None:
        self.charts: list[str] = []
        report = self.report
        throughput = report["throughput"]
        days = sorted({r["day"] for r in throughput})
        people = sorted({r["annotator"] for r in throughput})
        self._heading("Time and throughput")
        self._table(["Annotator", "Active", "Today", "Done", "Docs / hour", "Decisions / min"],
                    [[r["annotator"], _minutes(r["active_seconds"]),
                      _minutes(r["today_seconds"]), str(r["documents_done"]),
                      _number(r["documents_per_hour"], 1), _number(r["decisions_per_minute"], 2)]
                     for r in report["time"]["per_annotator"]])
        done = {(r["day"], r["annotator"]): r["documents_done"] for r in throughput}
        self._chart("Documents done per day",
                    charts.stacked_columns(days, people, done, label="Documents done per day")
                    if days else "", people)
        samples: dict[str, list[float]] = {}
        for row in report["time"]["per_document"]:
            if row["status"] == "done" and row["active_seconds"]:
                key = ARM_NAMES.get(row["arm"], "all documents") if report["experiment"] \
                    else "all documents"
                samples.setdefault(key, []).append(row["active_seconds"])
        ordered = sorted(samples.items(), key=lambda kv: kv[0] != ARM_NAMES["shown"])
        samples = {f"{name} (n = {len(values)})": values for name, values in ordered}
        self._chart("Active time per document (documents done)",
                    charts.histogram(samples, label="Active time per document"),
                    list(samples) if len(samples) > 1 else None)
        self._heading("What became of the suggestions")
        kinds = [k for k in OUTCOMES if k != "manual"]
        labels = sorted((r for r in report["outcomes"]["per_label"] if r["suggested"]),
                        key=lambda r: (-r["suggested"], r["label"]))
        self._chart("Outcome rates per label",
                    charts.outcome_bars(labels, "label", kinds, label="Outcomes per label")
                    if labels else "", [k.replace("_", " + ") for k in kinds],
                    [charts.OUTCOME_COLOURS[k] for k in kinds])
        self._heading("Scorecards against gold")
        cards = report["scorecards"]["per_annotator"]
        names = [c["annotator"] for c in cards]
        support: dict[str, int] = {}
        for c in cards:
            for label, counts in c["entities"]["per_label"].items():
                support[label] = support.get(label, 0) + counts["support"]
        entity_labels = sorted(support, key=lambda x: (-support[x], x))
        values = {(label, c["annotator"]): c["entities"]["per_label"].get(label, {}).get("f1")
                  for c in cards for label in entity_labels}
        self._chart("Entity F1 against gold, per label",
                    charts.grouped_bars(entity_labels, names, values, label="F1 per label")
                    if entity_labels else "", names)
        weeks = sorted({p["period"] for c in cards for p in c["by_week"]})
        self._chart("Entity F1 per week",
                    charts.lines(weeks, {c["annotator"]: {p["period"]: p["entity_f1"]
                                                          for p in c["by_week"]}
                                         for c in cards}, label="Entity F1 per week")
                    if weeks else "", names)
        self._heading("Do the suggestions help? (A/B experiment)")
        experiment = report["experiment"]
        if not experiment:
            self.sections.addWidget(_text(
                "No experiment: annotator experiment PROJECT --withhold 0.2 hides the "
                "suggestions on a share of the documents not yet started.", wrap=True,
                style="color: gray"))
            return
        time, f1 = experiment["seconds_per_document"], experiment["f1"]
        minutes = [(ARM_NAMES[a], None if time[a]["value"] is None else time[a]["value"] / 60,
                    [c / 60 for c in time[a]["ci"]] if time[a]["ci"] else None)
                   for a in ("shown", "withheld")]
        self._chart("Active minutes per document (95% CI)",
                    charts.intervals(minutes, label="Minutes per document", unit=" min"))
        self._chart("Entity F1 against gold (95% CI)",
                    charts.intervals([(ARM_NAMES[a], f1[a]["value"], f1[a]["ci"])
                                      for a in ("shown", "withheld")], label="Entity F1",
                                     high=1.0))
        self.sections.addWidget(_text(f"Intervals: {experiment['method']}.", wrap=True,
                                      style="color: gray"))

    def _table(self, head: list[str], rows: list[list[str]]) -> None:
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        for col, title in enumerate(head):
            grid.addWidget(_text(title, style="font-weight: 600"), 0, col)
        for r, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                label = _text(value)
                if col:
                    label.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
                grid.addWidget(label, r, col)
        grid.setColumnStretch(len(head), 1)
        self.sections.addLayout(grid)

    # --- saving --------------------------------------------------------------------------------
    def save_html(self, path: str | None = None) -> Path | None:
        """Write the HTML report (asks where, unless `path` is given)."""
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Save HTML Report", "report.html",
                                                  "HTML (*.html)")
            if not path:
                return None
        try:
            Path(path).write_text(render_html(self.report), encoding="utf-8")
        except OSError as exc:
            QMessageBox.warning(self, "Not saved", f"{path}: {exc.strerror or exc}")
            return None
        return Path(path)


def _number(value: float | None, digits: int) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"
