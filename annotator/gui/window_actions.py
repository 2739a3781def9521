"""The window's commands as `QAction`s, and the menus that hold them.

Every command is a `QAction` (menu text, shortcut, slot), so menus, keys, the palette and the
Help → Shortcuts sheet are one list. Single-key annotation actions are scoped to the article
(`WidgetWithChildrenShortcut`), so typing in a search field never labels anything. Mixed into
`annotator.gui.main_window.MainWindow`, whose session, article view and settings they use.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.gui import styles
from annotator.gui.shortcuts import ShortcutSheet
from annotator.model import Status

ROLE_KEYS = 9


class ActionsAndMenus:
    """Building the actions and menus, and the commands that only change the window itself
    (zoom, theme, help)."""

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
