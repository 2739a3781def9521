"""Edit → Settings…: every command's keys, editable, with clashes shown before they are saved.

Each row is a command from the menus with two key fields (a shortcut and an alternative), typed
by pressing the keys. A key another command already answers to in the same place marks both
rows and keeps Save off until one of them changes. "Reset All to Defaults" brings back the keys
the program ships with; Save stores the user's own keys per user (`keymap.Keymap`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.gui.keymap import Keymap, conflicts

PROBLEM = QColor("#d64541")
SLOTS = 2  # a shortcut and an alternative


class SettingsDialog(QDialog):
    def __init__(self, keymap: Keymap, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings — Keyboard Shortcuts")
        self.keymap = keymap
        self.filter = QLineEdit(placeholderText="Filter commands…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter)
        self.table = QTableWidget(len(keymap.commands), 2 + SLOTS)
        self.table.setObjectName("shortcutTable")
        self.table.setHorizontalHeaderLabels(["Command", "Shortcut", "Alternative", "Conflict"])
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        header.setSectionResizeMode(0, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.Fixed)
        header.setSectionResizeMode(2, QHeaderView.Fixed)
        header.setSectionResizeMode(3, QHeaderView.Stretch)
        header.resizeSection(1, 170)
        header.resizeSection(2, 170)
        #: per command id, its key fields
        self.edits: dict[str, list[QKeySequenceEdit]] = {}
        current = keymap.current()
        #: keys past the two fields (Previous Difference answers to P, Shift+Tab and Backtab):
        #: kept as they are
        self.extras = {command_id: keys[SLOTS:] for command_id, keys in current.items()}
        for row, command in enumerate(keymap.commands):
            item = QTableWidgetItem(f"{command.section} › {command.name}")
            item.setToolTip(command.id)
            self.table.setItem(row, 0, item)
            self.table.setItem(row, 3, QTableWidgetItem(""))
            fields = []
            for slot in range(SLOTS):
                field = QKeySequenceEdit()
                field.setObjectName(f"keys:{command.id}:{slot}")
                field.setMaximumSequenceLength(1)
                field.setClearButtonEnabled(True)
                keys = current[command.id]
                if slot < len(keys):
                    field.setKeySequence(keys[slot])
                field.keySequenceChanged.connect(self._check)
                self.table.setCellWidget(row, 1 + slot, field)
                fields.append(field)
            self.edits[command.id] = fields
        self.table.resizeRowsToContents()

        self.summary = QLabel()
        self.summary.setObjectName("shortcutConflicts")
        reset = QPushButton("Reset All to Defaults")
        reset.setObjectName("resetShortcuts")
        reset.clicked.connect(self.reset_to_defaults)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(reset)
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.buttons)
        note = QLabel("Click a field and press the keys. Single keys (labels, Tab, [ ]) work "
                      "while the article has the focus; keys with Ctrl work anywhere in the "
                      "window. Saved for you only; the Help → Keyboard Shortcuts sheet follows.")
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(placeholder-text);")
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addLayout(bottom)
        self.resize(860, 640)
        self._check()

    def chosen(self) -> dict[str, list[QKeySequence]]:
        return {command_id: [f.keySequence() for f in fields if not f.keySequence().isEmpty()]
                + self.extras[command_id] for command_id, fields in self.edits.items()}

    def clashes(self) -> dict[str, list[str]]:
        return conflicts(self.keymap.commands, self.chosen(), self.keymap.reserved)

    def _check(self) -> None:
        clashes = self.clashes()
        for row, command in enumerate(self.keymap.commands):
            cell = self.table.item(row, 3)
            others = clashes.get(command.id, [])
            cell.setText(f"also {'; '.join(others)}" if others else "")
            cell.setForeground(PROBLEM)
            cell.setToolTip("\n".join(others))
        self.buttons.button(QDialogButtonBox.Save).setEnabled(not clashes)
        self.summary.setText(
            f"<span style='color:{PROBLEM.name()}'>{len(clashes)} commands share a key: "
            "change one of each pair to save</span>" if clashes else "")

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        for row in range(self.table.rowCount()):
            self.table.setRowHidden(row, bool(needle)
                                    and needle not in self.table.item(row, 0).text().lower())

    def reset_to_defaults(self) -> None:
        defaults = self.keymap.defaults()
        self.extras = {command_id: keys[SLOTS:] for command_id, keys in defaults.items()}
        for command_id, fields in self.edits.items():
            for slot, field in enumerate(fields):
                keys = defaults[command_id]
                field.blockSignals(True)
                field.setKeySequence(keys[slot] if slot < len(keys) else QKeySequence())
                field.blockSignals(False)
        self._check()

    def accept(self) -> None:
        if self.clashes():
            return
        self.keymap.save(self.chosen())
        super().accept()
