"""Find in the document, search the corpus, and label every occurrence of a string at once.

"Annotate all occurrences" never labels blindly: it lists every hit in context, each with a
check box, and only the checked ones become spans, as one undo step.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.gui.session import Session
from annotator.store import Store


def occurrences(text: str, needle: str, *, whole_words: bool = True) -> list[tuple[int, int]]:
    if not needle:
        return []
    pattern = re.escape(needle)
    if whole_words:
        pattern = rf"(?<!\w){pattern}(?!\w)"
    return [m.span() for m in re.finditer(pattern, text, re.IGNORECASE)]


def context(text: str, start: int, end: int, width: int = 50) -> str:
    """A one-line snippet with the hit in bold, for list rows."""
    left = text[max(0, start - width):start].replace("\n", " ")
    right = text[end:end + width].replace("\n", " ")
    return f"…{escape(left)}<b>{escape(text[start:end])}</b>{escape(right)}…"


class FindBar(QWidget):
    """Find in the open document: every hit outlined, Enter/F3 jumps to the next."""

    closed = Signal()

    def __init__(self, session: Session, view, parent: QWidget | None = None):
        super().__init__(parent)
        self.session, self.view = session, view
        self.edit = QLineEdit(placeholderText="Find in document")
        self.edit.setClearButtonEnabled(True)
        self.count = QLabel()
        close = QToolButton(text="✕")
        close.setAutoRaise(True)
        close.clicked.connect(self.close_bar)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.count)
        layout.addWidget(close)
        self.edit.textChanged.connect(self.search)
        self.edit.returnPressed.connect(lambda: self.step(1))
        escape = QAction("Close the Find Bar", self)
        escape.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        escape.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.triggered.connect(self.close_bar)
        self.addAction(escape)
        session.documentOpened.connect(self.search)
        self.hide()

    def open(self, text: str = "") -> None:
        self.show()
        if text:
            self.edit.setText(text)
        self.edit.selectAll()
        self.edit.setFocus()

    def close_bar(self) -> None:
        self.view.find_ranges = []
        self.view.viewport().update()
        self.hide()
        self.view.setFocus()

    def search(self) -> None:
        if self.session.view is None or not self.isVisible():
            return
        hits = occurrences(self.session.view.doc.text, self.edit.text(), whole_words=False)
        self.view.find_ranges = hits
        self.count.setText((f"{len(hits)} found" if hits else "No match")
                           if self.edit.text() else "")
        self.view.viewport().update()

    def step(self, direction: int) -> None:
        """Select the next (or previous) hit after the cursor, wrapping round; "3 of 20"."""
        hits = self.view.find_ranges
        if not hits:
            return
        selection = self.view.selection()
        here = (selection[0] if selection
                else self.view.offsets.to_py(self.view.textCursor().position()))
        starts = [s for s, _ in hits]
        i = bisect_right(starts, here) if direction > 0 else bisect_left(starts, here) - 1
        i %= len(hits)
        self.view.select_text(*hits[i])
        self.count.setText(f"{i + 1} of {len(hits)}")


class CorpusSearch(QDialog):
    """Full-text search over every document (the store's FTS index); a hit opens its document."""

    opened = Signal(int, str)

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("Find in corpus")
        self.resize(640, 420)
        self.edit = QLineEdit(placeholderText="Words to find in every document")
        self.results = QListWidget()
        self.results.setWordWrap(True)
        self.edit.returnPressed.connect(self.search)
        self.results.itemActivated.connect(self._open)
        layout = QVBoxLayout(self)
        layout.addWidget(self.edit)
        layout.addWidget(self.results, 1)

    def search(self) -> None:
        self.results.clear()
        query = self.edit.text().strip()
        if not query:
            return
        hits = self.store.search(query)
        for hit in hits:
            item = QListWidgetItem()
            label = QLabel(f"<b>{escape(hit.name)}</b><br>"
                           f"{escape(hit.snippet).replace('[', '<u>').replace(']', '</u>')}")
            label.setWordWrap(True)
            label.setContentsMargins(6, 4, 6, 4)
            item.setData(Qt.UserRole, hit.doc_id)
            item.setSizeHint(label.sizeHint())
            self.results.addItem(item)
            self.results.setItemWidget(item, label)
        if not hits:
            self.results.addItem("No document contains that.")

    def _open(self, item: QListWidgetItem) -> None:
        doc_id = item.data(Qt.UserRole)
        if doc_id is not None:
            self.opened.emit(doc_id, self.edit.text().strip())


class AnnotateAll(QDialog):
    """Preview every occurrence of a string; checked hits become spans with the chosen label."""

    def __init__(self, session: Session, needle: str, label: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.needle = needle
        self.setWindowTitle(f"Annotate all occurrences of “{needle}”")
        self.resize(720, 480)
        self.label = QComboBox()
        labels = list(session.schema.entities) + list(session.schema.events)
        self.label.addItems(labels)
        self.label.setCurrentText(label)
        self.whole_corpus = QCheckBox("In every document")
        self.whole_corpus.toggled.connect(self.reload)
        self.hits = QListWidget()
        self.hits.setObjectName("occurrences")
        self.summary = QLabel()
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Annotate checked")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(QLabel("Label"))
        top.addWidget(self.label, 1)
        top.addWidget(self.whole_corpus)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.hits, 1)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)
        self.reload()

    def reload(self) -> None:
        """Hits not yet labelled by this annotator, checked; already labelled ones are skipped."""
        self.hits.clear()
        store, session = self.session.store, self.session
        doc_ids = store.document_ids() if self.whole_corpus.isChecked() else [session.doc_id]
        skipped = 0
        for doc_id in doc_ids:
            doc = store.document(doc_id)
            mine = {(s.start, s.end) for s in store.spans(doc_id, session.annotator)}
            for start, end in occurrences(doc.text, self.needle):
                if (start, end) in mine:
                    skipped += 1
                    continue
                item = QListWidgetItem()
                item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
                item.setCheckState(Qt.Checked)
                item.setData(Qt.UserRole, (doc_id, start, end))
                self.hits.addItem(item)
                row = QLabel(f"<span style='color:gray'>{escape(doc.name)}</span>&nbsp; "
                             + context(doc.text, start, end))
                row.setContentsMargins(28, 2, 4, 2)
                row.setAttribute(Qt.WA_TransparentForMouseEvents)
                item.setSizeHint(row.sizeHint())
                self.hits.setItemWidget(item, row)
        self.summary.setText(f"{self.hits.count()} occurrences to label"
                             + (f", {skipped} already labelled" if skipped else "")
                             + ". Uncheck (Space) the ones to skip.")

    def checked(self) -> list[tuple[int, int, int]]:
        items = (self.hits.item(i) for i in range(self.hits.count()))
        return [item.data(Qt.UserRole) for item in items if item.checkState() == Qt.Checked]

    def chosen_label(self) -> str:
        return self.label.currentText()
