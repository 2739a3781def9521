"""Review → Curate: settle several annotators' work into the `gold` layer, one key per difference.

The mode turns the main window into a curation desk instead of opening a second editor: the
session switches to the `gold` layer (so the article, the span and event panels, every label key
and Ctrl+Z work on gold exactly as they work on an annotator's layer, with model suggestions
hidden), and a dock lists what the annotators still disagree on, each annotator's version side
by side. Opening a document merges into gold what all of them agree on (`plan_agreed`); each
difference is then settled with one key: 1, 2, 3… take that annotator's version, D drops them
all, E hands the place to the article for normal editing. Every step is an `annotator.edits`
edit pushed through `Session.apply`, so it is on disk at once and on the window's undo stack.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.adjudication import (
    ADJUDICATED,
    Difference,
    Version,
    differences,
    plan_agreed,
    resolution,
)
from annotator.edits import UpdateSpan
from annotator.gui.cells import GREY, css_color, plain, read_only_rows, short, swatch
from annotator.model import GOLD, SpanKind, Status
from annotator.store import Store

if TYPE_CHECKING:
    from annotator.gui.context import WindowContext

#: annotators get the digit keys 1..9, in the order they are listed
MAX_KEYED = 9
KIND_TEXT = {"entity": "entity", "trigger": "event", "arguments": "arguments"}
CONTEXT = 70


def document_annotators(store: Store, doc_id: int) -> list[str]:
    """Who has something to say about a document: marked it done, or has annotations on it."""
    return [name for name in store.annotators()
            if store.status(doc_id, name) is Status.DONE
            or store.annotations(doc_id, name, effective=True).spans]


class CurationPanel(QWidget):
    """The differences of the open document and the keys that settle them."""

    #: curation started (True) or ended (False), from any cause
    activeChanged = Signal(bool)

    def __init__(self, ctx: WindowContext):
        super().__init__()
        self.setObjectName("curationPanel")
        self.ctx = ctx
        self.session = ctx.session
        self.active = False
        self.previous_annotator: str | None = None
        #: annotators the curator unticked (kept across documents)
        self.excluded: set[str] = set()
        self.candidates: list[str] = []
        self.diffs: list[Difference] = []
        self.merged = 0

        self.title = QLabel()
        self.title.setObjectName("curationTitle")
        self.title.setTextFormat(Qt.RichText)
        self.choices = QHBoxLayout()
        self.choices.setSpacing(8)
        self.leave_button = QPushButton("Leave Curation")
        self.leave_button.clicked.connect(self.stop)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addSpacing(12)
        top.addLayout(self.choices)
        top.addStretch(1)
        top.addWidget(self.leave_button)
        self.legend = QLabel()
        self.legend.setObjectName("curationKeys")
        self.legend.setTextFormat(Qt.RichText)

        self.table = QTableWidget(0, 2)
        read_only_rows(self.table, "differenceTable")
        self.table.currentCellChanged.connect(lambda *_: self._current_changed())
        self.detail = QTextBrowser()
        self.detail.setObjectName("differenceDetail")
        self.detail.setFocusPolicy(Qt.NoFocus)
        self.detail.setOpenLinks(False)
        split = QSplitter(Qt.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 8)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(self.legend)
        self._build_keys()

        self.session.documentOpened.connect(self._document_opened)
        self.session.annotationsChanged.connect(self._annotations_changed)
        self.session.annotatorChanged.connect(self._annotator_changed)

    # --- keys --------------------------------------------------------------------------------
    def _key(self, text: str, keys: tuple[str, ...], slot) -> QAction:
        """A curation key: live while the curation panel has the focus, so label keys in the
        article (D is DATE there) keep their meaning."""
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_keys(self) -> None:
        self.take_actions = [self._key(f"Take Version {n}", (str(n),),
                                       lambda n=n: self.take(n - 1))
                             for n in range(1, MAX_KEYED + 1)]
        self.act_drop = self._key("Drop All Versions", ("D", "Delete"), lambda: self.take(None))
        self.act_edit = self._key("Edit in Gold", ("E",), self.edit)
        self.act_next = self._key("Next Difference", ("N", "Tab"), lambda: self.step(1))
        self.act_prev = self._key("Previous Difference", ("P", "Shift+Tab", "Backtab"),
                                  lambda: self.step(-1))
        self.key_actions = [*self.take_actions, self.act_drop, self.act_edit, self.act_next,
                            self.act_prev]
        for action in self.key_actions:
            action.setEnabled(False)

    # --- mode --------------------------------------------------------------------------------
    def start(self) -> None:
        """Curate the open document (and every one opened after) into gold."""
        if self.active:
            self.focus()
            return
        self.active = True
        self.previous_annotator = self.session.annotator
        self.title.setText("<b>Curating into gold</b>: open a document that two or more "
                           "annotators worked on")
        self.activeChanged.emit(True)
        if self.session.annotator == GOLD:
            self._document_opened(self.session.doc_id)
        else:
            self.session.set_annotator(GOLD)  # reopens the document: _document_opened runs
        self.focus()

    def stop(self) -> None:
        if not self.active:
            return
        self.active = False
        for action in self.key_actions:
            action.setEnabled(False)
        self.ctx.article.find_ranges = []
        self.activeChanged.emit(False)
        back = self.previous_annotator
        if back and back != GOLD and self.session.annotator == GOLD:
            self.session.set_annotator(back)
        self.ctx.article.setFocus()

    def focus(self) -> None:
        self.table.setFocus()
        if self.table.currentRow() < 0 and self.table.rowCount():
            self.table.setCurrentCell(0, 0)

    def _annotator_changed(self, name: str) -> None:
        if self.active and name != GOLD:
            self.previous_annotator = None
            self.stop()

    # --- documents ---------------------------------------------------------------------------
    def _document_opened(self, doc_id: int | None) -> None:
        if not self.active or doc_id is None:
            return
        self.candidates = document_annotators(self.session.store, doc_id)
        self._build_choices()
        self.merged = 0
        self._merge_agreed()
        self.refresh()

    def compared(self) -> list[str]:
        return [name for name in self.candidates if name not in self.excluded]

    def _build_choices(self) -> None:
        while self.choices.count():
            widget = self.choices.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        for n, name in enumerate(self.candidates, 1):
            box = QCheckBox(f"{n} · {name}" if n <= MAX_KEYED else name)
            box.setObjectName(f"compare:{name}")
            box.setChecked(name not in self.excluded)
            box.setFocusPolicy(Qt.NoFocus)
            box.toggled.connect(lambda on, who=name: self._toggle(who, on))
            self.choices.addWidget(box)

    def _toggle(self, name: str, on: bool) -> None:
        (self.excluded.discard if on else self.excluded.add)(name)
        self._merge_agreed()
        self.refresh()

    def _merge_agreed(self) -> None:
        """Put into gold what every compared annotator agrees on (one undoable step)."""
        names = self.compared()
        if len(names) < 2:
            return
        plan = plan_agreed(self.session.store, self.session.doc_id, names)
        if plan.edits and self.session.apply(plan, select=lambda _e: None,
                                             operation="adjudicate"):
            self.merged += len(plan.edits)

    def _annotations_changed(self) -> None:
        if self.active and self.session.view is not None:
            self.refresh()

    # --- the list ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Recompute the differences; the current one stays, or the next one takes its place."""
        current = self.current()
        place = (current.start, current.end, current.kind) if current else None
        names = self.compared()
        doc = self.session.view.doc
        self.diffs = (differences(self.session.store, doc.id, names) if len(names) >= 2
                      else [])
        self.table.blockSignals(True)
        self.table.clear()
        self.table.setColumnCount(2 + len(names))
        self.table.setHorizontalHeaderLabels(
            ["Where", "Kind"] + [f"{n} · {name}" if n <= MAX_KEYED else name
                                 for n, name in enumerate(names, 1)])
        self.table.setRowCount(len(self.diffs))
        for row, diff in enumerate(self.diffs):
            self._fill_row(row, diff, doc.text)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeToContents)
        for column in range(2, 2 + len(names)):
            header.setSectionResizeMode(column, QHeaderView.Stretch)
        row = 0
        if place is not None:
            later = [i for i, d in enumerate(self.diffs) if (d.start, d.end, d.kind) >= place]
            row = later[0] if later else len(self.diffs) - 1
        self.table.blockSignals(False)
        if self.diffs:
            self.table.setCurrentCell(row, 0)
        self._current_changed()
        self._show_title(names)

    def _fill_row(self, row: int, diff: Difference, text: str) -> None:
        where = QTableWidgetItem(short(text[diff.start:diff.end], 32))
        where.setToolTip(f"characters {diff.start}–{diff.end}")
        self.table.setItem(row, 0, where)
        self.table.setItem(row, 1, QTableWidgetItem(KIND_TEXT[diff.kind]))
        schema = self.session.schema
        for column, version in enumerate(diff.versions, 2):
            item = QTableWidgetItem(short(version.describe(text), 60))
            item.setToolTip(plain(version.describe(text)))
            labels = [s.label for s in version.spans] if not version.arguments else []
            if labels:
                item.setIcon(swatch(schema.color(labels[0])))
            if not version.spans and not version.arguments:
                item.setForeground(GREY)
            self.table.setItem(row, column, item)

    def current(self) -> Difference | None:
        row = self.table.currentRow()
        return self.diffs[row] if 0 <= row < len(self.diffs) else None

    def _show_title(self, names: list[str]) -> None:
        doc = self.session.view.doc
        status = self.session.store.status(doc.id, GOLD)
        if len(names) < 2:
            who = ", ".join(self.candidates) or "nobody"
            state = (f"needs two or more annotators (this document has: {escape(who)}); "
                     "edit gold by hand or open another document")
        elif self.diffs:
            state = f"<b>{len(self.diffs)}</b> difference{'s' if len(self.diffs) > 1 else ''} left"
        else:
            state = ("<span style='color:#2e9d57'><b>all settled</b></span> — Ctrl+Return marks "
                     "the gold done and opens the next document")
        merged = f" · {self.merged} agreed merged" if self.merged else ""
        self.title.setText(f"<b>Curating into gold</b>: {escape(doc.name)} — {state}{merged}"
                           f" · gold {status.value.replace('_', ' ')}")
        keys = [f"<b>{n}</b> take {escape(name)}'s"
                for n, name in enumerate(names[:MAX_KEYED], 1)]
        keys += ["<b>D</b> drop all", "<b>E</b> edit in the article",
                 "<b>N</b>/<b>P</b> or <b>Tab</b> next/previous", "<b>F6</b> back here",
                 "<b>Ctrl+Z</b> undo"]
        self.legend.setText("&nbsp;&nbsp;·&nbsp;&nbsp;".join(keys))
        enabled = bool(self.diffs)
        self.act_next.setEnabled(enabled)
        self.act_prev.setEnabled(enabled)
        for action in (*self.take_actions, self.act_drop, self.act_edit):
            action.setEnabled(enabled)
        for n, action in enumerate(self.take_actions):
            action.setVisible(n < len(names))
            if n < len(names):
                action.setText(f"Take {names[n]}'s Version")

    def _current_changed(self) -> None:
        diff = self.current()
        view = self.ctx.article
        view.find_ranges = [(diff.start, diff.end)] if diff else []
        view.viewport().update()
        if diff is None:
            self.detail.setHtml("" if self.session.view is None else
                                "<p style='color:gray'>Nothing left to settle here.</p>")
            return
        self._scroll_to(diff.start)
        if diff.trigger is not None:
            self.session.select(diff.trigger.id)
        self.detail.setHtml(self._detail_html(diff))

    def _scroll_to(self, start: int) -> None:
        """Put the place in the middle of the article, where the eye is, not at its edge."""
        view = self.ctx.article
        cursor = QTextCursor(view.document())
        cursor.setPosition(view.offsets.to_qt(start))
        view.setTextCursor(cursor)
        bar = view.verticalScrollBar()
        bar.setValue(bar.value() + view.cursorRect().center().y()
                     - view.viewport().height() // 2)

    def _detail_html(self, diff: Difference) -> str:
        text = self.session.view.doc.text
        names = self.compared()
        parts = []
        if diff.kind == "arguments":
            parts.append(f"<p>Everyone marked the <b>{escape(diff.trigger.label)}</b> event "
                         f"“{escape(diff.trigger.text_in(text))}”; its arguments differ.</p>")
        first_with: dict[tuple, str] = {}
        for n, version in enumerate(diff.versions, 1):
            key = f"<b>[{n}]</b> " if n <= MAX_KEYED else ""
            same = first_with.setdefault(_content(version), version.annotator)
            echo = (f" <span style='color:gray'>— same as {escape(same)}</span>"
                    if same != version.annotator else "")
            parts.append(f"<p>{key}<b>{escape(version.annotator)}</b>{echo}<br>"
                         f"{self._version_html(diff, version, text)}</p>")
        if len(names) > 1:
            parts.append("<p style='color:gray'>[D] drops every version (gold keeps nothing "
                         "here); [E] edits gold in the article.</p>")
        return "".join(parts)

    def _version_html(self, diff: Difference, version: Version, text: str) -> str:
        if diff.kind == "arguments":
            if not version.arguments:
                return "<i style='color:gray'>no arguments</i>"
            return "<br>".join(f"{escape(role)}: {self._chip(span.label)} "
                               f"“{escape(span.text_in(text))}”"
                               for role, span in version.arguments)
        lo, hi = max(0, diff.start - CONTEXT), min(len(text), diff.end + CONTEXT)
        marks = sorted(version.spans, key=lambda s: (s.start, -s.end))
        out, at = [], lo
        for span in marks:
            if span.start < at:
                continue
            out.append(escape(text[at:span.start]))
            color = css_color(self.session.schema.color(span.label))
            out.append(f"<span style='background:{color}; color:#1d1d1f'>"
                       f"{escape(span.text_in(text))}</span>"
                       f"&thinsp;{self._chip(span.label)}")
            at = span.end
        out.append(escape(text[at:hi]))
        body = "".join(out).replace("\n", " ")
        if not marks:
            body += " <i style='color:gray'>(nothing marked here)</i>"
        return ("…" if lo else "") + body + ("…" if hi < len(text) else "")

    def _chip(self, label: str) -> str:
        return (f"<span style='background:{css_color(self.session.schema.color(label))};"
                " color:#1d1d1f;"
                f" font-size:small; font-weight:600'>&nbsp;{escape(label)}&nbsp;</span>")

    # --- settling ----------------------------------------------------------------------------
    def take(self, index: int | None) -> None:
        """Settle the current difference with the index-th compared annotator's version (None:
        drop every version)."""
        diff = self.current()
        names = self.compared()
        if diff is None or (index is not None and index >= len(names)):
            return
        choice = names[index] if index is not None else None
        self.session.apply(resolution(self.session.store, diff, choice),
                           select=lambda _e: None, operation="adjudicate")
        self.table.setFocus()

    def step(self, direction: int) -> None:
        if not self.diffs:
            return
        row = self.table.currentRow() + direction
        self.table.setCurrentCell(max(0, min(row, len(self.diffs) - 1)), 0)

    def edit(self) -> None:
        """Hand the current place to the article, where gold is edited like any layer."""
        diff = self.current()
        if diff is None:
            return
        if diff.kind == "arguments":
            trigger = diff.trigger
            self.session.apply(UpdateSpan(trigger.id, {"origin": ADJUDICATED},
                                          f"Curate {trigger.label} arguments by hand"),
                               select=lambda _e: trigger.id, operation="adjudicate")
            self.session.message.emit("Fill or remove the event's roles in the Event panel "
                                      "(Alt+1…9, then click the argument); F6 comes back here")
            self.ctx.article.setFocus()
            return
        kind = SpanKind(diff.kind)
        gold = [s for s in self.session.view.spans if s.kind is kind
                and s.start < diff.end and diff.start < s.end]
        if gold:
            self.ctx.show_span(gold[0].id)
        else:
            self.ctx.article.select_text(diff.start, diff.end)
            self.ctx.article.setFocus()
        self.session.message.emit("Editing gold: a label key labels the selection or relabels "
                                  "the span, [ and ] resize (Annotate › Resize Span); F6 comes "
                                  "back to the differences")


class CurationDock(QDockWidget):
    """The panel in a bottom dock that shows only while curating."""

    def __init__(self, ctx: WindowContext):
        super().__init__("Curation", ctx.parent)
        self.setObjectName("curationDock")
        self.setFeatures(QDockWidget.DockWidgetMovable)
        self.panel = CurationPanel(ctx)
        self.setWidget(self.panel)
        self.setTitleBarWidget(QWidget())  # the panel's first line is its title
        self.panel.activeChanged.connect(self.setVisible)
        ctx.add_dock(self, Qt.BottomDockWidgetArea)
        self.hide()


def _content(version: Version) -> tuple:
    """What a version says, without who said it: equal for annotators who agree."""
    return (tuple(sorted(s.key for s in version.spans)),
            tuple((role, s.start, s.end) for role, s in version.arguments))
