"""The document list: name, this annotator's status, pending suggestions; filter, search and
order.

A lazy Qt model over `Store.document_summaries`: it holds the rows read so far and asks SQLite
for the next page (`canFetchMore` / `fetchMore`) when the view scrolls near its end, and the
name search, the status filter and the order are SQL too. So opening a project of 100,000
documents reads one page, not 100,000 rows, and "next document" and the counts in the status
bar are queries, in the order the annotator sees.

The order is "most informative first" unless the annotator chose document order (remembered):
the documents in progress, then the ones to do with the suggestions that would teach the
model most (`annotator.queue`), then the done ones. Each to-do row's tooltip says why it is
where it is.
"""

from __future__ import annotations

import sqlite3
from contextlib import suppress

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSettings,
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
from annotator.gui.queue_refresh import QueueRefresher
from annotator.gui.session import Session
from annotator.model import DocumentSummary, ListOrder, Status
from annotator.store import StoreError

STATUS_TEXT = {Status.TODO: "to do", Status.IN_PROGRESS: "in progress", Status.DONE: "done"}
STATUS_COLOR = {Status.TODO: "#8a8f98", Status.IN_PROGRESS: "#d08a1e", Status.DONE: "#2e9d57"}
ORDER_TEXT = {ListOrder.INFORMATIVE: "Most informative first",
              ListOrder.DOCUMENT: "Document order"}
#: the QSettings key of the order chosen
ORDER_SETTING = "documentList/order"
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
    #: rows read per query: a few screens of the list
    PAGE = 200

    def __init__(self, session: Session):
        super().__init__()
        self.session = session
        #: the rows read so far, in list order (the first `len(rows)` of `total`)
        self.rows: list[DocumentSummary] = []
        #: how many documents the list holds with the current filter
        self.total = 0
        #: the filter: part of a name (any case), a status
        self.name = ""
        self.status: Status | None = None
        self.order = ListOrder.INFORMATIVE
        self._colors = {status: QColor(color) for status, color in STATUS_COLOR.items()}

    def query(self, **what) -> list[DocumentSummary]:
        """Rows of the filtered list (`offset`, `limit`, `ids` as `document_summaries`)."""
        return self.session.store.document_summaries(self.session.annotator, name=self.name,
                                                     status=self.status, order=self.order,
                                                     **what)

    def reload(self) -> None:
        """The first page, anew (another annotator, a filter, a job changed the project)."""
        self.beginResetModel()
        self.total = self.session.store.count_listed(self.session.annotator, name=self.name,
                                                     status=self.status)
        self.rows = self.query(limit=self.PAGE)
        self.endResetModel()

    def set_order(self, order: ListOrder | str) -> None:
        self.order = ListOrder(order)
        self.reload()

    def set_filter(self, name: str | None = None, status: Status | str | None = "") -> None:
        """Filter by part of the name and/or a status (None: every status; "" leaves it)."""
        if name is not None:
            self.name = name
        if status != "":
            self.status = Status(status) if status else None
        self.reload()

    def canFetchMore(self, parent: ModelIndex = ROOT) -> bool:
        return not parent.isValid() and len(self.rows) < self.total

    def fetchMore(self, parent: ModelIndex = ROOT, *, until: int = 0) -> None:
        """Read the next page (or more, to have row `until`)."""
        if parent.isValid():
            return
        count = max(self.PAGE, until + 1 - len(self.rows))
        more = self.query(offset=len(self.rows), limit=count)
        if not more:
            self.total = len(self.rows)
            return
        self.beginInsertRows(ROOT, len(self.rows), len(self.rows) + len(more) - 1)
        self.rows.extend(more)
        self.endInsertRows()

    def row_of(self, doc_id: int | None, *, fetch: bool = False) -> int | None:
        """The row showing `doc_id` (None: not in the list); with `fetch`, read up to it."""
        if doc_id is None:
            return None
        for i, row in enumerate(self.rows):
            if row.id == doc_id:
                return i
        if not fetch or not self.query(ids=[doc_id]):
            return None
        position = self.session.store.count_listed(self.session.annotator, name=self.name,
                                                   status=self.status, before=doc_id,
                                                   order=self.order)
        self.fetchMore(until=position)
        return position if position < len(self.rows) else None

    def refresh(self, doc_id: int) -> None:
        """Update one row (status or pending count changed) without resetting the view; under
        a status filter the document may leave or join the list, so the list is read anew; in
        the informative order a status moves it to another part, so the rows read so far are
        read again (the total stays: no count of the whole list on the first key press)."""
        if self.status is not None:
            self.reload()
            return
        if self.order is ListOrder.INFORMATIVE:
            self.beginResetModel()
            self.rows = self.query(limit=max(len(self.rows), self.PAGE))
            self.endResetModel()
            return
        fresh = self.query(ids=[doc_id])
        row = self.row_of(doc_id)
        if fresh and row is not None:
            self.rows[row] = fresh[0]
            self.dataChanged.emit(self.index(row, 0), self.index(row, 2))

    def set_pending(self, doc_id: int, pending: int) -> None:
        row = self.row_of(doc_id)
        if row is not None and self.rows[row].pending != pending:
            self.rows[row].pending = pending
            self.dataChanged.emit(self.index(row, 2), self.index(row, 2))

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
        if role == TOOLTIP:
            return plain(f"{row.name} — {row.length:,} characters{why_here(row)}")
        return None


def why_here(row: DocumentSummary) -> str:
    """What makes a to-do document informative, for its tooltip: "\nvalue 15.40 = 12
    lexicon/model disagreements + uncertainty 3.40" ("" for the others, and before its value
    is known)."""
    if row.status is not Status.TODO or row.value is None:
        return ""
    disagree = ("1 lexicon/model disagreement" if row.disagreements == 1 else
                f"{row.disagreements} lexicon/model disagreements")
    return f"\nvalue {row.value:.2f} = {disagree} + uncertainty {row.uncertainty:.2f}"


class DocumentList(QWidget):
    documentChosen = Signal(int)

    def __init__(self, session: Session, settings: QSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.settings = settings
        self.model = DocumentModel(session)
        saved = str(settings.value(ORDER_SETTING, ListOrder.INFORMATIVE.value))
        if saved in {order.value for order in ListOrder}:
            self.model.order = ListOrder(saved)
        #: what the table shows (the model itself: it filters in SQL)
        self.proxy = self.model

        self.search = QLineEdit(placeholderText="Filter by name…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda text: self.model.set_filter(name=text))
        self.status = QComboBox()
        self.status.addItem("All", None)
        for status in Status:
            self.status.addItem(STATUS_TEXT[status].capitalize(), status.value)
        self.status.currentIndexChanged.connect(
            lambda: self.model.set_filter(status=self.status.currentData()))
        self.order = QComboBox()
        self.order.setObjectName("documentOrder")
        for order, text in ORDER_TEXT.items():
            self.order.addItem(text, order.value)
        self.order.setCurrentIndex(self.order.findData(self.model.order.value))
        self.order.setToolTip("Most informative first: the documents in progress, then those "
                              "to do whose suggestions are least sure or where the project "
                              "lexicon and the model disagree most, then the done ones")
        self.order.currentIndexChanged.connect(self._order_chosen)

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

        # the name filter has a row of its own: beside two combos it had room for "Filte…"
        filters = QHBoxLayout()
        filters.setSpacing(6)
        filters.addWidget(self.status, 1)
        filters.addWidget(self.order, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)

        session.statusChanged.connect(self.model.refresh)
        session.statusChanged.connect(self._status_changed)
        session.annotationsChanged.connect(self._pending_changed)
        session.documentOpened.connect(self.show_current)

        #: brings the lexicon's suggestions and the values of the documents to do up to date
        #: off the GUI thread, then the list is read again
        self.refresher = QueueRefresher(session, self)
        self.refresher.refreshed.connect(self.reload)

    def reload(self) -> None:
        """Read the list anew, keeping the open document selected. The values that went stale
        (a pre-annotation, another program, the lexicon on the document just opened) are
        computed first, on this connection: usually a few documents, and a background thread
        opening the file for it would contend with the jobs that changed them."""
        with suppress(sqlite3.OperationalError, StoreError):  # locked, read-only: next time
            self.session.store.fill_queue_values()
        self.model.reload()
        self.show_current()

    def _status_changed(self, doc_id: int) -> None:
        """The row moved (the model read the list anew): keep the open document selected. A
        finished document taught the lexicon: the documents to do may have new suggestions,
        and the order new values (`QueueRefresher`)."""
        session = self.session
        self.show_current()
        if session.store.status(doc_id, session.annotator) is Status.DONE:
            self.refresher.request()

    def _order_chosen(self) -> None:
        order = ListOrder(self.order.currentData())
        self.settings.setValue(ORDER_SETTING, order.value)
        self.model.set_order(order)
        self.show_current()

    def _chosen(self, index: QModelIndex) -> None:
        self.documentChosen.emit(index.data(Qt.UserRole))

    def _pending_changed(self) -> None:
        if self.session.view is not None:
            self.model.set_pending(self.session.doc_id, len(self.session.view.pending()))

    def show_current(self) -> None:
        row = self.model.row_of(self.session.doc_id, fetch=True)
        if row is None:
            self.table.clearSelection()
            return
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))

    def ids_in_order(self) -> list[int]:
        """Every document of the list, in order (a query over all of them: for tests)."""
        model = self.model
        return [row.id for row in model.query()]

    def first(self) -> int | None:
        """The document at the head of the list as it is ordered and filtered now."""
        model = self.model
        return self.session.store.listed_neighbour(
            self.session.annotator, None, 1, name=model.name, status=model.status,
            order=model.order)

    def neighbour(self, direction: int) -> int | None:
        """The document after (1) or before (-1) the open one in the list; the list's first
        when the open one is not in it."""
        model, store, who = self.model, self.session.store, self.session.annotator
        current = self.session.doc_id
        if current is not None and not model.query(ids=[current]):
            current = None
        return store.listed_neighbour(who, current, direction if current else 1,
                                      name=model.name, status=model.status, order=model.order)

    def counts(self) -> tuple[int, int]:
        """Documents this annotator marked done, of all in the project."""
        store = self.session.store
        return store.count_done(self.session.annotator), store.count_documents()
