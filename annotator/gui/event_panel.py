"""The selected event's frame: its type, every role of the type with what fills it, and what the
schema says is wrong (a required role missing, an argument of a type the role does not take).
When several events share the trigger (an import from brat or Prodigy), each is shown under its
own "Event n of m" row with its own arguments; roles are filled in the first."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.gui.cells import css_color, plain
from annotator.gui.session import Session
from annotator.gui.span_panel import state
from annotator.model import Argument

PROBLEM = QColor("#d64541")


class EventPanel(QWidget):
    #: the user wants to fill this role next (click or select its argument)
    roleChosen = Signal(str)
    argumentRemoved = Signal(object)

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.title = QLabel()
        self.title.setObjectName("eventTitle")
        self.title.setTextFormat(Qt.RichText)
        self.title.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setObjectName("eventRoles")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Role", "Argument", "Check"])
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SingleSelection)
        self.tree.setFocusPolicy(Qt.ClickFocus)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeToContents)
        header.setStretchLastSection(False)
        self.tree.itemDoubleClicked.connect(self._fill)
        self.fill_button = QPushButton("Fill role")
        self.fill_button.setToolTip("Then click a span or select text and press a label key "
                                    "(Alt+1…9 picks a role from the keyboard)")
        self.fill_button.clicked.connect(lambda: self._fill(self.tree.currentItem()))
        self.remove_button = QPushButton("Remove argument")
        self.remove_button.clicked.connect(self._remove)
        buttons = QHBoxLayout()
        buttons.addWidget(self.fill_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        for signal in (session.annotationsChanged, session.selectionChanged,
                       session.pendingRoleChanged):
            signal.connect(self.refresh)
        self.refresh()

    def roles(self) -> list[str]:
        event = self.session.current_event()
        if event is None or event.label not in self.session.schema.events:
            return []
        return list(self.session.schema.events[event.label].roles)

    def refresh(self) -> None:
        self.tree.clear()
        event = self.session.current_event()
        has_event = event is not None
        self.tree.setEnabled(has_event)
        self.fill_button.setEnabled(has_event)
        self.remove_button.setEnabled(has_event)
        if not has_event:
            self.title.setText("<span style='color:palette(placeholder-text)'>No event selected."
                               " Select a trigger, or make one: select a word and press an "
                               "event key (Shift+M, …) or Ctrl+E.</span>")
            return
        schema, view = self.session.schema, self.session.view
        trigger_text = event.text_in(view.doc.text)
        self.title.setText(
            f"<span style='background:{css_color(schema.color(event.label))};color:#1d1d1f'>"
            f"&nbsp;<b>{escape(event.label)}</b>&nbsp;</span>&nbsp; “{escape(trigger_text)}” "
            f"<i>({state(event)})</i>")
        arguments = view.arguments_of(event)
        event_type = schema.events.get(event.label)
        roles = list(event_type.roles) if event_type else []
        frames = sorted({a.frame for a, _ in arguments} | {0})
        for frame in frames:
            if len(frames) > 1:
                self._frame_header(frame, len(frames))
            self._role_rows(event, [(a, s) for a, s in arguments if a.frame == frame], roles,
                            fillable=frame == 0)
        pending = self.session.pending_role
        if pending:
            for i in range(self.tree.topLevelItemCount()):
                item = self.tree.topLevelItem(i)
                if item.data(0, Qt.UserRole) == pending:
                    self.tree.setCurrentItem(item)
                    item.setText(2, "← click or select its argument")
                    break

    def _frame_header(self, frame: int, count: int) -> None:
        """A row naming one of the events that share this trigger (brat's E1, E2 on one T)."""
        item = QTreeWidgetItem([f"Event {frame + 1} of {count}", "", ""])
        font = QFont()
        font.setBold(True)
        item.setFont(0, font)
        item.setFlags(Qt.ItemIsEnabled)
        item.setToolTip(0, "Events that share this trigger, each with its own arguments. "
                           "Fill role adds to event 1.")
        self.tree.addTopLevelItem(item)
        item.setFirstColumnSpanned(True)

    def _role_rows(self, event, arguments: list, roles: list[str], *, fillable: bool) -> None:
        """The rows of one event on the trigger: each role with its fillers, and problems."""
        schema, view = self.session.schema, self.session.view
        filled = {a.role for a, _ in arguments}
        for role in dict.fromkeys(roles + [a.role for a, _ in arguments]):
            number = roles.index(role) + 1 if role in roles else None
            label = f"{number}  {role}" if number and number < 10 else role
            mine = [(a, s) for a, s in arguments if a.role == role]
            if not mine:
                item = QTreeWidgetItem([label, "—", ""])
                if role in schema.missing_roles(event.label, filled):
                    item.setText(2, "required, missing")
                    item.setForeground(2, PROBLEM)
                item.setData(0, Qt.UserRole, role if fillable else None)
                self.tree.addTopLevelItem(item)
            for argument, span in mine:
                problem = schema.check_argument(event.label, role, span.label) or ""
                text = f"{span.text_in(view.doc.text)}  [{span.label}]"
                item = QTreeWidgetItem([label, text, problem or "ok"])
                item.setForeground(2, PROBLEM if problem else QColor("#2e9d57"))
                item.setToolTip(2, plain(problem) if problem else "")
                item.setData(0, Qt.UserRole, role if fillable else None)
                item.setData(1, Qt.UserRole, argument)
                if argument.decision.value == "suggested":
                    font = QFont()
                    font.setItalic(True)
                    item.setFont(1, font)
                self.tree.addTopLevelItem(item)

    def _fill(self, item: QTreeWidgetItem | None) -> None:
        if item is not None and item.data(0, Qt.UserRole):
            self.roleChosen.emit(item.data(0, Qt.UserRole))

    def _remove(self) -> None:
        item = self.tree.currentItem()
        argument: Argument | None = item.data(1, Qt.UserRole) if item else None
        if argument is not None:
            self.argumentRemoved.emit(argument)

