"""File → Export…, Import…, Split and Merge driven through their dialogs on real project files:
an export read back by import gives the same annotations, a bad file names its line and
imports nothing, what a format cannot hold is reported, and team files go out and come back
(or are refused)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox, QProgressDialog, QPushButton, QToolButton
from review_windows import POMPEO

from annotator.errors import Cancelled
from annotator.gui import exchange_dialogs, team_dialogs
from annotator.gui.exchange_dialogs import ExportDialog, Outcome
from annotator.model import Document, Span
from annotator.store import Store

pytest_plugins = ["review_support"]


@pytest.fixture
def window(review_window):
    return review_window(annotator="alice")


def outcome(qtbot, window) -> str:
    """Wait for the job's outcome dialog, close it, return its text."""
    def shown() -> list[Outcome]:
        return [d for d in window.findChildren(Outcome) if d.isVisible()]
    qtbot.waitUntil(lambda: bool(shown()), timeout=20000)
    dialog = shown()[-1]
    dialog.accept()
    return dialog.summary


def choose(combo, data: str) -> None:
    combo.setCurrentIndex(combo.findData(data))


def type_into(line_edit, text: str) -> None:
    line_edit.selectAll()
    QTest.keyClicks(line_edit, text)


def press_ok(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.Ok), Qt.LeftButton)


def pompeo_layer(path: Path, name: str) -> tuple[set, set]:
    with Store(path) as store:
        doc = store.document_by_name(POMPEO)
        found = store.annotations(doc.id, name, effective=True)
        by_id = found.span_by_id()
        return ({(s.start, s.end, s.label, s.kind) for s in found.spans},
                {(by_id[a.trigger_id].start, a.role, by_id[a.argument_id].start)
                 for a in found.arguments})


def export(qtbot, window, fmt: str, out: Path) -> str:
    dialog = exchange_dialogs.export_dialog(window.context)
    choose(dialog.format, fmt)
    type_into(dialog.output, str(out))
    press_ok(qtbot, dialog)
    return outcome(qtbot, window)


def test_gui_export_then_import_round_trip(qtbot, window, review_window, review_project,
                                           tmp_path):
    QTest.keyClick(window, Qt.Key_E, Qt.ControlModifier | Qt.ShiftModifier)  # File → Export…
    dialog = next(d for d in window.findChildren(ExportDialog) if d.isVisible())
    assert dialog.chosen_layer() == "alice"            # the layer on screen
    choose(dialog.format, "jsonl")
    assert dialog.selected.text() == "1 document will be exported"
    dialog.reject()
    out = tmp_path / "alice.jsonl"
    assert "exported 1 document of" in export(qtbot, window, "jsonl", out)

    fresh = tmp_path / "fresh.db"
    Store(fresh).close()
    importer = review_window(project=fresh, document=None)
    dialog = exchange_dialogs.import_dialog(importer.context, [out])
    assert dialog.paths() == [out]
    type_into(dialog.layer.lineEdit(), "alice")
    press_ok(qtbot, dialog)
    assert "layer 'alice'" in outcome(qtbot, importer)
    assert pompeo_layer(fresh, "alice") == pompeo_layer(review_project, "alice")
    assert [row.name for row in importer.documents.model.rows] == [POMPEO]


def test_gui_import_error_names_file_and_line_and_imports_nothing(qtbot, window, review_project,
                                                                 tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "A fine line."}\n{"text": "broken\n', encoding="utf-8")
    dialog = exchange_dialogs.import_dialog(window.context, [bad])
    choose(dialog.format, "jsonl")
    press_ok(qtbot, dialog)
    text = outcome(qtbot, window)
    assert "Import failed: nothing was imported" in text
    assert f"File: {bad}, line 2" in text
    with Store(review_project) as store:
        assert store.count_documents() == 4


def test_gui_export_reports_what_conll_cannot_hold(qtbot, window, review_project, tmp_path):
    text = window.session.view.doc.text
    york = text.index("New York")
    window.session.store.add_span(Span(window.session.doc_id, york + 4, york + 8, "GPE",
                                       "alice"))   # "York" inside "New York"
    out = tmp_path / "alice.conll"
    report = export(qtbot, window, "conll", out)
    warnings = [line for line in report.splitlines() if line.startswith("warning: ")]
    assert [w.split(" (")[0] for w in warnings] == [
        "warning: 1 overlapping or nested entity spans not written",
        "warning: 1 events not written"]
    assert all(w.endswith(f"(in {POMPEO})") for w in warnings)
    assert out.read_text(encoding="utf-8").startswith("-DOCSTART-")


def test_gui_split_then_merge_and_a_foreign_file_is_refused(qtbot, window, review_project,
                                                            tmp_path):
    dialog = team_dialogs.split_dialog(window.context)
    type_into(dialog.annotators, "carol, dave")
    assert "4 documents" in dialog.preview.text()
    type_into(dialog.output, str(tmp_path / "team"))
    press_ok(qtbot, dialog)
    assert "carol: " in outcome(qtbot, window)
    carol = tmp_path / "team" / "review-carol.db"
    with Store(carol) as store:
        doc = store.iter_documents().__next__()
        store.add_span(Span(doc.id, 0, 5, "ORG", "carol"))
        name = doc.name

    team_dialogs.merge_files(window.context, [carol])
    assert "review-carol.db: carol on" in outcome(qtbot, window)
    with Store(review_project) as store:
        doc = store.document_by_name(name)
        assert [(s.start, s.end, s.label) for s in store.spans(doc.id, "carol")] == [
            (0, 5, "ORG")]

    stranger = tmp_path / "stranger.db"
    with Store(stranger) as store:
        doc_id = store.add_documents([Document("other", "Another text entirely.")]).added[0]
        store.add_span(Span(doc_id, 0, 7, "ORG", "erin"))
    team_dialogs.merge_files(window.context, [stranger])
    text = outcome(qtbot, window)
    assert "Merge failed: the project is unchanged" in text
    assert "stranger.db" in text and "'other' is not in" in text
    with Store(review_project) as store:
        assert "erin" not in store.annotators()


def test_gui_import_of_new_labels_widens_the_window_schema(qtbot, window, tmp_path):
    source = tmp_path / "doccano.jsonl"
    source.write_text(json.dumps({"text": "A drone hit the depot.",
                                  "label": [[2, 7, "WEAPON"]]}) + "\n", encoding="utf-8")
    dialog = exchange_dialogs.import_dialog(window.context, [source])
    choose(dialog.format, "doccano")
    press_ok(qtbot, dialog)
    assert "added to the project schema: WEAPON" in outcome(qtbot, window)
    assert "WEAPON" in window.session.schema.entities
    assert len(window.documents.model.rows) == 5
    # the new label is usable at once: menu, palette chip, and its action labels a selection
    assert "WEAPON" in [a.text() for a in window.entity_menu.actions()]
    chips = [c.text() for c in window.palette_tab.findChildren(QToolButton)]
    assert "WEAPON" in chips
    doc_id = next(r.id for r in window.documents.model.rows
                  if "drone" in window.session.store.document(r.id).text)
    window.open_document(doc_id)
    window.view.select_text(2, 7)
    window.label_actions["WEAPON"].trigger()
    with Store(window.session.store.path) as store:
        assert [(s.start, s.end, s.label) for s in store.spans(doc_id, "alice")] == [
            (2, 7, "WEAPON")]


def test_gui_cancel_in_the_progress_dialog_stops_the_job(qtbot, window):
    def work(store, progress) -> None:
        for done in range(10_000):
            if progress(done, 10_000) is False:
                raise Cancelled()
            time.sleep(0.001)

    exchange_dialogs.run_file_job(window.context, "Export", work, lambda _r: None,
                                  "nothing was written")
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(QProgressDialog)))
    progress = next(d for d in window.findChildren(QProgressDialog) if d.isVisible())
    qtbot.mouseClick(progress.findChild(QPushButton), Qt.LeftButton)
    qtbot.waitUntil(lambda: "cancelled" in window.statusBar().currentMessage())
    assert window.statusBar().currentMessage() == "Export cancelled: nothing was written"
    assert not [d for d in window.findChildren(Outcome) if d.isVisible()]


def test_gui_export_writes_conll_that_doccano_reads(qtbot, window, tmp_path):
    out = tmp_path / "for-doccano.conll"
    dialog = exchange_dialogs.export_dialog(window.context)
    choose(dialog.format, "conll")
    assert dialog.dialect.isVisibleTo(dialog)
    dialog.dialect.setCurrentIndex(dialog.dialect.findData("doccano"))
    type_into(dialog.output, str(out))
    press_ok(qtbot, dialog)
    outcome(qtbot, window)
    lines = [line for line in out.read_text(encoding="utf-8").splitlines() if line]
    assert lines and all(len(line.split("\t")) == 2 for line in lines)  # doccano's rule
