"""File → Pre-annotate Documents…: spaCy and the trigger rules suggest entities and events for
every document not analysed yet, in a worker thread with progress and Cancel.

spaCy takes seconds to import, so it is imported when the job first runs: the window opens at
once.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from annotator.errors import Cancelled
from annotator.gui.context import WindowContext
from annotator.store import Store


class PreannotateCommand:
    def __init__(self, ctx: WindowContext):
        self.ctx = ctx
        self.then: Callable[[], object] | None = None
        self.action = ctx.add_action("&Pre-annotate Documents…", self.run, ("Ctrl+Shift+P",),
                                     section="file/data")
        ctx.commands["preannotate"] = lambda: self.run()

    def run(self, then: Callable[[], object] | None = None) -> None:
        """Pre-annotate in the background; `then` runs once it has succeeded (the first run
        opens the document the suggestions make most worth labelling)."""
        from annotator.nlp.loading import project_pipeline
        from annotator.nlp.preannotate import preannotate

        def work(store: Store, progress) -> list[str]:
            pipeline = project_pipeline(store)
            report = preannotate(store, pipeline, progress=progress)
            lines = [f"{'Stopped: ' if report.cancelled else ''}pre-annotated "
                     f"{report.documents} documents with {report.model} ({report.skipped} "
                     f"already done): {sum(report.entities.values())} entities, "
                     f"{sum(report.triggers.values())} event triggers, "
                     f"{sum(report.arguments.values())} arguments"]
            return lines + [f"warning: {w}" for w in report.warnings]

        self.then = then
        self.ctx.run_job("Pre-annotating", work, self._succeeded, self._failed)

    def _succeeded(self, lines: list[str]) -> None:
        self.ctx.reload()
        if self.then is not None:
            self.then()
        self.ctx.status("; ".join(lines[:2]), 15000)
        if any(line.startswith("warning") for line in lines):
            self._tell(QMessageBox.Information, "\n".join(lines))

    def _failed(self, error: BaseException) -> None:
        self.ctx.reload()
        if isinstance(error, Cancelled):
            self.ctx.status("Pre-annotation stopped", 8000)
            return
        self._tell(QMessageBox.Warning, str(error) or type(error).__name__)

    def _tell(self, icon: QMessageBox.Icon, text: str) -> None:
        """A message about data (file names, labels): shown as plain text, never as HTML."""
        box = QMessageBox(icon, "Pre-annotate", text, QMessageBox.Ok, self.ctx.parent)
        box.setTextFormat(Qt.PlainText)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.open()


def install(ctx: WindowContext) -> PreannotateCommand:
    return PreannotateCommand(ctx)
