"""Small pieces the review windows (agreement, curation, exchange reports) share: read-only
tables set up one way, colour swatches for labels, and text shortened for a cell."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget

GREY = QColor("#8a8f98")


def swatch(color: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


def short(text: str, limit: int) -> str:
    """One line of at most `limit` characters (whitespace runs folded, an ellipsis if cut)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_only_table(headers: Sequence[str], name: str, stretch: int = 0) -> QTableWidget:
    """A table of whole-row selection, no editing, no grid, rows a comfortable 26 px; column
    `stretch` takes the spare width, the others fit their contents."""
    widget = QTableWidget(0, len(headers))
    widget.setObjectName(name)
    widget.setHorizontalHeaderLabels(list(headers))
    widget.setEditTriggers(QAbstractItemView.NoEditTriggers)
    widget.setSelectionBehavior(QAbstractItemView.SelectRows)
    widget.setSelectionMode(QAbstractItemView.SingleSelection)
    widget.verticalHeader().hide()
    widget.verticalHeader().setDefaultSectionSize(26)
    widget.setAlternatingRowColors(True)
    widget.setShowGrid(False)
    widget.setWordWrap(False)
    header = widget.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
    header.setSectionResizeMode(QHeaderView.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.Stretch)
    header.setSortIndicator(0, Qt.AscendingOrder)
    return widget
