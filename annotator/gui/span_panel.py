"""The document's spans as a table: text, label, kind and where each came from.

A model over the session's current list (reset per edit costs nothing: the view asks only for
the rows it shows), so a 1,000-span article stays as fast as a short one.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QPixmap
from PySide6.QtWidgets import QHeaderView, QTableView, QWidget

from annotator.gui.cells import plain, read_only_rows, swatch_pixmap
from annotator.gui.session import Session
from annotator.lexicon import ORIGIN as LEXICON
from annotator.model import MANUAL, SUGGESTIONS, Decision, Span, SpanKind

ModelIndex = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()
#: roles by their full names: `Qt.DisplayRole` is a slow lookup in PySide6 (microseconds), and
#: a table asks its model for seven roles of every cell it paints
DISPLAY, USER = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.UserRole
DECORATION, FONT = Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.FontRole
TOOLTIP, ALIGNMENT = Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.TextAlignmentRole
ROLES = frozenset({DISPLAY, USER, DECORATION, FONT, TOOLTIP, ALIGNMENT})
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
SWATCH = 16  # Fusion's small icon size, the square a colour decoration used to fill


def state(span: Span) -> str:
    """What an annotator needs to know about a span's provenance, in two words."""
    if span.layer == SUGGESTIONS:
        return "suggested"
    if span.origin == MANUAL:
        return "manual"
    return "edited" if span.decision is Decision.EDITED else "accepted"


def confidence(span: Span) -> str:
    """A suggestion's score as the Score column shows it: its probability ("0.54"), or for the
    lexicon its net evidence ("×3"), so the unsure ones stand out before they are hidden."""
    if span.layer != SUGGESTIONS or span.score is None:
        return ""
    if span.origin == LEXICON:
        return f"×{span.score:g}"
    return f"{span.score:.2f}" if 0.0 <= span.score <= 1.0 else ""


class SpanModel(QAbstractTableModel):
    HEADERS = ("Text", "Label", "State", "Score")

    def __init__(self, session: Session):
        super().__init__()
        self.session = session
        self.spans: list[Span] = []
        self._swatches: dict[str, QPixmap] = {}
        self._fonts: dict[tuple[bool, bool], QFont] = {}
        for suggestion in (False, True):
            for trigger in (False, True):
                font = self._fonts[(suggestion, trigger)] = QFont()
                font.setItalic(suggestion)
                font.setBold(trigger)

    def reload(self) -> None:
        """After an edit, announce only the rows between the unchanged head and tail of the
        list, so the table keeps its scroll position and repaints just those. (Spans the edit
        did not touch are the very same objects as before: identity is the test.)"""
        spans = list(self.session.view.spans) if self.session.view else []
        old = self.spans
        shorter = min(len(old), len(spans))
        head = 0
        while head < shorter and old[head] is spans[head]:
            head += 1
        tail = 0
        while tail < shorter - head and old[-1 - tail] is spans[-1 - tail]:
            tail += 1
        gone, new = len(old) - head - tail, len(spans) - head - tail
        if gone == new:
            self.spans = spans
            if new:
                self.dataChanged.emit(self.index(head, 0),
                                      self.index(head + new - 1, len(self.HEADERS) - 1))
        elif gone == 0:
            self.beginInsertRows(ROOT, head, head + new - 1)
            self.spans = spans
            self.endInsertRows()
        elif new == 0:
            self.beginRemoveRows(ROOT, head, head + gone - 1)
            self.spans = spans
            self.endRemoveRows()
        else:
            self.beginResetModel()
            self.spans = spans
            self.endResetModel()

    def rowCount(self, parent: ModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.spans)

    def columnCount(self, parent: ModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: ModelIndex, role: int = DISPLAY):
        if role not in ROLES:  # most of what a view asks for; answer before any work
            return None
        span = self.spans[index.row()]
        column = index.column()
        if role == DISPLAY:
            if column == 0:
                return span.text_in(self.session.view.doc.text).replace("\n", " ")
            if column == 3:
                return confidence(span)
            return span.label if column == 1 else state(span)
        if role == USER:
            return span.id
        if role == ALIGNMENT:
            return RIGHT if column == 3 else None
        if role == DECORATION:
            return self._swatch(span.label) if column == 1 else None
        if role == FONT:
            suggestion, trigger = span.layer == SUGGESTIONS, span.kind is SpanKind.TRIGGER
            if column == 2 and suggestion or column == 1 and trigger:
                return self._fonts[(suggestion, trigger)]
            return None
        if span.origin == LEXICON and span.score is not None:
            phrase = " ".join(span.text_in(self.session.view.doc.text).split())
            entry = self.session.lexicon.get(phrase)
            evidence = f": {entry.split}" if entry is not None else ""
            score = f", {span.score:g} more accepts of it than rejections{evidence}"
        else:
            score = f", probability {span.score:.2f}" if span.score is not None else ""
        return plain(f"{span.label} ({span.kind.value}) from {span.origin}{score}")

    def _swatch(self, label: str) -> QPixmap:
        if label not in self._swatches:
            self._swatches[label] = swatch_pixmap(self.session.schema.color(label), SWATCH)
        return self._swatches[label]

    def row_of(self, span_id: int | None) -> int | None:
        for i, span in enumerate(self.spans):
            if span.id == span_id:
                return i
        return None


class SpanPanel(QTableView):
    spanChosen = Signal(int)

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        read_only_rows(self, "spanTable", row_height=24)
        self.model_ = SpanModel(session)
        self.setModel(self.model_)
        self.setFocusPolicy(Qt.ClickFocus)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        header.setSectionResizeMode(1, QHeaderView.Interactive)
        header.setSectionResizeMode(2, QHeaderView.Interactive)
        header.setSectionResizeMode(3, QHeaderView.Interactive)
        # measured widths: sizing to contents would visit every row on each change
        header.resizeSection(1, 150)
        header.resizeSection(2, 80)
        header.resizeSection(3, 48)
        self.clicked.connect(lambda index: self.spanChosen.emit(index.data(Qt.UserRole)))
        session.annotationsChanged.connect(self.model_.reload)
        session.selectionChanged.connect(self._follow_selection)

    def _follow_selection(self) -> None:
        row = self.model_.row_of(self.session.selected_id)
        if row is None:
            self.clearSelection()
            return
        self.selectRow(row)
        self.scrollTo(self.model_.index(row, 0))



