"""The label palette: every entity label and event type with its colour and key.

Each chip triggers the same `QAction` as the key, so mouse, menu and keyboard share one path.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.gui.cells import css_color, plain
from annotator.schema import Schema

COLUMNS = 2


class LabelPalette(QScrollArea):
    def __init__(self, schema: Schema, actions: dict[str, QAction], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("labelPalette")
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.NoFrame)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.setSpacing(4)
        for title, labels in (("Entities", list(schema.entities)),
                              ("Events", list(schema.events))):
            heading = QLabel(title)
            heading.setObjectName("paletteHeading")
            layout.addWidget(heading)
            grid = QGridLayout()
            grid.setSpacing(3)
            # labels with a key first: those are the ones people reach for
            ordered = sorted(labels, key=lambda lb: not actions[lb].shortcut().toString())
            for i, label in enumerate(ordered):
                grid.addWidget(self._chip(label, schema.color(label), actions[label]),
                               i // COLUMNS, i % COLUMNS)
            layout.addLayout(grid)
        layout.addStretch(1)
        self.setWidget(body)

    @staticmethod
    def _chip(label: str, color: str, action: QAction) -> QToolButton:
        key = action.shortcut().toString()
        chip = QToolButton()
        chip.setObjectName("labelChip")
        chip.setText(f"{label}   {key}" if key else label)
        chip.setToolTip(plain(action.toolTip()))
        chip.setToolButtonStyle(Qt.ToolButtonTextOnly)
        chip.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        chip.setStyleSheet(
            f"QToolButton {{ border-left: 6px solid {css_color(color)}; text-align: left;"
            " padding: 3px 6px;"
            f" border-radius: 3px; }}")
        chip.clicked.connect(action.trigger)
        return chip
