"""Annotate → Train Model…, Project Lexicon…, Open Most Informative Document.

Training runs in a child process (spaCy's training loop cannot be stopped from a thread): a
dialog shows the step, the losses and the dev scores as they come, and Cancel ends the process
(nothing is saved or registered then). When it finishes, the new model's scores on its
held-out documents are shown beside the current model's, and the user chooses whether to
suggest with it from now on (re-running pre-annotation then replaces only undecided
suggestions). The lexicon dialog lists what the project lexicon learned, with its evidence,
and removes, adds and clears entries.
"""

from __future__ import annotations

import multiprocessing
import queue
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from annotator.errors import Cancelled
from annotator.gui.context import WindowContext
from annotator.gui.workers import ProcessWorker
from annotator.model import GOLD

#: the choice that means "no project model": the stock pipeline pre-annotation finds
STOCK_CHOICE = "stock (en_core_web_sm)"


def _plain(label: QLabel) -> QLabel:
    label.setTextFormat(Qt.PlainText)
    return label


def _show(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


class TrainOptionsDialog(QDialog):
    """Which layer to learn from, the base pipeline and how many steps."""

    def __init__(self, ctx: WindowContext, layers: list[str]):
        super().__init__(ctx.parent)
        self.setWindowTitle("Train Model")
        form = QFormLayout(self)
        self.source = QComboBox()
        self.source.addItems(layers)
        self.base = QComboBox()
        self.base.addItems(["en_core_web_sm", "blank"])
        self.steps = QSpinBox()
        self.steps.setRange(1, 100000)
        self.steps.setValue(400)
        self.dev = QSpinBox()
        self.dev.setRange(0, 90)
        self.dev.setValue(20)
        self.dev.setSuffix(" % held out")
        form.addRow("Learn from layer", self.source)
        form.addRow("Start from", self.base)
        form.addRow("Steps", self.steps)
        form.addRow("Dev split", self.dev)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Train")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class TrainingDialog(QDialog):
    """Step, losses and dev scores of a training run in a child process; Cancel ends it."""

    def __init__(self, ctx: WindowContext, worker: ProcessWorker, details, total: int):
        super().__init__(ctx.parent)
        self.setWindowTitle("Training")
        self.setMinimumWidth(520)
        self.worker, self.details = worker, details
        layout = QVBoxLayout(self)
        self.phase = _plain(QLabel("Starting…"))
        self.bar = QProgressBar()
        self.bar.setRange(0, total)
        self.loss = _plain(QLabel(""))
        self.dev = _plain(QLabel("dev scores: at the end"))
        self.dev.setWordWrap(True)
        for widget in (self.phase, self.bar, self.loss, self.dev):
            layout.addWidget(widget)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self._cancel)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        self.timer = QTimer(self)
        self.timer.setInterval(100)
        self.timer.timeout.connect(self._poll)
        self.timer.start()
        worker.finished.connect(self._finished)

    def _cancel(self) -> None:
        self.cancel_button.setEnabled(False)
        self.phase.setText("Cancelling: ending the training process…")
        self.worker.cancel()

    def reject(self) -> None:  # Escape or closing the window cancels too
        if self.worker.isRunning():
            self._cancel()
        else:
            super().reject()

    def _poll(self) -> None:
        while True:
            try:
                state = self.details.get_nowait()
            except (queue.Empty, OSError, ValueError):
                return
            self.show_state(state)

    def show_state(self, state) -> None:
        self.bar.setValue(min(state.step, self.bar.maximum()))
        self.phase.setText(f"{state.phase.capitalize()}: step {state.step:,} of "
                           f"{state.total:,} ({state.seconds:.0f} s)")
        if state.losses:
            self.loss.setText("loss: " + ", ".join(
                f"{name} {value:,.1f}" for name, value in sorted(state.losses.items())))
        if state.dev:
            self.dev.setText(
                f"dev at step {state.step}: entity F1 {_show(state.dev['entity_f1_exact'])} "
                f"exact / {_show(state.dev['entity_f1_overlap'])} overlap, trigger F1 "
                f"{_show(state.dev['trigger_f1'])}, argument F1 "
                f"{_show(state.dev['argument_f1'])}")

    def _finished(self) -> None:
        self._poll()
        self.timer.stop()
        self.accept()


class ComparisonDialog(QDialog):
    """The new model beside the current one on its held-out documents; Use or Keep."""

    ROWS = (("entity F1 exact", "entity_f1_exact"), ("entity F1 overlap", "entity_f1_overlap"),
            ("entity recall exact", "entity_recall_exact"), ("trigger F1", "trigger_f1"),
            ("argument F1", "argument_f1"))

    def __init__(self, ctx: WindowContext, result: dict):
        super().__init__(ctx.parent)
        model, comparison = result["model"], result["comparison"]
        self.setWindowTitle("New model")
        layout = QVBoxLayout(self)
        layout.addWidget(_plain(QLabel(
            f"{model.name}: learned from {model.trained_from!r} on "
            f"{len(model.train_documents)} documents, {model.steps} steps in "
            f"{model.seconds:.0f} s.")))
        self.table = QTableWidget()
        if comparison:
            names = list(comparison["models"])
            layout.addWidget(_plain(QLabel(
                f"Scores on the {len(comparison['documents'])} held-out documents, against "
                f"{comparison['against']!r}:")))
            self.table.setColumnCount(len(names))
            self.table.setHorizontalHeaderLabels(
                [f"{n} (new)" if n == model.name else f"{n} (current)" for n in names])
            self.table.setRowCount(len(self.ROWS))
            self.table.setVerticalHeaderLabels([label for label, _ in self.ROWS])
            for row, (_, key) in enumerate(self.ROWS):
                for column, name in enumerate(names):
                    value = comparison["models"][name]["summary"][key]
                    item = QTableWidgetItem(_show(value))
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                    self.table.setItem(row, column, item)
            self.table.resizeColumnsToContents()
            layout.addWidget(self.table)
        else:
            layout.addWidget(_plain(QLabel("No held-out documents: nothing to compare on.")))
        buttons = QDialogButtonBox()
        self.use = buttons.addButton("Suggest with the new model", QDialogButtonBox.AcceptRole)
        buttons.addButton("Keep the current model", QDialogButtonBox.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class LexiconDialog(QDialog):
    """What the project lexicon learned: phrase, label, score, evidence; remove, add, clear."""

    def __init__(self, ctx: WindowContext):
        super().__init__(ctx.parent)
        self.ctx = ctx
        self.setWindowTitle("Project Lexicon")
        self.resize(760, 480)
        layout = QVBoxLayout(self)
        self.summary = _plain(QLabel(""))
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["Phrase", "Suggested as", "Score", "Evidence",
                                              "Silenced"])
        self.table.setSelectionBehavior(QTableWidget.SelectRows)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table)
        add_row = QHBoxLayout()
        self.phrase = QLineEdit()
        self.phrase.setPlaceholderText("phrase")
        self.label = QComboBox()
        self.label.addItems(list(ctx.store.schema.entities))
        add = QPushButton("Add")
        add.clicked.connect(self._add)
        remove = QPushButton("Remove Selected")
        remove.clicked.connect(self._remove)
        clear = QPushButton("Clear All…")
        clear.clicked.connect(self._clear)
        for widget in (self.phrase, self.label, add, remove, clear):
            add_row.addWidget(widget)
        layout.addLayout(add_row)
        close = QDialogButtonBox(QDialogButtonBox.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.refresh()

    def refresh(self) -> None:
        from annotator import lexicon

        found = sorted(lexicon.entries(self.ctx.store).values(),
                       key=lambda e: (e.label is None, -e.score, e.phrase))
        self.table.setRowCount(len(found))
        for row, entry in enumerate(found):
            cells = (entry.phrase, entry.label or "–", f"{entry.score:g}", entry.split,
                     ", ".join(sorted(entry.silenced())))
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        suggested = sum(1 for e in found if e.label)
        self.summary.setText(f"{len(found)} phrases, {suggested} suggested wherever they "
                             "recur (in the next document opened)")

    def _changed(self) -> None:
        from annotator import lexicon

        doc_id = self.ctx.session.doc_id
        if doc_id is not None:
            lexicon.refresh(self.ctx.store, [doc_id])
        self.refresh()
        self.ctx.reload()

    def _add(self) -> None:
        from annotator import lexicon

        try:
            lexicon.add(self.ctx.store, self.phrase.text(), self.label.currentText())
        except ValueError as exc:
            QMessageBox.warning(self, "Project Lexicon", str(exc))
            return
        self.phrase.clear()
        self._changed()

    def _remove(self) -> None:
        from annotator import lexicon

        rows = sorted({index.row() for index in self.table.selectedIndexes()})
        for row in rows:
            lexicon.remove(self.ctx.store, self.table.item(row, 0).text())
        if rows:
            self._changed()

    def _clear(self) -> None:
        from annotator import lexicon

        answer = QMessageBox.question(self, "Project Lexicon",
                                      "Forget every phrase the lexicon learned?")
        if answer == QMessageBox.Yes:
            lexicon.clear(self.ctx.store)
            self._changed()


class ModelLoop:
    def __init__(self, ctx: WindowContext):
        self.ctx = ctx
        self.dialog: TrainingDialog | None = None
        self.worker: ProcessWorker | None = None
        ctx.menus["annotate"].addSeparator()
        self.train_action = ctx.add_action("&Train Model…", self.train, menu="annotate",
                                           tip="Train NER and event triggers on this "
                                               "project's annotations")
        self.model_action = ctx.add_action("Suggestion &Model…", self.choose_model,
                                           menu="annotate",
                                           tip="Which model pre-annotation suggests with: the "
                                               "stock one or one trained on this project")
        self.lexicon_action = ctx.add_action("Project &Lexicon…", self.show_lexicon,
                                             menu="annotate")
        self.threshold_action = ctx.add_action("&Hide Unsure Suggestions…", self.ask_threshold,
                                               menu="annotate",
                                               tip="Hide suggestions whose probability is "
                                                   "below a threshold")
        saved = ctx.settings.value("modelloop/min_score", 0.0)
        ctx.session.set_min_score(float(saved or 0.0))
        self.next_action = ctx.add_action("Open &Most Informative Document", self.next_document,
                                          ("Ctrl+Alt+N",), menu="annotate",
                                          tip="The to-do document whose suggestions are least "
                                              "sure or disagree most")

    # --- training ------------------------------------------------------------------------
    def layers(self) -> list[str]:
        store = self.ctx.store
        found = [GOLD] if store.annotated_ids(GOLD) else []
        return found + [a for a in store.annotators() if store.annotated_ids(a)]

    def train(self) -> None:
        layers = self.layers()
        if not layers:
            QMessageBox.information(self.ctx.parent, "Train Model",
                                    "Nothing to learn from yet: accept or add annotations in "
                                    "at least two documents first.")
            return
        options_dialog = TrainOptionsDialog(self.ctx, layers)
        if self.ctx.session.annotator in layers and GOLD not in layers:
            options_dialog.source.setCurrentText(self.ctx.session.annotator)
        if options_dialog.exec() != QDialog.Accepted:
            return
        self.start(options_dialog.source.currentText(), options_dialog.base.currentText(),
                   options_dialog.steps.value(), options_dialog.dev.value() / 100)

    def start(self, source: str, base: str, steps: int, dev_fraction: float) -> None:
        """Run the training job in a child process behind the training dialog."""
        from annotator.nlp.training import TrainingOptions, train_and_compare

        options = TrainingOptions(source=source, base=base, max_steps=steps,
                                  dev_fraction=dev_fraction)
        details = multiprocessing.get_context("spawn").Queue()
        self.worker = ProcessWorker(train_and_compare, (Path(self.ctx.store_path), options,
                                                        details), self.ctx.parent)
        self.dialog = TrainingDialog(self.ctx, self.worker, details, steps)
        self.worker.succeeded.connect(self._trained)
        self.worker.failed.connect(self._failed)
        self.dialog.show()
        self.worker.start()

    def _trained(self, result: dict) -> None:
        if self.dialog is not None:
            self.dialog.timer.stop()
            self.dialog.accept()
        self.ctx.reload()
        model = result["model"]
        comparison = ComparisonDialog(self.ctx, result)
        if comparison.exec() == QDialog.Accepted:
            self.use_model(model.name)
        else:
            self.ctx.status(f"Model {model.name} registered; suggestions unchanged", 8000)

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, (Cancelled, KeyboardInterrupt)):
            self.ctx.status("Training cancelled: no model was saved", 8000)
            return
        box = QMessageBox(QMessageBox.Warning, "Train Model", str(error) or
                          type(error).__name__, QMessageBox.Ok, self.ctx.parent)
        box.setTextFormat(Qt.PlainText)
        box.open()

    def model_choices(self) -> list[str]:
        """The stock model first, then the models trained on this project, newest first."""
        from annotator.model_registry import models

        return [STOCK_CHOICE] + [m.name for m in reversed(models(self.ctx.store))]

    def choose_model(self) -> None:
        from annotator.nlp.loading import MODEL_SETTING

        choices = self.model_choices()
        current = self.ctx.store.get_setting(MODEL_SETTING) or STOCK_CHOICE
        chosen, ok = QInputDialog.getItem(
            self.ctx.parent, "Suggestion Model", "Pre-annotate with:", choices,
            choices.index(current) if current in choices else 0, False)
        if ok:
            self.use_model(chosen)

    def use_model(self, name: str) -> None:
        from annotator.nlp.loading import MODEL_SETTING

        self.ctx.store.set_setting(MODEL_SETTING, "" if name == STOCK_CHOICE else name)
        resuggest = self.ctx.commands.get("preannotate")
        if resuggest is None:
            self.ctx.status(f"Suggestions will come from {name}: File → Pre-annotate Documents "
                            "(replaces only undecided suggestions)", 15000)
            return
        # choosing a model is asking for its suggestions: documents it has not analysed get
        # them now, in the background, and only undecided suggestions are replaced
        self.ctx.status(f"Suggestions now come from {name}: re-suggesting the documents it "
                        "has not analysed (decided suggestions stay)", 15000)
        resuggest()

    def ask_threshold(self) -> None:
        value, ok = QInputDialog.getDouble(
            self.ctx.parent, "Hide Unsure Suggestions",
            "Hide suggestions with a probability below (0 shows all):",
            self.ctx.session.min_score, 0.0, 1.0, 2)
        if ok:
            self.set_threshold(value)

    def set_threshold(self, value: float) -> None:
        self.ctx.settings.setValue("modelloop/min_score", value)
        self.ctx.session.set_min_score(value)
        self.ctx.status(f"Hiding suggestions below {value:.2f}" if value else
                        "Showing every suggestion", 5000)

    # --- lexicon and queue ---------------------------------------------------------------
    def show_lexicon(self) -> LexiconDialog:
        dialog = LexiconDialog(self.ctx)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def next_document(self) -> None:
        """The head of the queue, as the document list's informative order shows it: the
        list's background refresh keeps the lexicon's suggestions up to date after each
        finished document, so this does not refresh every document to do on the GUI thread."""
        from annotator.queue import informative_order

        items = informative_order(self.ctx.store, self.ctx.session.annotator, 1,
                                  refresh_lexicon=False)
        if not items:
            self.ctx.status("No document left to start", 5000)
            return
        self.ctx.open_document(items[0].doc_id)
        self.ctx.status(f"{items[0].name}: {items[0].disagreements} lexicon/model "
                        f"disagreements, uncertainty {items[0].uncertainty:.2f}", 8000)


def install(ctx: WindowContext) -> ModelLoop:
    return ModelLoop(ctx)
