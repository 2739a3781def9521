"""Build `docs/screenshot-main.png`: the main window as an annotator sees it mid-article.

    QT_QPA_PLATFORM=offscreen python docs/make_main_screenshot.py [OUT.png] [--theme dark]

The sample corpus is pre-annotated with the real spaCy pipeline, then alice works through the
first lines of the Pompeo article with the keys a person uses (Tab to the next suggestion, Enter
to accept), and the window is rendered offscreen with the article's first event selected.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.gui import app as gui_app
from annotator.gui.windows import build_window
from annotator.importing import import_documents
from annotator.model import SpanKind
from annotator.nlp.loading import project_pipeline
from annotator.nlp.preannotate import preannotate
from annotator.paths import CORPUS
from annotator.store import Store

DOCUMENT = "pompeo-to-meet-counterpart-new-york"
ACCEPTED = 9  # suggestions alice has accepted so far, from the top of the article


def settle(app: QApplication, seconds: float = 0.5) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)


def main(out: Path, theme: str) -> None:
    app = gui_app.application(theme, offscreen=True)
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "news.db"
        with Store(project) as store:
            import_documents(store, [CORPUS], "txt")
            preannotate(store, project_pipeline(store))
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.IniFormat)
        window = build_window(Store(project), "alice", settings)
        window.resize(1600, 1000)
        window.show()
        window.activateWindow()  # keys reach the article only in the active window
        settle(app)
        window.open_document(window.session.store.document_by_name(DOCUMENT).id)
        view = window.view
        view.setFocus()
        for _ in range(ACCEPTED):
            QTest.keyClick(view, Qt.Key_Tab, Qt.ControlModifier)   # next suggestion
            QTest.keyClick(view, Qt.Key_Return)                      # accept
        trigger = next(s for s in window.session.view.spans if s.kind is SpanKind.TRIGGER)
        window.choose_span(trigger.id)
        view.verticalScrollBar().setValue(0)
        settle(app)
        if not window.grab().save(str(out)):
            raise SystemExit(f"cannot write {out}")
        window.close()
        window.session.store.close()


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    theme = "dark" if "--theme" in sys.argv and sys.argv[-1] == "dark" else "light"
    main(Path(args[0]) if args else Path(__file__).with_name("screenshot-main.png"), theme)
