"""The main window: document list | article | event frame, spans and palette; menus and keys.

This module is the layout: panes, status bar and the wiring of signals. The commands and menus
are in `window_actions.py`, moving between documents in `window_documents.py`, what the
article's keys and clicks do in `window_spans.py`; `MainWindow` mixes the three in. It imports
no feature module: features install themselves (`annotator.gui.windows`).
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMainWindow, QSplitter, QTabWidget, QVBoxLayout, QWidget

from annotator.gui.article_view import ArticleView
from annotator.gui.context import WindowContext
from annotator.gui.document_list import DocumentList
from annotator.gui.event_panel import EventPanel
from annotator.gui.find import FindBar
from annotator.gui.palette import LabelPalette
from annotator.gui.session import Session
from annotator.gui.span_panel import SpanPanel
from annotator.gui.window_actions import ActionsAndMenus
from annotator.gui.window_documents import DocumentNavigation
from annotator.gui.window_spans import SpanCommands
from annotator.store import Store


class MainWindow(ActionsAndMenus, DocumentNavigation, SpanCommands, QMainWindow):
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
        self.documents = DocumentList(self.session, self.settings)
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
        self.documents.refresher.request()
        self._update_progress()
        first = self._last_document() or self.documents.neighbour(1)
        if first is not None:
            self.open_document(first)
        self.resize(1500, 920)
        if self.session.same_annotator_elsewhere:
            QTimer.singleShot(0, self, self._warn_same_annotator)

    # --- layout ------------------------------------------------------------------------------
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
        s.suggestionsRefreshed.connect(self.documents.reload)
        s.selectionChanged.connect(self._selection_changed)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.view.setFocus()  # keys are for the article from the first moment

    def closeEvent(self, event) -> None:
        self.settings.setValue("geometry", self.saveGeometry())
        self.documents.refresher.stop()
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
