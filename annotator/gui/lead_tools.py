"""The project lead's commands, added to the main window's menus: Review → Agreement… and
Curate into Gold, File → Split for Annotators… and Merge Annotator Files….

They live apart from the annotator's workbench (`main_window`), which calls `install` once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from annotator.gui import team_dialogs
from annotator.gui.agreement_view import AgreementDialog
from annotator.gui.curation import CurationDock
from annotator.model import GOLD

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow


class LeadTools:
    """The actions and the windows they open, owned by one main window."""

    def __init__(self, window: MainWindow):
        self.window = window
        self.agreement: AgreementDialog | None = None
        self.curation = CurationDock(window)
        panel = self.curation.panel
        self.act_agreement = self._action("&Agreement…", self.show_agreement, "Ctrl+Shift+K")
        self.act_curate = self._action("&Curate into Gold", self.toggle_curation, "Ctrl+Shift+G")
        self.act_curate.setCheckable(True)
        self.act_curate.setStatusTip("Compare every annotator's work on this document and "
                                     "settle each difference into the gold layer with one key")
        self.act_back = self._action("Back to the &Differences", panel.focus, "F6")
        self.act_back.setEnabled(False)
        panel.activeChanged.connect(self._curation_changed)
        self.act_split = self._action("&Split for Annotators…",
                                      lambda: team_dialogs.split_dialog(window))
        self.act_merge = self._action("&Merge Annotator Files…",
                                      lambda: team_dialogs.merge_dialog(window))

    def _action(self, text: str, slot, key: str | None = None) -> QAction:
        action = QAction(text, self.window)
        if key:
            action.setShortcut(QKeySequence(key))
        action.triggered.connect(lambda _checked=False: slot())
        self.window.addAction(action)
        return action

    def add_to_menus(self) -> None:
        review = self.window.review_menu
        review.addSeparator()
        review.addActions([self.act_agreement, self.act_curate, self.act_back])
        settle = review.addMenu("&Settle Difference")
        settle.addActions(self.curation.panel.key_actions)
        file_menu = self.window.menuBar().actions()[0].menu()
        actions = file_menu.actions()
        after_export = actions[actions.index(self.window.act_export):]
        before = next((a for a in after_export if a.isSeparator()), None)
        file_menu.insertSeparator(before)
        file_menu.insertActions(before, [self.act_split, self.act_merge])

    # --- agreement ---------------------------------------------------------------------------
    def show_agreement(self) -> AgreementDialog:
        """The agreement window, computed afresh when it opens (a shown one is raised)."""
        if self.agreement is None or not self.agreement.isVisible():
            store = self.window.session.store
            # someone who only opened documents (the lead, say) has nothing to compare
            working = [a for a in store.annotators()
                       if store.done_ids(a) or store.annotated_ids(a)]
            self.agreement = AgreementDialog(store.path, store.annotators(), store.schema,
                                             self.window, checked=working)
            self.agreement.setAttribute(Qt.WA_DeleteOnClose)
            self.agreement.destroyed.connect(self._agreement_closed)
            self.agreement.locate.connect(self.show_place)
            self.agreement.show()
            self.agreement.compute()
        self.agreement.raise_()
        self.agreement.activateWindow()
        return self.agreement

    def _agreement_closed(self) -> None:
        self.agreement = None

    def show_place(self, doc_id: int, start: int, end: int) -> None:
        """Open a document and show `start..end`: the span of the layer on screen that covers
        most of it, else the text itself selected."""
        window = self.window
        window.open_document(doc_id)
        window.raise_()
        window.activateWindow()
        if start < 0:
            return
        spans = [s for s in window.session.view.spans if s.start < end and start < s.end]
        best = max(spans, key=lambda s: (min(s.end, end) - max(s.start, start),
                                         -abs(s.end - s.start - (end - start))), default=None)
        if best is not None:
            window.choose_span(best.id)
        else:
            window.session.select(None)
            window.view.select_text(start, end)
            window.view.setFocus()

    # --- curation ----------------------------------------------------------------------------
    def toggle_curation(self) -> None:
        panel = self.curation.panel
        if panel.active:
            panel.stop()
        else:
            panel.start()

    def _curation_changed(self, active: bool) -> None:
        self.act_curate.setChecked(active)
        self.act_back.setEnabled(active)
        if not active and self.window.session.annotator == GOLD:
            self.window.statusBar().showMessage("Left curation; still on the gold layer "
                                                "(File → Switch Annotator to change)", 6000)


def install(window: MainWindow) -> LeadTools:
    tools = LeadTools(window)
    tools.add_to_menus()
    return tools
