"""The main window: document list | article | event frame, spans and palette; menus and keys.

Every command is a `QAction` (menu text, shortcut, slot), so menus, keys, the palette and the
Help → Shortcuts sheet are one list. Single-key annotation actions are scoped to the article
(`WidgetWithChildrenShortcut`), so typing in a search field never labels anything.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import QPoint, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.gui import styles
from annotator.gui.article_view import ArticleView
from annotator.gui.cells import place_over
from annotator.gui.context import WindowContext
from annotator.gui.document_list import DocumentList
from annotator.gui.event_panel import EventPanel
from annotator.gui.find import AnnotateAll, CorpusSearch, FindBar
from annotator.gui.palette import LabelPalette
from annotator.gui.session import Session
from annotator.gui.shortcuts import ShortcutSheet
from annotator.gui.span_panel import SpanPanel
from annotator.model import SpanKind, Status
from annotator.store import Store, StoreError

ROLE_KEYS = 9


class MainWindow(QMainWindow):
    def __init__(self, store: Store, annotator: str, settings: QSettings | None = None):
        super().__init__()
        self.settings = settings or QSettings()
        self.session = Session(store, annotator, self)
        self.setWindowTitle(f"{store.path.stem} — Annotator")
        self.view = ArticleView(self.session)
        size = self.settings.value("articleFontSize")
        if size:
            self.view.zoom(0, float(size))
        self.find_bar = FindBar(self.session, self.view)
        self.documents = DocumentList(self.session)
        self.span_panel = SpanPanel(self.session)
        self.event_panel = EventPanel(self.session)
        self.label_actions: dict[str, QAction] = {}
        #: the status bar's description of the selected span, while it shows one
        self._described = ""
        self._build_actions()
        self._build_menus()
        self._build_layout()
        self._build_status_bar()
        self._connect()
        self.context = WindowContext(
            self, self.session, self.settings, self.menus, self.statusBar(), self.view,
            self.open_document, self.choose_span, self.reload_project, self.sections)
        #: what `annotator.gui.windows` installed on this window, by feature name
        self.features: dict[str, object] = {}
        self.documents.reload()
        self._update_progress()
        first = self._last_document() or self.documents.neighbour(1)
        if first is not None:
            self.open_document(first)
        self.resize(1500, 920)
        if self.session.same_annotator_elsewhere:
            QTimer.singleShot(0, self, self._warn_same_annotator)

    # --- building ----------------------------------------------------------------------------
    def _action(self, text: str, slot: Callable[[], object], keys: tuple[str, ...] = (),
                *, local: bool = False, tip: str = "") -> QAction:
        """A command; `local` ones only listen while the article has the focus."""
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.triggered.connect(lambda _checked=False: slot())
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        if local:
            action.setShortcutContext(Qt.WidgetWithChildrenShortcut)
            self.view.addAction(action)
        return action

    def _build_actions(self) -> None:
        s = self.session
        a = self._action
        self.act_quit = a("&Quit", self.close, ("Ctrl+Q",))
        self.act_undo = a("&Undo", s.undo, ("Ctrl+Z",))
        self.act_redo = a("&Redo", s.redo, ("Ctrl+Shift+Z", "Ctrl+Y"))
        s.undo_stack.indexChanged.connect(self._history_changed)
        self._history_changed()
        self.act_find = a("&Find…", self.find_in_document, ("Ctrl+F",))
        self.act_find_next = a("Find &Next", lambda: self.find_bar.step(1), ("F3",))
        self.act_find_prev = a("Find Pre&vious", lambda: self.find_bar.step(-1), ("Shift+F3",))
        self.act_find_corpus = a("Find in &Corpus…", self.find_in_corpus, ("Ctrl+Shift+F",))
        self.act_escape = a("Cancel", self.cancel, ("Escape",), local=True,
                            tip="Stop picking an argument, clear the selection, close the event")

        self.act_accept = a("&Accept Suggestion", s.accept, ("Return", "Space"), local=True)
        self.act_reject = a("&Reject / Delete", s.reject, ("X", "Backspace"), local=True)
        self.act_delete = a("&Delete Span", s.delete, ("Delete",), local=True)
        self.act_accept_all = a("Accept A&ll Remaining Suggestions", s.accept_all,
                                ("Ctrl+Shift+A",), local=True)
        self.act_next_span = a("&Next Span", lambda: self.step_span(1), ("Tab",), local=True)
        self.act_prev_span = a("&Previous Span", lambda: self.step_span(-1), ("Shift+Tab",),
                               local=True)
        self.act_next_suggestion = a("Next S&uggestion", lambda: self.step_span(1, True),
                                     ("Ctrl+Tab",), local=True)
        # brackets, not Alt+Shift+arrows: desktops (openbox, KDE, Xfce) keep those for moving
        # windows between workspaces (keymap.DESKTOP_KEYS); every key can be changed in Settings
        self.act_grow_start = a("Grow Start ←", lambda: s.resize("start", -1),
                                ("[", "Alt+Left"), local=True)
        self.act_shrink_start = a("Shrink Start →", lambda: s.resize("start", 1),
                                  ("Ctrl+[", "Alt+Right"), local=True)
        self.act_grow_end = a("Grow End →", lambda: s.resize("end", 1), ("]",), local=True)
        self.act_shrink_end = a("Shrink End ←", lambda: s.resize("end", -1), ("Ctrl+]",),
                                local=True)
        self.act_trigger = a("Make &Event Trigger…", self.choose_event_type, ("Ctrl+E",),
                             local=True)
        self.act_all = a("Annotate All &Occurrences…", self.annotate_all, ("Ctrl+Shift+L",),
                         local=True)
        self.role_actions = [
            a(f"Fill Role {n}", lambda n=n: self.choose_role_number(n), (f"Alt+{n}",),
              local=True)
            for n in range(1, ROLE_KEYS + 1)
        ]
        self._add_label_actions()

        self.act_next_doc = a("&Next Document", lambda: self.step_document(1),
                              ("Ctrl+PgDown",))
        self.act_prev_doc = a("&Previous Document", lambda: self.step_document(-1),
                              ("Ctrl+PgUp",))
        self.act_done = a("Mark &Done and Go to Next", self.mark_done_and_next,
                          ("Ctrl+Return",))
        self.act_reopen = a("Mark In &Progress", lambda: s.set_status(Status.IN_PROGRESS))
        self.act_shortcuts = a("&Keyboard Shortcuts", self.show_shortcuts, ("F1",))
        self.act_about = a("&About Annotator", self.about)
        self.act_zoom_in = a("Zoom &In", lambda: self.zoom(1), ("Ctrl++", "Ctrl+="))
        self.act_zoom_out = a("Zoom &Out", lambda: self.zoom(-1), ("Ctrl+-",))
        self.theme_actions = QActionGroup(self)
        for theme in styles.THEMES:
            action = self.theme_actions.addAction(theme.capitalize())
            action.setCheckable(True)
            action.setChecked(theme == str(self.settings.value("theme", "system")))
            action.triggered.connect(lambda _c=False, t=theme: self.set_theme(t))

    def _history_changed(self, _index: int = 0) -> None:
        """Undo/Redo name what they would do, as `createUndoAction`'s would; they trigger the
        session's guarded path instead of moving the stack themselves."""
        stack = self.session.undo_stack
        for action, verb, can, text in (
                (self.act_undo, "&Undo", stack.canUndo(), stack.undoText()),
                (self.act_redo, "&Redo", stack.canRedo(), stack.redoText())):
            action.setEnabled(can)
            action.setText(f"{verb} {text}" if can and text else verb)

    def _add_label_actions(self) -> list[str]:
        """An action per schema label that has none yet; returns the labels added."""
        schema = self.session.schema
        added = [lb for lb in {**schema.entities, **schema.events} if lb not in self.label_actions]
        for label in added:
            spec = schema.entities.get(label) or schema.events[label]
            keys = (spec.key,) if spec.key else ()
            self.label_actions[label] = self._action(
                label, lambda lb=label: self.apply_label(lb), keys, local=True,
                tip=spec.description or label)
        return added

    def _build_menus(self) -> None:
        """The named menus and, inside them, the named sections that features fill
        (`WindowContext.add_action(..., section="file/data")`)."""
        bar = self.menuBar()
        self.sections: dict[str, QAction] = {}
        file = bar.addMenu("&File")
        for name in ("project", "data", "annotator"):
            self.sections[f"file/{name}"] = file.addSeparator()
        file.addAction(self.act_quit)

        edit = bar.addMenu("&Edit")
        edit.addActions([self.act_undo, self.act_redo])
        edit.addSeparator()
        edit.addActions([self.act_find, self.act_find_next, self.act_find_prev,
                         self.act_find_corpus])

        annotate = bar.addMenu("&Annotate")
        self.entity_menu = annotate.addMenu("&Entity Label")
        self.event_menu = annotate.addMenu("E&vent Type")
        self._fill_label_menus()
        annotate.addAction(self.act_trigger)
        annotate.addSeparator()
        annotate.addActions([self.act_accept, self.act_reject, self.act_delete,
                             self.act_accept_all])
        annotate.addSeparator()
        annotate.addActions([self.act_next_span, self.act_prev_span, self.act_next_suggestion])
        size = annotate.addMenu("&Resize Span")
        size.addActions([self.act_grow_start, self.act_shrink_start, self.act_grow_end,
                         self.act_shrink_end])
        roles = annotate.addMenu("Fill Event R&ole")
        roles.addActions(self.role_actions)
        annotate.addSeparator()
        annotate.addActions([self.act_all, self.act_escape])

        self.review_menu = bar.addMenu("&Review")
        self.review_menu.addActions([self.act_next_doc, self.act_prev_doc])
        self.review_menu.addSeparator()
        self.review_menu.addActions([self.act_done, self.act_reopen])
        self.sections["review/documents"] = self.review_menu.addSeparator()

        view = bar.addMenu("&View")
        view.addActions([self.act_zoom_in, self.act_zoom_out])
        view.addMenu("&Theme").addActions(self.theme_actions.actions())

        help_menu = bar.addMenu("&Help")
        help_menu.addActions([self.act_shortcuts, self.act_about])
        self.menus = {"file": file, "edit": edit, "annotate": annotate,
                      "review": self.review_menu, "view": view, "help": help_menu}

    def _fill_label_menus(self) -> None:
        schema = self.session.schema
        for menu, labels in ((self.entity_menu, schema.entities), (self.event_menu, schema.events)):
            menu.clear()
            menu.addActions([self.label_actions[lb] for lb in labels])

    def _build_layout(self) -> None:
        center = QWidget()
        center.setObjectName("articlePane")
        column = QVBoxLayout(center)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.doc_title = QLabel()
        self.doc_title.setObjectName("documentTitle")
        self.doc_title.setTextFormat(Qt.RichText)
        self.doc_title.setContentsMargins(40, 10, 16, 4)
        column.addWidget(self.doc_title)
        column.addWidget(self.view, 1)
        column.addWidget(self.find_bar)

        side = QSplitter(Qt.Vertical)
        side.setChildrenCollapsible(False)
        event_box = _titled("Event", self.event_panel)
        self.side_tabs = QTabWidget()
        self.side_tabs.setDocumentMode(True)
        self.side_tabs.addTab(self.span_panel, "Spans")
        self._add_palette()
        side.addWidget(event_box)
        side.addWidget(self.side_tabs)
        side.setSizes([300, 520])

        left = _titled("Documents", self.documents)
        split = QSplitter(Qt.Horizontal)
        split.addWidget(left)
        split.addWidget(center)
        split.addWidget(side)
        split.setStretchFactor(1, 1)
        split.setSizes([330, 830, 420])
        split.setChildrenCollapsible(False)
        self.setCentralWidget(split)
        for widget in (self.span_panel, self.event_panel.tree):
            widget.setFocusPolicy(Qt.NoFocus)

    def _add_palette(self) -> None:
        """The Labels tab, built from the schema (again when an import added labels)."""
        current = self.side_tabs.currentIndex()
        if self.side_tabs.count() > 1:
            old = self.side_tabs.widget(1)
            self.side_tabs.removeTab(1)
            old.deleteLater()
        self.palette_tab = LabelPalette(self.session.schema, self.label_actions)
        self.palette_tab.setFocusPolicy(Qt.NoFocus)
        self.side_tabs.addTab(self.palette_tab, "Labels")
        self.side_tabs.setCurrentIndex(current)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.annotator_label = QLabel()
        self.annotator_label.setTextFormat(Qt.RichText)
        self.progress_label = QLabel()
        self.saved_label = QLabel("All changes saved")
        self.saved_label.setObjectName("savedLabel")
        for label in (self.annotator_label, self.progress_label, self.saved_label):
            label.setContentsMargins(8, 0, 8, 0)
            bar.addPermanentWidget(label)
        self._update_annotator()

    def _connect(self) -> None:
        s = self.session
        self.documents.documentChosen.connect(self.open_document)
        self.span_panel.spanChosen.connect(self.choose_span)
        self.view.spanClicked.connect(self.span_clicked)
        self.view.contextRequested.connect(self.context_menu)
        self.event_panel.roleChosen.connect(self.choose_role)
        self.event_panel.argumentRemoved.connect(s.remove_argument)
        s.saved.connect(self.saved_label.setText)
        s.message.connect(lambda text: self.statusBar().showMessage(text, 5000))
        s.statusChanged.connect(lambda _doc: self._update_progress())
        s.pendingRoleChanged.connect(self._pending_role_changed)
        s.annotatorChanged.connect(lambda _name: self._annotator_changed())
        s.documentOpened.connect(self._document_opened)
        s.projectChanged.connect(self._project_changed)
        s.selectionChanged.connect(self._selection_changed)

    # --- documents ---------------------------------------------------------------------------
    def open_document(self, doc_id: int) -> None:
        self.session.open_document(doc_id)
        self.view.setFocus()

    def _document_opened(self, doc_id: int) -> None:
        doc = self.session.view.doc
        words = len(doc.text.split())
        self.doc_title.setText(f"<span style='font-size:13pt;font-weight:600'>{escape(doc.name)}"
                               "</span>"
                               f"&nbsp;&nbsp;<span style='color:gray'>{words:,} words</span>")
        self.settings.setValue(f"lastDocument/{self.session.store.path}", doc_id)

    def _warn_same_annotator(self) -> None:
        """A second window (or program) of the same annotator on this project: say so once.
        Both may edit; each shows the other's edits within a second."""
        others = self.session.same_annotator_elsewhere
        box = QMessageBox(QMessageBox.Warning, "Project already open",
                          f"{self.session.annotator} already has this project open:\n"
                          + "\n".join(f"• {other.describe()}" for other in others),
                          QMessageBox.Ok, self)
        box.setObjectName("sameAnnotatorWarning")
        box.setTextFormat(Qt.PlainText)
        box.setInformativeText("You can go on in both: each window shows the other's edits "
                               "within a second. Closing one of them is simpler.")
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.open()
        self.statusBar().showMessage(f"{self.session.annotator} also has this project open "
                                     "elsewhere", 10000)

    def _last_document(self) -> int | None:
        """The document this project was left on, if it is still there."""
        value = self.settings.value(f"lastDocument/{self.session.store.path}")
        try:
            doc_id = int(value)
            self.session.store.document(doc_id)
        except (TypeError, ValueError, StoreError):
            return None
        return doc_id

    def step_document(self, direction: int) -> None:
        target = self.documents.neighbour(direction)
        if target is None:
            self.statusBar().showMessage("No more documents in this list", 4000)
            return
        self.open_document(target)

    def mark_done_and_next(self) -> None:
        """Ctrl+Enter. With suggestions still pending it asks first: accept them all, reject
        them all, or go back to them (a document is never done with open questions)."""
        pending = len(self.session.view.pending()) if self.session.view else 0
        if pending:
            self._ask_before_done(pending)
            return
        self._finish_document()

    def _ask_before_done(self, pending: int) -> None:
        text = ("1 suggestion on this document is" if pending == 1 else
                f"{pending} suggestions on this document are") + " not decided yet."
        box = QMessageBox(QMessageBox.Question, "Suggestions still pending", text,
                          QMessageBox.NoButton, self)
        box.setObjectName("pendingBeforeDone")
        box.setTextFormat(Qt.PlainText)
        box.setInformativeText("Decide them all before marking the document done?")
        accept = box.addButton("&Accept All and Finish", QMessageBox.AcceptRole)
        reject = box.addButton("&Reject All and Finish", QMessageBox.DestructiveRole)
        box.addButton(QMessageBox.Cancel)
        box.setDefaultButton(QMessageBox.Cancel)
        box.setAttribute(Qt.WA_DeleteOnClose)

        def chosen(button) -> None:
            if button in (accept, reject):
                if self.session.decide_all(accept=button is accept):
                    self._finish_document()
            else:
                self.view.setFocus()

        box.buttonClicked.connect(chosen)
        box.open()

    def _finish_document(self) -> None:
        if not self.session.set_status(Status.DONE):
            return
        following = self.documents.neighbour(1)
        if following is not None:
            self.open_document(following)
        else:
            self.statusBar().showMessage("Done — that was the last document in the list", 5000)

    def _project_changed(self) -> None:
        """Another window or program wrote: statuses and pending counts may have moved."""
        self.documents.reload()
        self._update_progress()
        self.statusBar().showMessage("Shown afresh: another window or program changed this "
                                     "project", 5000)

    def _update_progress(self) -> None:
        done, total = self.documents.counts()
        self.progress_label.setText(f"{done} of {total} documents done")

    def _update_annotator(self) -> None:
        self.annotator_label.setText(f"Annotator: <b>{escape(self.session.annotator)}</b>")

    def _annotator_changed(self) -> None:
        self._update_annotator()
        self.documents.reload()
        self._update_progress()

    # --- spans -------------------------------------------------------------------------------
    def apply_label(self, label: str) -> None:
        if self.session.label(label, self.view.selection()):
            self._clear_text_selection()

    def _clear_text_selection(self) -> None:
        cursor = self.view.textCursor()
        if cursor.hasSelection():
            cursor.clearSelection()
            self.view.setTextCursor(cursor)

    def step_span(self, direction: int, pending_only: bool = False) -> None:
        position = self.view.offsets.to_py(self.view.textCursor().position())
        span = self.session.neighbour(direction, position, pending_only=pending_only)
        if span is not None:
            self.choose_span(span.id)

    def choose_span(self, span_id: int) -> None:
        self.session.select(span_id)
        span = self.session.selected()
        if span is not None:
            self.view.show_span(span)
            self.view.setFocus()

    def span_clicked(self, span_id: int) -> None:
        span = self.session.view.by_id.get(span_id) if self.session.view else None
        if self.session.pending_role and span is not None:
            self.session.fill_role(self.session.pending_role, span)
            return
        self.session.select(span_id if span is not None else None)

    def _selection_changed(self) -> None:
        span = self.session.selected()
        if span is None:
            # an undo or a delete took the span away: stop describing it
            if self.statusBar().currentMessage() == self._described:
                self.statusBar().clearMessage()
            return
        text = span.text_in(self.session.view.doc.text)
        what = "suggested " if self.session.view.is_suggestion(span) else ""
        hint = ("Enter accepts, X rejects, a label key relabels" if what
                else f"a label key relabels, Delete deletes, {self._resize_keys()} resize")
        self._described = f"{what}{span.label} “{text[:60]}” — {hint}"
        self.statusBar().showMessage(self._described, 8000)

    def _resize_keys(self) -> str:
        """The keys that grow a span, as the user has them: "[ ]" by default."""
        keys = [a.shortcut().toString(QKeySequence.NativeText)
                for a in (self.act_grow_start, self.act_grow_end)]
        return " ".join(k for k in keys if k) or "Annotate › Resize Span"

    def cancel(self) -> None:
        """Escape steps back one thing at a time: the role being picked, the selection, then
        the event frame."""
        if self.session.pending_role:
            self.session.set_pending_role(None)
            return
        if self.session.selected_id is None and not self.view.textCursor().hasSelection():
            self.session.close_event()
            return
        self._clear_text_selection()
        self.session.select(None)

    def context_menu(self, span_id: int, where: QPoint) -> None:
        span = self.session.view.by_id.get(span_id) if self.session.view else None
        menu = QMenu(self)
        if span is not None:
            self.session.select(span.id)
            if self.session.view.is_suggestion(span):
                menu.addAction(self.act_accept)
            menu.addAction(self.act_reject)
            if not self.session.view.is_suggestion(span):
                menu.addAction(self.act_delete)
            event = self.session.current_event()
            if event is not None and span.kind is SpanKind.ENTITY:
                for argument, filler in self.session.view.arguments_of(event):
                    if filler.id == span.id:
                        remove = menu.addAction(f"Remove as {argument.role} of {event.label}")
                        remove.triggered.connect(
                            lambda _c=False, arg=argument: self.session.remove_argument(arg))
            menu.addSeparator()
            relabel = menu.addMenu("Relabel as")
        else:
            relabel = menu.addMenu("Label selection as")
        entity_menu = relabel.addMenu("Entity")
        entity_menu.addActions([self.label_actions[lb] for lb in self.session.schema.entities])
        event_menu = relabel.addMenu("Event")
        event_menu.addActions([self.label_actions[lb] for lb in self.session.schema.events])
        menu.addSeparator()
        menu.addActions([self.act_all, self.act_accept_all])
        menu.exec(where)

    def choose_event_type(self) -> None:
        types = list(self.session.schema.events)
        current = self.session.selected()
        start = types.index(current.label) if current and current.label in types else 0
        label, ok = QInputDialog.getItem(self, "Event type", "Make an event trigger of type:",
                                         types, start, False)
        if ok:
            self.apply_label(label)

    # --- events ------------------------------------------------------------------------------
    def choose_role_number(self, number: int) -> None:
        roles = self.event_panel.roles()
        if number <= len(roles):
            self.choose_role(roles[number - 1])

    def choose_role(self, role: str) -> None:
        if self.session.current_event() is None:
            return
        self.session.set_pending_role(role)
        self.view.setFocus()

    def _pending_role_changed(self, role: str) -> None:
        event = self.session.current_event()
        if role and event is not None:
            self.statusBar().showMessage(
                f"Pick the {role} of {event.label}: click a span, or select text and press a "
                f"label key. Esc cancels.")
        else:
            self.statusBar().clearMessage()

    # --- find --------------------------------------------------------------------------------
    def find_in_document(self) -> None:
        selection = self.view.selection()
        text = self.session.view.doc.text[slice(*selection)] if selection else ""
        self.find_bar.open(text if "\n" not in text else "")

    def find_in_corpus(self) -> None:
        dialog = CorpusSearch(self.session.store, self)
        dialog.opened.connect(self._open_hit)
        dialog.show()

    def _open_hit(self, doc_id: int, query: str) -> None:
        self.open_document(doc_id)
        self.find_bar.open(query)
        self.find_bar.step(1)

    def annotate_all(self) -> None:
        selection = self.view.selection()
        span = self.session.selected()
        if selection is not None:
            start, end = self.session.view.snap(*selection) or selection
            label = span.label if span else next(iter(self.session.schema.entities))
        elif span is not None:
            start, end, label = span.start, span.end, span.label
        else:
            self.statusBar().showMessage("Select a span or some text first", 4000)
            return
        needle = self.session.view.doc.text[start:end]
        dialog = AnnotateAll(self.session, needle, label, self)
        place_over(dialog, self.view)
        if dialog.exec():
            self.session.annotate_all(dialog.checked(), dialog.chosen_label())

    # --- projects -------------------------------------------------------------------------
    def reload_project(self) -> None:
        """After a background job changed the file: fresh list, fresh view of the document."""
        doc_id = self.session.doc_id
        self.session.seen_outside_changes()  # this re-read covers what the job wrote
        self.session.store.reread_schema()  # an import may have added labels
        if self._add_label_actions():
            self._fill_label_menus()
            self._add_palette()
        self.documents.reload()
        self._update_progress()
        if doc_id is not None:
            self.session.view = None
            self.session.open_document(doc_id)
        self.view.setFocus()

    # --- help --------------------------------------------------------------------------------
    def zoom(self, steps: int) -> None:
        self.view.zoom(steps)
        self.settings.setValue("articleFontSize", self.view.font().pointSizeF())

    def set_theme(self, theme: str) -> None:
        self.settings.setValue("theme", theme)
        styles.apply_theme(QApplication.instance(), theme)

    def show_shortcuts(self) -> None:
        ShortcutSheet(self.menuBar(), self).show()

    def about(self) -> None:
        QMessageBox.about(self, "About Annotator",
                          "<b>Annotator</b><br>Entities and events for news corpora: spaCy "
                          "suggests, people decide, every edit is saved at once.")

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.view.setFocus()  # keys are for the article from the first moment

    def closeEvent(self, event) -> None:
        self.settings.setValue("geometry", self.saveGeometry())
        self.session.close()
        super().closeEvent(event)

    def restore_geometry(self) -> None:
        geometry = self.settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)


def _titled(title: str, widget: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(10, 8, 10, 8)
    layout.setSpacing(6)
    heading = QLabel(title)
    heading.setObjectName("paneHeading")
    layout.addWidget(heading)
    layout.addWidget(widget, 1)
    return box
