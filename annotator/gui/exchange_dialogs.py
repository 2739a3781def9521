"""File → Import… and File → Export…: training data in and out through the formats core.

The dialogs only gather what `annotator import` / `annotator export` take as options; the work
is `import_files` / `export_project`, run by `workers.run_job` in a thread with a progress
dialog and Cancel. The outcome is shown the same way for every long file job here and in
`team_dialogs`: the report's summary lines (warnings such as the spans CoNLL cannot hold stand
out), or the error with its file and line, and the reminder that nothing was written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from annotator.errors import Cancelled, InputError
from annotator.gui.cells import place_over, plain
from annotator.gui.folders import Folders
from annotator.gui.workers import Work, Worker
from annotator.model import GOLD
from annotator.schema import Schema
from annotator.store import Store

if TYPE_CHECKING:
    from annotator.gui.context import WindowContext

WARNING = "warning: "


class Outcome(QDialog):
    """The end of a file job: what it did (warnings in amber), or why it did nothing."""

    def __init__(self, title: str, heading: str, lines: Sequence[str], parent: QWidget, *,
                 failed: bool = False):
        super().__init__(parent)
        self.setObjectName("outcomeDialog")
        self.setWindowTitle(title)
        self.summary = "\n".join([heading, *lines])
        icon = QLabel()
        standard = QStyle.SP_MessageBoxCritical if failed else (
            QStyle.SP_MessageBoxWarning if any(x.startswith(WARNING) for x in lines)
            else QStyle.SP_MessageBoxInformation)
        icon.setPixmap(self.style().standardIcon(standard).pixmap(40, 40))
        icon.setAlignment(Qt.AlignTop)
        self.heading = QLabel(f"<b style='font-size:12pt'>{escape(heading)}</b>")
        self.body = QLabel(_lines_html(lines))
        self.body.setObjectName("outcomeBody")
        self.body.setTextFormat(Qt.RichText)
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.body.setMinimumWidth(520)
        text = QVBoxLayout()
        text.addWidget(self.heading)
        text.addWidget(self.body, 1)
        row = QHBoxLayout()
        row.addWidget(icon)
        row.addSpacing(8)
        row.addLayout(text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addLayout(row, 1)
        layout.addWidget(buttons)


def _lines_html(lines: Sequence[str]) -> str:
    out = []
    for line in lines:
        if line.startswith(WARNING):
            out.append(f"<p style='color:#b86e00'>⚠ {escape(line[len(WARNING):])}</p>")
        else:
            out.append(f"<p>{escape(line)}</p>")
    return "".join(out)


def error_lines(error: BaseException) -> list[str]:
    """A job's failure split into where (file, line) and what, for people to read."""
    if isinstance(error, InputError) and error.path is not None and Path(str(error.path)).name:
        where = f"File: {error.path}" + (f", line {error.line}" if error.line else "")
        return [where, error.message]
    return [str(error) or type(error).__name__]


def run_file_job(ctx: WindowContext, title: str, work: Work, done: Callable[[Any], None],
                 nothing_written: str) -> Worker:
    """Run `work` behind a progress dialog; cancel and failure say that `nothing_written`."""
    def failed(error: BaseException) -> None:
        if isinstance(error, Cancelled):
            ctx.status(f"{title} cancelled: {nothing_written}", 8000)
            return
        show(ctx.parent, Outcome(title, f"{title} failed: {nothing_written}",
                                 error_lines(error), ctx.parent, failed=True))

    return ctx.run_job(f"{title}…", work, done, failed)


def show(window: QWidget, dialog: QDialog) -> None:
    """Window-modal and non-blocking, so the event loop (and tests) keep running."""
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    dialog.open()


def _layer_choices(store: Store) -> list[tuple[str, str]]:
    """(text, layer) for every annotator and for gold."""
    return [(name, name) for name in store.annotators()] + [("gold (adjudicated)", GOLD)]


# --- import --------------------------------------------------------------------------------
class ImportDialog(QDialog):
    """Files or folders, a format (or detection by name), and the layer annotations go to."""

    def __init__(self, store: Store, parent: QWidget | None = None, *,
                 folders: Folders | None = None):
        from annotator.formats.exchange import IMPORTED
        from annotator.formats.registry import FORMATS, PLAIN_FORMATS

        super().__init__(parent)
        self.setObjectName("importDialog")
        self.folders = folders
        self.setWindowTitle("Import Documents and Annotations")
        self.files = QListWidget()
        self.files.setObjectName("importFiles")
        self.files.setMinimumHeight(140)
        add_files = QPushButton("Add Files…")
        add_files.clicked.connect(self._add_files)
        add_folder = QPushButton("Add Folder…")
        add_folder.clicked.connect(self._add_folder)
        remove = QPushButton("Remove")
        remove.clicked.connect(lambda: [self.files.takeItem(self.files.row(i))
                                        for i in self.files.selectedItems()])
        file_buttons = QVBoxLayout()
        for button in (add_files, add_folder, remove):
            file_buttons.addWidget(button)
        file_buttons.addStretch(1)
        file_row = QHBoxLayout()
        file_row.addWidget(self.files, 1)
        file_row.addLayout(file_buttons)

        self.format = QComboBox()
        self.format.setObjectName("importFormat")
        self.format.addItem("Detect from the file names", "auto")
        for name, fmt in {**PLAIN_FORMATS, **FORMATS}.items():
            self.format.addItem(f"{name} — {fmt.description}", name)
        self.layer = QComboBox()
        self.layer.setObjectName("importLayer")
        self.layer.setEditable(True)
        self.layer.addItem(f"as the file names it, else “{IMPORTED}”", "")
        for text, layer in _layer_choices(store):
            self.layer.addItem(text, layer)
        self.layer.setToolTip("The layer imported annotations go to; type a new name for a "
                              "new annotator")
        form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("Annotations to", self.layer)
        note = QLabel("All or nothing: a bad file stops the import with its name and line, and "
                      "nothing is added. Texts already in the project receive the annotations.")
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(placeholder-text);")

        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.files.model().rowsInserted.connect(self._update)
        self.files.model().rowsRemoved.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Files and folders</b>"))
        layout.addLayout(file_row)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self.resize(680, 420)
        self._update()

    def add_paths(self, paths: Sequence[str | Path]) -> None:
        known = set(map(str, self.paths()))
        for path in paths:
            if str(path) not in known:
                self.files.addItem(str(path))

    def _add_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Import files", self._start(), "Corpora (*.txt *.jsonl *.json *.spacy *.conll "
            "*.iob *.bio *.bilou *.ann);;All files (*)")
        self.add_paths(paths)
        if paths and self.folders is not None:
            self.folders.chose(paths[0])

    def _add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a folder (text files, or a brat "
                                                  "collection)", self._start())
        if folder:
            self.add_paths([folder])
            if self.folders is not None:
                self.folders.chose(folder)

    def _start(self) -> str:
        return str(self.folders.start()) if self.folders is not None else ""

    def _update(self) -> None:
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(self.files.count() > 0)

    def paths(self) -> list[Path]:
        return [Path(self.files.item(i).text()) for i in range(self.files.count())]

    def chosen_format(self) -> str:
        return self.format.currentData()

    def annotator(self) -> str | None:
        """The layer named (None: as the file says); typed text wins over the list."""
        text = self.layer.currentText().strip()
        index = self.layer.findText(text)
        if index >= 0:
            return self.layer.itemData(index) or None
        return text or None


def import_dialog(ctx: WindowContext, paths: Sequence[str | Path] = ()) -> ImportDialog:
    """Ask what to import, then import it in the background; returns the (open) dialog."""
    dialog = ImportDialog(ctx.store, ctx.parent, folders=Folders(ctx.settings))
    dialog.add_paths(paths)
    dialog.accepted.connect(lambda: start_import(ctx, dialog.paths(),
                                                 dialog.chosen_format(), dialog.annotator()))
    place_over(dialog, ctx.article)
    show(ctx.parent, dialog)
    return dialog


def start_import(ctx: WindowContext, paths: list[Path], fmt: str, annotator: str | None) -> None:
    from annotator.formats import import_files

    def done(report) -> None:
        lines = report.summary
        if report.labels_added:
            # the worker's connection wrote the wider schema; this window's store reads it anew
            store = ctx.store
            store.set_schema(Schema.from_json(store.get_setting("schema")))
            lines.append("the new labels are drawn in their colours now; their keys and menu "
                          "entries appear when the project is opened again")
        ctx.reload()
        show(ctx.parent, Outcome("Import", "Import finished", lines, ctx.parent))

    run_file_job(ctx, "Import",
                 lambda store, progress: import_files(store, paths, fmt, annotator=annotator,
                                                      progress=progress),
                 done, "nothing was imported")


# --- export --------------------------------------------------------------------------------
class ExportDialog(QDialog):
    """Format, layer (an annotator or gold), which documents, where, and a train/dev split."""

    def __init__(self, store: Store, layer: str | None = None, parent: QWidget | None = None,
                 *, folder: Path | None = None):
        from annotator.formats.exchange import SCHEMES
        from annotator.formats.registry import FORMATS

        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.formats = FORMATS
        self.setWindowTitle("Export Training Data")
        self.store = store
        #: where the output goes unless the user says otherwise (not the project's folder:
        #: the sample project's is hidden)
        self.folder = folder or Path.home()
        self._typed_output = False

        self.format = QComboBox()
        self.format.setObjectName("exportFormat")
        for name, fmt in FORMATS.items():
            self.format.addItem(f"{name} — {fmt.description}", name)
        self.layer = QComboBox()
        self.layer.setObjectName("exportLayer")
        for text, name in _layer_choices(store):
            self.layer.addItem(text, name)
        if layer is not None and self.layer.findData(layer) >= 0:
            self.layer.setCurrentIndex(self.layer.findData(layer))
        self.status = QComboBox()
        self.status.setObjectName("exportStatus")
        self.status.addItem("Documents marked done", "done")
        self.status.addItem("Every document worked on", "any")
        self.selected = QLabel()
        self.selected.setObjectName("exportCount")
        self.scheme = QComboBox()
        self.scheme.addItems(list(SCHEMES))
        self.scheme_label = QLabel("CoNLL tags")
        self.dialect = QComboBox()
        self.dialect.setObjectName("exportDialect")
        self.dialect.addItem("CoNLL-2003: spaCy, seqeval", "conll2003")
        self.dialect.addItem("doccano (tabs, no -DOCSTART-)", "doccano")
        self.dialect_label = QLabel("CoNLL layout")

        self.split = QGroupBox("Split into train and dev parts")
        self.split.setObjectName("exportSplit")
        self.split.setCheckable(True)
        self.split.setChecked(False)
        self.dev_fraction = QDoubleSpinBox()
        self.dev_fraction.setRange(0.05, 0.95)
        self.dev_fraction.setSingleStep(0.05)
        self.dev_fraction.setValue(0.2)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        split_form = QFormLayout(self.split)
        split_form.addRow("Dev fraction", self.dev_fraction)
        split_form.addRow("Seed", self.seed)
        self.split_note = QLabel()
        self.split_note.setWordWrap(True)
        split_form.addRow(self.split_note)

        self.output = QLineEdit()
        self.output.setObjectName("exportOutput")
        self.output.textEdited.connect(self._output_typed)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        output_row = QHBoxLayout()
        output_row.addWidget(self.output, 1)
        output_row.addWidget(browse)

        form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("Layer", self.layer)
        form.addRow("Documents", self.status)
        form.addRow("", self.selected)
        form.addRow(self.scheme_label, self.scheme)
        form.addRow(self.dialect_label, self.dialect)
        form.addRow("Write to", output_row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText("Export")
        self.buttons.accepted.connect(self._confirm)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addLayout(form)
        layout.addWidget(self.split)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        for signal in (self.format.currentIndexChanged, self.layer.currentIndexChanged,
                       self.status.currentIndexChanged):
            signal.connect(self._update)
        self.split.toggled.connect(self._update)
        self.resize(680, 380)
        self._update()

    # --- choices -----------------------------------------------------------------------------
    def chosen_format(self) -> str:
        return self.format.currentData()

    def chosen_layer(self) -> str:
        return self.layer.currentData()

    def chosen_status(self) -> str:
        return self.status.currentData()

    def chosen_split(self) -> float | None:
        return round(self.dev_fraction.value(), 4) if self.split.isChecked() else None

    def writes_folder(self) -> bool:
        return self.formats[self.chosen_format()].writes_folder or self.split.isChecked()

    def default_output(self) -> Path:
        fmt = self.formats[self.chosen_format()]
        stem = f"{self.store.path.stem}-{self.chosen_layer()}"
        if self.writes_folder():
            return self.folder / f"{stem}-{fmt.name}"
        return self.folder / f"{stem}{fmt.suffix}"

    def _output_typed(self) -> None:
        self._typed_output = bool(self.output.text().strip())

    def _update(self) -> None:
        from annotator.formats.exchange import select_documents

        if not self._typed_output:
            self.output.setText(str(self.default_output()))
        n = len(select_documents(self.store, self.chosen_layer(), self.chosen_status()))
        self.selected.setText(f"{n} document{'' if n == 1 else 's'} will be exported"
                              if n else "<span style='color:#b86e00'>no document matches: "
                              "choose “Every document worked on” or mark documents done</span>")
        conll = self.chosen_format() == "conll"
        for widget in (self.scheme, self.scheme_label, self.dialect, self.dialect_label):
            widget.setVisible(conll)
        spacy = self.chosen_format() == "spacy"
        self.split_note.setText("Writes train and dev parts into the folder" +
                                (", with a config.cfg for `python -m spacy train`." if spacy
                                 else "."))
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(n > 0)

    def _browse(self) -> None:
        if self.writes_folder():
            path = QFileDialog.getExistingDirectory(self, "Export into folder",
                                                    str(Path(self.output.text()).parent))
        else:
            fmt = self.formats[self.chosen_format()]
            path, _ = QFileDialog.getSaveFileName(self, "Export to file", self.output.text(),
                                                  f"{fmt.name} (*{fmt.suffix});;All files (*)")
        if path:
            self.output.setText(path)
            self._typed_output = True

    def _confirm(self) -> None:
        output = Path(self.output.text().strip())
        if not self.output.text().strip():
            return
        if output.exists() and QMessageBox.question(
                self, "Replace?", plain(f"{output} exists. Replace it with this export?"),
                QMessageBox.Yes | QMessageBox.No, QMessageBox.No) != QMessageBox.Yes:
            return
        self.accept()

    def run(self, ctx: WindowContext) -> None:
        from annotator.formats import export_project

        fmt, output, layer = self.chosen_format(), Path(self.output.text().strip()), \
            self.chosen_layer()
        status, split, seed = self.chosen_status(), self.chosen_split(), self.seed.value()
        scheme, dialect = self.scheme.currentText(), self.dialect.currentData()

        def done(report) -> None:
            show(ctx.parent, Outcome("Export", "Export finished", report.summary, ctx.parent))

        run_file_job(ctx, "Export",
                     lambda store, progress: export_project(
                         store, fmt, output, layer=layer, status=status, split=split,
                         seed=seed, scheme=scheme, dialect=dialect, progress=progress),
                     done, "nothing was written")


def export_dialog(ctx: WindowContext) -> ExportDialog:
    """Ask what to export (the layer on screen preselected), then export in the background."""
    folders = Folders(ctx.settings)
    dialog = ExportDialog(ctx.store, ctx.session.annotator, ctx.parent, folder=folders.start())
    dialog.accepted.connect(lambda: folders.chose(Path(dialog.output.text().strip()).parent))
    dialog.accepted.connect(lambda: dialog.run(ctx))
    place_over(dialog, ctx.article)
    show(ctx.parent, dialog)
    return dialog
