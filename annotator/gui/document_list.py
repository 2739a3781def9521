"""The document list: name, this annotator's status, pending suggestions; filter and search.

A thin Qt model over `Store.document_summaries` (the rows napari-style adapters wrap), with a
proxy for the status filter and the name search, so the order the annotator sees is also the
order "next document" follows.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.gui.cells import plain, read_only_rows
from annotator.gui.session import Session
from annotator.model import DocumentSummary, Status

STATUS_TEXT = {Status.TODO: "to do", Status.IN_PROGRESS: "in progress", Status.DONE: "done"}
STATUS_COLOR = {Status.TODO: "#8a8f98", Status.IN_PROGRESS: "#d08a1e", Status.DONE: "#2e9d57"}
ModelIndex = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()
#: full enum names: the short `Qt.DisplayRole` costs microseconds per lookup in PySide6, and
#: filtering ten thousand documents asks for as many cells
DISPLAY, USER = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.UserRole
FOREGROUND, ALIGNMENT = Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.TextAlignmentRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class DocumentModel(QAbstractTableModel):
    HEADERS = ("Document", "Status", "Pending")

    def __init__(self, session: Session):
        super().__init__()
        self.session = session
        self.rows: list[DocumentSummary] = []
        self._colors = {status: QColor(color) for status, color in STATUS_COLOR.items()}

    def reload(self) -> None:
        self.beginResetModel()
        self.rows = self.session.store.document_summaries(self.session.annotator)
        self.endResetModel()

    def refresh(self, doc_id: int) -> None:
        """Update one row (status or pending count changed) without resetting the view."""
        fresh = {s.id: s for s in self.session.store.document_summaries(self.session.annotator)}
        for i, row in enumerate(self.rows):
            if row.id == doc_id and row.id in fresh:
                self.rows[i] = fresh[row.id]
                self.dataChanged.emit(self.index(i, 0), self.index(i, 2))

    def set_pending(self, doc_id: int, pending: int) -> None:
        for i, row in enumerate(self.rows):
            if row.id == doc_id and row.pending != pending:
                row.pending = pending
                self.dataChanged.emit(self.index(i, 2), self.index(i, 2))

    def rowCount(self, parent: ModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else 3

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return self.HEADERS[section]
        if orientation == Qt.Horizontal and role == Qt.ToolTipRole and section == 2:
            return "Suggestions you have not decided on yet"
        return None

    def data(self, index: ModelIndex, role: int = DISPLAY):
        row = self.rows[index.row()]
        column = index.column()
        if role == DISPLAY:
            return (row.name, STATUS_TEXT[row.status], row.pending or "")[column]
        if role == USER:
            return row.id
        if role == USER + 1:
            return row.status.value
        if role == FOREGROUND and column == 1:
            return self._colors[row.status]
        if role == ALIGNMENT and column == 2:
            return RIGHT
        if role == TOOLTIP and column == 0:
            return plain(f"{row.name} — {row.length:,} characters")
        return None


class DocumentFilter(QSortFilterProxyModel):
    def __init__(self):
        super().__init__()
        self.status: str | None = None
        self.setFilterCaseSensitivity(Qt.CaseInsensitive)
        self.setFilterKeyColumn(0)

    def set_status(self, status: str | None) -> None:
        self.beginFilterChange()
        self.status = status
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: ModelIndex) -> bool:
        index = self.sourceModel().index(row, 0, parent)
        if self.status and index.data(Qt.UserRole + 1) != self.status:
            return False
        return super().filterAcceptsRow(row, parent)


class DocumentList(QWidget):
    documentChosen = Signal(int)

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.model = DocumentModel(session)
        self.proxy = DocumentFilter()
        self.proxy.setSourceModel(self.model)

        self.search = QLineEdit(placeholderText="Filter by name…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.status = QComboBox()
        self.status.addItem("All", None)
        for status in Status:
            self.status.addItem(STATUS_TEXT[status].capitalize(), status.value)
        self.status.currentIndexChanged.connect(
            lambda: self.proxy.set_status(self.status.currentData()))

        self.table = QTableView()
        read_only_rows(self.table, "documentTable")
        self.table.setModel(self.proxy)
        self.table.setTextElideMode(Qt.ElideMiddle)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        header.setSectionResizeMode(1, QHeaderView.Interactive)
        header.setSectionResizeMode(2, QHeaderView.Interactive)
        # measured widths: sizing to contents would visit every row on each change
        header.resizeSection(1, 80)
        header.resizeSection(2, 62)
        header.setHighlightSections(False)
        self.table.clicked.connect(self._chosen)
        self.table.activated.connect(self._chosen)

        filters = QHBoxLayout()
        filters.setSpacing(6)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)

        session.statusChanged.connect(self.model.refresh)
        session.annotationsChanged.connect(self._pending_changed)
        session.documentOpened.connect(self.show_current)

    def reload(self) -> None:
        self.model.reload()
        self.show_current()

    def _chosen(self, index: QModelIndex) -> None:
        self.documentChosen.emit(index.data(Qt.UserRole))

    def _pending_changed(self) -> None:
        if self.session.view is not None:
            self.model.set_pending(self.session.doc_id, len(self.session.view.pending()))

    def show_current(self) -> None:
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(Qt.UserRole) == self.session.doc_id:
                self.table.selectRow(row)
                self.table.scrollTo(index)
                return
        self.table.clearSelection()

    def ids_in_order(self) -> list[int]:
        return [self.proxy.index(r, 0).data(Qt.UserRole) for r in range(self.proxy.rowCount())]

    def neighbour(self, direction: int) -> int | None:
        ids = self.ids_in_order()
        if not ids:
            return None
        if self.session.doc_id not in ids:
            return ids[0]
        i = ids.index(self.session.doc_id) + direction
        return ids[i] if 0 <= i < len(ids) else None

    def counts(self) -> tuple[int, int]:
        done = sum(1 for row in self.model.rows if row.status is Status.DONE)
        return done, len(self.model.rows)
