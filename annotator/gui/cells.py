"""Small pieces the windows share: read-only tables set up one way, colour swatches for labels,
text shortened for a cell, and data (names, labels, messages) made safe for Qt's rich text."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtGui import Qt as QtText
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableView,
    QTableWidget,
    QWidget,
)

GREY = QColor("#8a8f98")
#: what a schema colour that is not a colour is drawn as
FALLBACK_COLOR = "#dddddd"


def plain(text: str) -> str:
    """`text` as rich text that shows it verbatim. Tooltips and message boxes guess: a first
    line holding something like a tag (`<img src=…>` in a document name) is read as HTML,
    and an image in it is loaded from disk. Data goes through here on its way to one."""
    return QtText.convertFromPlainText(text, Qt.WhiteSpaceMode.WhiteSpaceNormal)


def css_color(color: str) -> str:
    """A schema colour as `#rrggbb` for HTML and style sheets: whatever else a colour field
    holds (`red; background: url(…)`) never reaches a style."""
    return QColor(color).name() if QColor.isValidColorName(color) else FALLBACK_COLOR


def swatch_pixmap(color: str, size: int = 12) -> QPixmap:
    """A label's colour as a square; item models hand it out ready-made, because given a bare
    colour a delegate fills a new pixmap for every cell it paints."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(color))
    return pixmap


def swatch(color: str) -> QIcon:
    return QIcon(swatch_pixmap(color))


def short(text: str, limit: int) -> str:
    """One line of at most `limit` characters (whitespace runs folded, an ellipsis if cut)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_only_rows(table: QTableView, name: str, row_height: int = 26) -> None:
    """How every list in the app reads: whole-row single selection, no editing, no grid or
    row numbers, one line per row, headers on the left like the text under them."""
    table.setObjectName(name)
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectRows)
    table.setSelectionMode(QAbstractItemView.SingleSelection)
    table.setTabKeyNavigation(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(row_height)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)


def read_only_table(headers: Sequence[str], name: str, stretch: int = 0) -> QTableWidget:
    """A `read_only_rows` table of cells; column `stretch` takes the spare width, the others
    fit their contents."""
    widget = QTableWidget(0, len(headers))
    read_only_rows(widget, name)
    widget.setHorizontalHeaderLabels(list(headers))
    header = widget.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.Stretch)
    header.setSortIndicator(0, Qt.AscendingOrder)
    return widget


#: room for the window manager's frame and shadow around a dialog
FRAME_ALLOWANCE = 16


def place_over(dialog: QWidget, area: QWidget) -> None:
    """Put `dialog` where Qt would (centred on its window), but moved left so as not to cross
    the right edge of `area` (the article) where the window leaves room: a dialog's frame
    ending a few pixels into the span table beside the article hides the first letters of
    every row, which looks as if the table had scrolled sideways."""
    window = dialog.parentWidget().window()
    frame = window.frameGeometry()
    width = dialog.width() + FRAME_ALLOWANCE
    height = dialog.height() + FRAME_ALLOWANCE
    x = frame.center().x() - width // 2
    area_right = area.mapToGlobal(QPoint(area.width(), 0)).x()
    if x + width > area_right:
        x = max(frame.left(), area_right - width)
    dialog.move(x, max(frame.top(), frame.center().y() - height // 2))
