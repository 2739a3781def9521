"""Build `docs/screenshot-agreement.png` and `docs/screenshot-curation.png`.

    QT_QPA_PLATFORM=offscreen python docs/make_review_screenshots.py [OUT_DIR]

The sample corpus is pre-annotated with the real spaCy pipeline; two simulated annotators then
decide on every suggestion through the same edits the GUI makes, each with their own habits
(bob rejects some dates and calls some countries LOC, alice trims first names and skips a few
proposals), and both mark every article done. The window is then rendered offscreen: Review →
Agreement, and Review → Curate into Gold on the first article, one difference along.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from annotator import operations
from annotator.gui import app as gui_app
from annotator.gui.windows import build_window
from annotator.importing import import_documents
from annotator.model import SUGGESTIONS, Status
from annotator.nlp.loading import project_pipeline
from annotator.nlp.preannotate import preannotate
from annotator.paths import CORPUS
from annotator.store import Store

DOCUMENT = "pompeo-to-meet-counterpart-new-york"


def decide(store: Store, annotator: str, seed: int) -> None:
    rng = random.Random(seed)
    for doc_id in store.document_ids():
        text = store.document(doc_id).text
        for span in store.spans(doc_id, SUGGESTIONS):
            pending = {s.id for s in store.pending_suggestions(doc_id, annotator).spans}
            if span.id not in pending:
                continue  # decided already, as an argument of an accepted event
            roll = rng.random()
            words = span.text_in(text).split()
            if annotator == "bob" and span.label == "DATE" and roll < 0.4:
                edit = operations.reject(store, span, annotator)
            elif annotator == "bob" and span.label == "GPE" and roll < 0.25:
                edit = operations.relabel(store, span, "LOC", annotator)
            elif annotator == "alice" and span.label == "PERSON" and len(words) > 1 \
                    and roll < 0.4:
                trimmed = span.start + len(words[0]) + 1
                edit = operations.resize(store, span, trimmed, span.end, annotator)
            elif roll < 0.08:
                edit = operations.reject(store, span, annotator)
            else:
                edit = operations.accept(store, span, annotator)
            edit.apply(store)
        store.set_status(doc_id, annotator, Status.DONE)


def build(path: Path) -> None:
    with Store(path) as store:
        import_documents(store, [CORPUS], "txt")
        preannotate(store, project_pipeline(store))
        decide(store, "alice", 1)
        decide(store, "bob", 2)


def settle(app: QApplication, until=lambda: True, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        if until():
            break
        time.sleep(0.02)
    for _ in range(5):
        app.processEvents()


def main(out_dir: Path) -> None:
    app = gui_app.application("light", offscreen=True)
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "news.db"
        build(project)
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.IniFormat)
        window = build_window(Store(project), "lead", settings)
        window.resize(1600, 1000)
        window.show()
        window.open_document(window.session.store.document_by_name(DOCUMENT).id)
        dialog = window.features["review"].show_agreement()
        dialog.resize(1280, 800)
        settle(app, lambda: dialog.report is not None)
        dialog.tabs.setCurrentIndex(2)
        settle(app)
        dialog.grab().save(str(out_dir / "screenshot-agreement.png"))
        dialog.close()
        window.features["review"].toggle_curation()
        window.features["review"].curation.panel.step(1)
        settle(app)
        window.grab().save(str(out_dir / "screenshot-curation.png"))
        window.close()
        window.session.store.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent)
