"""The project lead's review: Review → Agreement… (the agreement window) and Curate into Gold
(the curation desk in a bottom dock, with its keys to settle each difference)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.gui.agreement_view import AgreementDialog
from annotator.gui.context import WindowContext
from annotator.gui.curation import CurationDock
from annotator.gui.folders import Folders
from annotator.model import GOLD


class ReviewTools:
    """The actions and the windows they open, owned by one main window."""

    def __init__(self, ctx: WindowContext):
        self.ctx = ctx
        self.agreement: AgreementDialog | None = None
        self.curation = CurationDock(ctx)
        panel = self.curation.panel
        review = ctx.menus["review"]
        self.act_agreement = ctx.add_action("&Agreement…", self.show_agreement,
                                            ("Ctrl+Shift+K",), menu="review")
        self.act_curate = ctx.add_action(
            "&Curate into Gold", self.toggle_curation, ("Ctrl+Shift+G",), menu="review",
            checkable=True, tip="Compare every annotator's work on this document and settle "
                                "each difference into the gold layer with one key")
        self.act_back = ctx.add_action("Back to the &Differences", panel.focus, ("F6",),
                                       menu="review")
        self.act_back.setEnabled(False)
        settle = review.addMenu("&Settle Difference")
        settle.addActions(panel.key_actions)
        panel.activeChanged.connect(self._curation_changed)

    # --- agreement ---------------------------------------------------------------------------
    def show_agreement(self) -> AgreementDialog:
        """The agreement window, computed afresh when it opens (a shown one is raised)."""
        if self.agreement is None or not self.agreement.isVisible():
            store = self.ctx.store
            # someone who only opened documents (the lead, say) has nothing to compare
            working = [a for a in store.annotators()
                       if store.done_ids(a) or store.annotated_ids(a)]
            self.agreement = AgreementDialog(store.path, store.annotators(), store.schema,
                                             self.ctx.parent, checked=working,
                                             folders=Folders(self.ctx.settings))
            self.agreement.setAttribute(Qt.WA_DeleteOnClose)
            self.agreement.destroyed.connect(self._agreement_closed)
            self.agreement.locate.connect(self.show_place)
            self.agreement.frontRequested.connect(self.bring_window_to_front)
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
        ctx = self.ctx
        ctx.open_document(doc_id)
        if start < 0:
            return
        spans = [s for s in ctx.session.view.spans if s.start < end and start < s.end]
        best = max(spans, key=lambda s: (min(s.end, end) - max(s.start, start),
                                         -abs(s.end - s.start - (end - start))), default=None)
        if best is not None:
            ctx.show_span(best.id)
        else:
            ctx.session.select(None)
            ctx.article.select_text(start, end)
            ctx.article.setFocus()

    def bring_window_to_front(self) -> None:
        """After a double click in the agreement window: work on the place in the article."""
        self.ctx.parent.raise_()
        self.ctx.parent.activateWindow()
        self.ctx.article.setFocus()

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
        if not active and self.ctx.session.annotator == GOLD:
            self.ctx.status("Left curation; still on the gold layer "
                            "(File → Switch Annotator to change)", 6000)


def install(ctx: WindowContext) -> ReviewTools:
    return ReviewTools(ctx)
