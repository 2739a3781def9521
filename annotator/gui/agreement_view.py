"""Review → Agreement: the figures `annotator agreement` prints, as tables one can sort and click.

They come from the same core function (`project_agreement`), run in a worker thread with a
progress dialog, so the numbers on screen and in the CLI's JSON are the same numbers. A click on
a disagreement (or a double click on a document) asks the main window to show that place.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.agreement.html import render_html
from annotator.agreement.report import NOTHING, project_agreement
from annotator.errors import Cancelled
from annotator.gui import styles
from annotator.gui.cells import GREY, plain, read_only_table, short, swatch
from annotator.gui.folders import Folders
from annotator.gui.workers import run_job
from annotator.schema import Schema

NOT_DEFINED = "n/a"
#: Why two annotators differ, in words (keys are `Aligned.kind` values).
DIFFERENCE = {"label": "label", "extent": "extent", "extent+label": "extent and label",
              "only_a": "only {a}", "only_b": "only {b}"}
#: (title, summary key) of the headline tiles; the two corpus-wide figures come first.
TILES = (("Fleiss' κ", "fleiss_kappa"), ("Krippendorff's α", "krippendorff_alpha"),
         ("Span F1 exact", "span_f1_exact"), ("Span F1 overlap", "span_f1_overlap"),
         ("Cohen's κ", "cohen_kappa"), ("Trigger F1", "trigger_f1"),
         ("Argument F1", "argument_f1"))


def reason(holder: dict, key: str) -> str | None:
    return (holder.get("not_defined") or {}).get(key)


def heat(value: float, dark: bool) -> QColor:
    """Red (0 or less) through amber to green (1), pale enough to read text on."""
    hue = int(120 * max(0.0, min(1.0, value)))
    color = QColor.fromHsv(hue, 150 if dark else 70, 150 if dark else 255)
    color.setAlpha(120 if dark else 255)
    return color


class Cell(QTableWidgetItem):
    """A table cell that sorts by its value: numbers numerically, undefined figures last."""

    def __init__(self, text: str, key: object = None):
        super().__init__(text)
        self.key = text.lower() if key is None else key
        self.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.key, getattr(other, "key", other.text())
        try:
            return mine < theirs
        except TypeError:
            return str(mine) < str(theirs)


def figure(value: float | None, why: str | None = None, *, dark: bool = False,
           tint: bool = True) -> Cell:
    """A measure: three decimals on a heat colour, or "n/a" with the reason as its tooltip."""
    if value is None:
        cell = Cell(NOT_DEFINED, float("inf"))
        cell.setForeground(GREY)
        cell.setToolTip(plain(f"not defined: {why}" if why else "not defined"))
    else:
        cell = Cell(f"{value:.3f}", value)
        if tint:
            cell.setBackground(heat(value, dark))
    cell.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
    return cell


def count(value: int) -> Cell:
    cell = Cell(f"{value:,}", value)
    cell.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
    return cell


def fill(widget: QTableWidget, rows: list[list[QTableWidgetItem]]) -> None:
    """Replace the rows, then sort them as the header says (the first column at first)."""
    widget.setSortingEnabled(False)
    widget.clearContents()
    widget.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, item in enumerate(row):
            widget.setItem(r, c, item)
    widget.setSortingEnabled(True)
    header = widget.horizontalHeader()
    widget.sortItems(header.sortIndicatorSection(), header.sortIndicatorOrder())


class Tile(QFrame):
    """A headline figure: big number, caption, heat stripe."""

    def __init__(self, title: str):
        super().__init__()
        self.setObjectName("agreementTile")
        self.setFrameShape(QFrame.StyledPanel)
        self.value = QLabel(NOT_DEFINED)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.9)
        font.setBold(True)
        self.value.setFont(font)
        caption = QLabel(title)
        caption.setStyleSheet("color: palette(placeholder-text);")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.setSpacing(0)
        layout.addWidget(self.value)
        layout.addWidget(caption)

    def show_value(self, value: float | None, why: str | None, dark: bool) -> None:
        self.value.setText(NOT_DEFINED if value is None else f"{value:.3f}")
        self.setToolTip(plain(f"not defined: {why}") if value is None and why else "")
        stripe = "palette(mid)" if value is None else heat(value, dark).name()
        self.setStyleSheet(f"#agreementTile {{ border: none; border-left: 5px solid {stripe};"
                           " background: palette(base); border-radius: 4px; }")


class AgreementDialog(QDialog):
    """Agreement between the chosen annotators (`checked` ones at first, default all);
    `locate(doc_id, start, end)` asks to show a place in the main window; `frontRequested`
    (a double click, Enter) asks for the main window in front, to work there.

    A window of its own, not a dialog held above the main window: browsing disagreements and
    fixing them in the article take turns, and either window may be in front."""

    locate = Signal(int, int, int)
    frontRequested = Signal()

    def __init__(self, project: Path, annotators: Sequence[str], schema: Schema,
                 parent: QWidget | None = None, *, checked: Collection[str] | None = None,
                 folders: Folders | None = None):
        super().__init__(parent)
        self.folders = folders
        self.setObjectName("agreementDialog")
        self.setWindowTitle(f"Agreement — {project.stem}")
        self.project, self.schema = project, schema
        self.report: dict | None = None
        self.worker = None
        self.dark = styles.is_dark(self.palette())

        self.choices: dict[str, QCheckBox] = {}
        chooser = QHBoxLayout()
        chooser.setSpacing(10)
        chooser.addWidget(QLabel("<b>Annotators</b>"))
        for name in annotators:
            box = QCheckBox(name)
            box.setChecked(checked is None or name in checked)
            self.choices[name] = box
            chooser.addWidget(box)
        chooser.addSpacing(16)
        self.include_all = QCheckBox("Include documents not marked done")
        self.include_all.setToolTip("By default only documents every compared annotator "
                                    "marked done are compared")
        chooser.addWidget(self.include_all)
        chooser.addStretch(1)
        self.compute_button = QPushButton("Compute")
        self.compute_button.setDefault(True)
        self.compute_button.clicked.connect(self.compute)
        chooser.addWidget(self.compute_button)
        self.save_button = QPushButton("Save HTML Report…")
        self.save_button.setToolTip("The report `annotator agreement --html` writes: one file "
                                    "that opens offline")
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.save_html)
        chooser.addWidget(self.save_button)

        self.scope = QLabel()
        self.scope.setObjectName("agreementScope")
        self.scope.setTextFormat(Qt.RichText)
        self.scope.setWordWrap(True)
        tiles = QGridLayout()
        tiles.setSpacing(8)
        self.tiles: dict[str, Tile] = {}
        for i, (title, key) in enumerate(TILES):
            self.tiles[key] = Tile(title)
            tiles.addWidget(self.tiles[key], 0, i)

        self.pairs = read_only_table(
            ["Annotators", "Documents", "Span F1\nexact micro", "exact macro", "overlap micro",
             "overlap macro", "Cohen's κ\n(tokens)", "Trigger F1", "Argument F1",
             "Disagree-\nments"], "pairTable")
        self.labels = read_only_table(
            ["Label", "Kind", "Annotators", "Support", "Precision", "Recall", "F1 exact",
             "F1 overlap"], "labelTable")
        self.documents = read_only_table(
            ["Document", "Tokens", "Span F1 exact", "Span F1 overlap", "Cohen's κ", "Trigger F1",
             "Argument F1", "Disagreements"], "documentTable")
        self.documents.itemDoubleClicked.connect(self._document_chosen)
        self.documents.itemDoubleClicked.connect(lambda _item: self.frontRequested.emit())
        self.documents.setToolTip("Double-click a document to open it")
        self.disagreements = read_only_table(
            ["Document", "Annotators", "Kind", "Difference", "A says", "B says", "Context"],
            "disagreementTable", stretch=6)
        self.disagreements.setToolTip("Click a disagreement to see it in the article; "
                                      "double-click to go and work on it there")
        self.disagreements.itemClicked.connect(self._disagreement_chosen)
        self.disagreements.itemActivated.connect(self._disagreement_chosen)
        self.disagreements.itemActivated.connect(lambda _item: self.frontRequested.emit())
        self.pair_filter = QComboBox()
        self.pair_filter.currentIndexChanged.connect(self._show_disagreements)
        self.text_filter = QLineEdit(placeholderText="Filter by document, label or text…")
        self.text_filter.setClearButtonEnabled(True)
        self.text_filter.textChanged.connect(self._show_disagreements)
        filters = QHBoxLayout()
        filters.addWidget(self.pair_filter)
        filters.addWidget(self.text_filter, 1)
        disagreement_page = QWidget()
        column = QVBoxLayout(disagreement_page)
        column.setContentsMargins(0, 6, 0, 0)
        column.addLayout(filters)
        column.addWidget(self.disagreements, 1)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.labels, "Per label")
        self.tabs.addTab(self.documents, "Per document")
        self.tabs.addTab(disagreement_page, "Disagreements")
        self.confusion_pair = QComboBox()
        self.confusion_pair.currentIndexChanged.connect(self._show_confusion)
        self.confusion = read_only_table([], "confusionTable")
        self.confusion.setSelectionMode(QAbstractItemView.NoSelection)
        self.confusion.setSortingEnabled(False)
        self.confusion.setAlternatingRowColors(False)
        self.confusion.horizontalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.confusion.horizontalHeader().setDefaultAlignment(Qt.AlignCenter)
        confusion_page = QWidget()
        column = QVBoxLayout(confusion_page)
        column.setContentsMargins(0, 6, 0, 0)
        note = QLabel("Entity labels, one annotator down, the other across; "
                      f"“{NOTHING}” = the other marked nothing there.")
        note.setStyleSheet("color: palette(placeholder-text);")
        row = QHBoxLayout()
        row.addWidget(self.confusion_pair)
        row.addWidget(note, 1)
        column.addLayout(row)
        column.addWidget(self.confusion, 1)
        self.tabs.addTab(confusion_page, "Confusion")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.setSpacing(10)
        layout.addLayout(chooser)
        layout.addLayout(tiles)
        layout.addWidget(self.scope)
        layout.addWidget(self.pairs)
        layout.addWidget(self.tabs, 1)
        self.resize(1240, 760)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        # owned by the main window (closed with it), yet not kept above it by the window manager
        if self.windowHandle() is not None:
            self.windowHandle().setTransientParent(None)

    # --- computing ---------------------------------------------------------------------------
    def chosen(self) -> list[str]:
        return [name for name, box in self.choices.items() if box.isChecked()]

    def compute(self) -> None:
        """Run `project_agreement` in a worker; the tables fill when it returns."""
        names, include_all = self.chosen(), self.include_all.isChecked()
        if len(names) < 2:
            self.scope.setText("Choose two or more annotators to compare.")
            return
        self.compute_button.setEnabled(False)
        self.worker = run_job(
            self, "Computing agreement", self.project,
            lambda store, progress: project_agreement(store, names, include_all=include_all,
                                                      progress=progress),
            self.show_report, self._failed)
        self.worker.finished.connect(lambda: self.compute_button.setEnabled(True))

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, Cancelled):
            self.scope.setText("Cancelled; press Compute to start again.")
        else:
            self.scope.setText(f"<span style='color:#c0392b'>Could not compute agreement: "
                               f"{escape(str(error) or type(error).__name__)}</span>")

    # --- showing -----------------------------------------------------------------------------
    def show_report(self, report: dict) -> None:
        self.report = report
        notes = [report["selection"]]
        if report["tokenisation"]["regex"]:
            notes.append(report["tokenisation"]["note"])
        documents = report["documents"]
        self.scope.setText(
            f"<b>{documents}</b> document{'' if documents == 1 else 's'} compared between "
            f"<b>{escape(', '.join(report['annotators']))}</b> ({escape('; '.join(notes))}). "
            "κ and α are "
            "token level; figures are means over annotator pairs where several are compared."
            + ("" if documents else " <b>Nothing to compare yet</b>: tick “Include documents "
               "not marked done” or mark documents done."))
        summary = {**report["summary"], "fleiss_kappa": report["fleiss_kappa"],
                   "krippendorff_alpha": report["krippendorff_alpha"]}
        why = {**(report["summary"].get("not_defined") or {}),
               **(report.get("not_defined") or {})}
        for key, tile in self.tiles.items():
            tile.show_value(summary.get(key), why.get(key), self.dark)
        self._show_pairs(report["pairs"])
        self._show_labels(report["pairs"])
        self._show_documents(report["per_document"])
        self.pair_filter.blockSignals(True)
        self.pair_filter.clear()
        self.pair_filter.addItem("All annotator pairs", None)
        for p in report["pairs"]:
            self.pair_filter.addItem(f"{p['a']} · {p['b']}", (p["a"], p["b"]))
        self.pair_filter.blockSignals(False)
        single = report["pairs"][0] if len(report["pairs"]) == 1 else {"a": "A", "b": "B"}
        for column, who in ((4, single["a"]), (5, single["b"])):
            self.disagreements.horizontalHeaderItem(column).setText(f"{who} says")
        self._show_disagreements()
        self.confusion_pair.blockSignals(True)
        self.confusion_pair.clear()
        for i, p in enumerate(report["pairs"]):
            self.confusion_pair.addItem(f"{p['a']} (down) · {p['b']} (across)", i)
        self.confusion_pair.blockSignals(False)
        self._show_confusion()
        self.save_button.setEnabled(True)
        self.tabs.setTabText(2, f"Disagreements ({len(report['disagreements']):,})")

    def _show_pairs(self, pairs: list[dict]) -> None:
        rows = []
        for p in pairs:
            exact, overlap = p["span_f1"]["exact"], p["span_f1"]["overlap"]
            rows.append([
                Cell(f"{p['a']} · {p['b']}"), count(p["documents"]),
                figure(exact["micro"], reason(exact, "micro"), dark=self.dark),
                figure(exact["macro"], reason(exact, "macro"), dark=self.dark),
                figure(overlap["micro"], reason(overlap, "micro"), dark=self.dark),
                figure(overlap["macro"], reason(overlap, "macro"), dark=self.dark),
                figure(p["cohen_kappa"], reason(p, "cohen_kappa"), dark=self.dark),
                figure(p["trigger_f1"], reason(p, "trigger_f1"), dark=self.dark),
                figure(p["argument_f1"], reason(p, "argument_f1"), dark=self.dark),
                count(p["disagreements"]),
            ])
        fill(self.pairs, rows)
        visible = min(len(rows), 6)
        self.pairs.setFixedHeight(self.pairs.horizontalHeader().sizeHint().height() + 4
                                  + visible * self.pairs.verticalHeader().defaultSectionSize())

    def _show_labels(self, pairs: list[dict]) -> None:
        rows = []
        for p in pairs:
            for kind, blocks in (("entity", p["span_f1"]), ("event", p["triggers"])):
                for label, exact in blocks["exact"]["per_label"].items():
                    overlap = blocks["overlap"]["per_label"].get(label, {})
                    name = Cell(label)
                    name.setIcon(swatch(self.schema.color(label)))
                    rows.append([
                        name, Cell(kind), Cell(f"{p['a']} · {p['b']}"),
                        count(exact["support"]),
                        figure(exact["p"], reason(exact, "p"), tint=False),
                        figure(exact["r"], reason(exact, "r"), tint=False),
                        figure(exact["f1"], reason(exact, "f1"), dark=self.dark),
                        figure(overlap.get("f1"), reason(overlap, "f1"), dark=self.dark),
                    ])
        fill(self.labels, rows)
        self.labels.setColumnHidden(2, len(pairs) < 2)
        self.labels.sortItems(0)

    def _show_documents(self, documents: list[dict]) -> None:
        rows = []
        for d in documents:
            name = Cell(d["name"])
            name.setData(Qt.UserRole, d["id"])
            rows.append([name, count(d["tokens"])] + [
                figure(d[key], reason(d, key), dark=self.dark)
                for key in ("span_f1_exact", "span_f1_overlap", "cohen_kappa", "trigger_f1",
                            "argument_f1")] + [count(d["disagreements"])])
        fill(self.documents, rows)

    def _show_disagreements(self) -> None:
        if self.report is None:
            return
        pair = self.pair_filter.currentData()
        needle = self.text_filter.text().strip().lower()
        rows = []
        for item in self.report["disagreements"]:
            if pair is not None and (item["a"], item["b"]) != tuple(pair):
                continue
            cells = self._disagreement_row(item)
            if needle and not any(needle in c.text().lower() for c in cells):
                continue
            rows.append(cells)
        fill(self.disagreements, rows)
        self.disagreements.setColumnHidden(1, len(self.report["pairs"]) < 2)

    def _disagreement_row(self, item: dict) -> list[QTableWidgetItem]:
        def side(span: dict | None, who: str) -> Cell:
            if span is None:
                cell = Cell("—")
                cell.setForeground(GREY)
            else:
                cell = Cell(f"{span['label']}  “{short(span['text'], 40)}”")
                cell.setIcon(swatch(self.schema.color(span["label"])))
            cell.setToolTip(plain(f"{who}'s annotation"))
            return cell

        context = item["context"]
        lo = item["start"] - context["start"]
        hi = item["end"] - context["start"]
        snippet = (context["text"][:lo][-28:] + "[" + context["text"][lo:hi] + "]"
                   + context["text"][hi:][:60]).replace("\n", " ")
        document = Cell(item["document"], (item["document"], item["start"]))
        document.setData(Qt.UserRole, (item["doc_id"], item["start"], item["end"]))
        what = DIFFERENCE.get(item["type"], item["type"]).format(a=item["a"], b=item["b"])
        return [document, Cell(f"{item['a']} · {item['b']}"),
                Cell("event" if item["kind"] == "trigger" else "entity"), Cell(what),
                side(item["a_span"], item["a"]), side(item["b_span"], item["b"]),
                _with_tip(Cell(snippet.strip(), (item["document"], item["start"])),
                          " ".join(context["text"].split()))]

    def _show_confusion(self) -> None:
        index = self.confusion_pair.currentData()
        if self.report is None or index is None:
            return
        table = self.report["pairs"][index]["confusion"]
        labels, matrix = table["labels"], table["matrix"]
        self.confusion.clear()
        self.confusion.setRowCount(len(labels))
        self.confusion.setColumnCount(len(labels))
        self.confusion.setHorizontalHeaderLabels(labels)
        self.confusion.setVerticalHeaderLabels(labels)
        self.confusion.verticalHeader().show()
        width = max(84, max(map(len, labels), default=0) * 9)
        for c in range(len(labels)):
            self.confusion.horizontalHeader().resizeSection(c, width)
        largest = max((n for row in matrix for n in row), default=0) or 1
        for r, row in enumerate(matrix):
            for c, n in enumerate(row):
                cell = count(n) if n else Cell("")
                if n:
                    agree = labels[r] == labels[c] and labels[r] != NOTHING
                    shade = heat(1.0 if agree else 0.1, self.dark)
                    shade.setAlpha(int(60 + 160 * n / largest) if not self.dark else 140)
                    cell.setBackground(shade)
                cell.setTextAlignment(Qt.AlignCenter)
                self.confusion.setItem(r, c, cell)

    def save_html(self) -> None:
        """Write the same self-contained page as `annotator agreement --html`."""
        folder = self.folders.start() if self.folders is not None else Path.home()
        path, _ = QFileDialog.getSaveFileName(
            self, "Save agreement report", str(folder / f"{self.project.stem}-agreement.html"),
            "HTML (*.html)")
        if path:
            if self.folders is not None:
                self.folders.chose(path)
            self.write_html(Path(path))

    def write_html(self, path: Path) -> None:
        colours = {label: self.schema.color(label)
                   for label in (*self.schema.entities, *self.schema.events)}
        path.write_text(render_html(self.report, colours=colours), encoding="utf-8")
        self.scope.setText(self.scope.text() + f" Saved the HTML report as {escape(str(path))}.")

    # --- navigation --------------------------------------------------------------------------
    def _disagreement_chosen(self, item: QTableWidgetItem) -> None:
        place = self.disagreements.item(item.row(), 0).data(Qt.UserRole)
        self.locate.emit(*place)

    def _document_chosen(self, item: QTableWidgetItem) -> None:
        doc_id = self.documents.item(item.row(), 0).data(Qt.UserRole)
        self.locate.emit(doc_id, -1, -1)


def _with_tip(cell: Cell, tip: str) -> Cell:
    cell.setToolTip(plain(tip))
    return cell
