"""File → Split for Annotators… and Merge Annotator Files…: the team workflow across desktops.

Both call `annotator.teamwork` (as `annotator split` / `annotator merge` do) in a worker thread
with progress and Cancel. A merge that refuses a file (a document whose text is not in this
project) says which file and which document, and changes nothing.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotator.gui.exchange_dialogs import Outcome, run_file_job, show
from annotator.gui.folders import Folders
from annotator.model import RESERVED_LAYERS
from annotator.store import Store
from annotator.teamwork import assign_documents, merge_projects, split_project

if TYPE_CHECKING:
    from annotator.gui.context import WindowContext


def names(text: str) -> list[str]:
    return [name.strip() for name in re.split(r"[,;\n]", text) if name.strip()]


class SplitDialog(QDialog):
    """Who gets a file, how much everyone shares, and where the files go; with a preview."""

    def __init__(self, store: Store, parent: QWidget | None = None, *,
                 folder: Path | None = None):
        super().__init__(parent)
        self.setObjectName("splitDialog")
        self.setWindowTitle("Split for Annotators")
        self.store = store
        self.documents = store.document_ids()
        self.annotators = QLineEdit(", ".join(store.annotators()))
        self.annotators.setObjectName("splitAnnotators")
        self.annotators.setPlaceholderText("alice, bob, carol")
        self.overlap = QSpinBox()
        self.overlap.setObjectName("splitOverlap")
        self.overlap.setRange(0, 100)
        self.overlap.setValue(20)
        self.overlap.setSuffix(" %")
        self.overlap.setToolTip("Share of the documents every annotator gets, so agreement can "
                                "be measured on them")
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.output = QLineEdit(str((folder or Path.home()) / f"{store.path.stem}-split"))
        self.output.setObjectName("splitOutput")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        output_row = QHBoxLayout()
        output_row.addWidget(self.output, 1)
        output_row.addWidget(browse)
        self.preview = QLabel()
        self.preview.setObjectName("splitPreview")
        self.preview.setTextFormat(Qt.RichText)
        self.preview.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Annotators", self.annotators)
        form.addRow("Shared by everyone", self.overlap)
        form.addRow("Shuffle seed", self.seed)
        form.addRow("Output folder", output_row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText("Split")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addLayout(form)
        layout.addWidget(self.preview)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        for signal in (self.annotators.textChanged, self.overlap.valueChanged,
                       self.seed.valueChanged):
            signal.connect(self._update)
        self.resize(620, 260)
        self._update()

    def chosen(self) -> list[str]:
        return names(self.annotators.text())

    def _update(self) -> None:
        chosen = self.chosen()
        problem = ("name at least one annotator" if not chosen
                   else "a name appears twice" if len(set(chosen)) != len(chosen)
                   else f"“{next(n for n in chosen if n in RESERVED_LAYERS)}” is a reserved "
                        "layer, not an annotator" if any(n in RESERVED_LAYERS for n in chosen)
                   else None)
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(problem is None)
        if problem is not None:
            self.preview.setText(f"<span style='color:#b86e00'>{escape(problem)}</span>")
            return
        shared, shares = assign_documents(self.documents, chosen, self.overlap.value() / 100,
                                          self.seed.value())
        each = ", ".join(f"{name} {len(ids)}" for name, ids in shares.items())
        self.preview.setText(f"{len(self.documents)} documents: {len(shared)} shared by "
                             f"everyone; per annotator: {escape(each)}. Each file holds the "
                             "schema, tokens, suggestions and the annotator's own work so far.")

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder for the annotators' files",
                                                  self.output.text())
        if folder:
            self.output.setText(folder)


def split_dialog(ctx: WindowContext) -> SplitDialog:
    folders = Folders(ctx.settings)
    dialog = SplitDialog(ctx.store, ctx.parent, folder=folders.start())

    def start() -> None:
        chosen, overlap = dialog.chosen(), dialog.overlap.value() / 100
        output, seed = Path(dialog.output.text().strip()), dialog.seed.value()
        folders.chose(output.parent)

        def done(report) -> None:
            lines = [f"{len(report.overlap)} documents shared by everyone"] + [
                f"{name}: {len(report.documents[name])} documents → {path}"
                for name, path in report.files.items()]
            show(ctx.parent, Outcome("Split", "Project split for annotators", lines, ctx.parent))

        run_file_job(ctx, "Split",
                     lambda store, progress: split_project(store, chosen, overlap, output, seed,
                                                           progress=progress),
                     done, "no file was written")

    dialog.accepted.connect(start)
    show(ctx.parent, dialog)
    return dialog


def merge_files(ctx: WindowContext, files: list[Path]) -> None:
    """Bring the annotators' layers in `files` back into the open project."""
    def done(merged) -> None:
        ctx.reload()
        lines = [f"{item.path.name}: {', '.join(item.layers) or 'no annotator layer'} on "
                 f"{item.documents} documents ({item.spans} spans)" for item in merged]
        show(ctx.parent, Outcome("Merge", "Annotator files merged", lines, ctx.parent))

    run_file_job(ctx, "Merge",
                 lambda store, progress: merge_projects(store, files, progress=progress),
                 done, "the project is unchanged")


def merge_dialog(ctx: WindowContext) -> None:
    folders = Folders(ctx.settings)
    paths, _ = QFileDialog.getOpenFileNames(
        ctx.parent, "Merge annotator files", str(folders.start()),
        "Annotator projects (*.db *.sqlite);;All files (*)")
    if paths:
        folders.chose(paths[0])
        merge_files(ctx, [Path(p) for p in paths])
