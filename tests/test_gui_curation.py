"""Curation driven from the keyboard on the real window: Review → Curate merges what alice and
bob agree on into gold, then one key per difference settles the rest; a second connection to
the SQLite file checks gold after each step, and Ctrl+Z takes steps back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from review_windows import POMPEO

from annotator.adjudication import ADJUDICATED, AGREED
from annotator.gui import exchange_dialogs
from annotator.model import GOLD, MANUAL, Decision, Status
from annotator.store import Store

pytest_plugins = ["review_support"]


@pytest.fixture
def window(review_window):
    return review_window()


def gold(review_project: Path) -> tuple[set, set, set]:
    """(effective spans, tombstones, arguments) of gold, as (text, label, origin) tuples."""
    with Store(review_project) as store:
        doc = store.document_by_name(POMPEO)
        layer = store.annotations(doc.id, GOLD)
        by_id = layer.span_by_id()
        text = doc.text
        spans = {(s.text_in(text), s.label, s.origin) for s in layer.spans if s.is_effective}
        dropped = {(s.text_in(text), s.label) for s in layer.spans
                   if s.decision is Decision.REJECTED}
        arguments = {(by_id[a.trigger_id].label, a.role, by_id[a.argument_id].text_in(text))
                     for a in layer.arguments}
        return spans, dropped, arguments


def press(win, key: Qt.Key, modifiers=Qt.NoModifier) -> None:
    QTest.keyClick(win.features["review"].curation.panel.table, key, modifiers)


def rows(win) -> list[tuple[str, str]]:
    table = win.features["review"].curation.panel.table
    return [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())]


def current(win) -> tuple[str, str]:
    table = win.features["review"].curation.panel.table
    return table.item(table.currentRow(), 0).text(), table.item(table.currentRow(), 1).text()


def test_gui_curation_merges_agreement_and_settles_each_difference_with_one_key(
        qtbot, window, review_project):
    QTest.keyClick(window, Qt.Key_G, Qt.ControlModifier | Qt.ShiftModifier)
    panel = window.features["review"].curation.panel
    assert panel.active and window.features["review"].curation.isVisible()
    assert window.session.annotator == GOLD
    # what both agree on is in gold already
    spans, dropped, arguments = gold(review_project)
    assert spans == {("Mike Pompeo", "PERSON", AGREED), ("meet", "Contact:Meet", AGREED)}
    assert arguments == {("Contact:Meet", "Participant", "Mike Pompeo")}
    assert rows(window) == [("Pompeo", "entity"), ("meet", "arguments"),
                            ("New York", "entity"), ("Kim Yong-chol", "entity")]
    assert panel.table.hasFocus() and current(window) == ("Pompeo", "entity")

    press(window, Qt.Key_N)
    press(window, Qt.Key_N)                        # New York: alice GPE, bob LOC
    assert current(window) == ("New York", "entity")
    press(window, Qt.Key_1)                        # take alice's
    spans, dropped, _ = gold(review_project)
    assert ("New York", "GPE", ADJUDICATED) in spans and ("New York", "LOC") in dropped
    assert current(window) == ("Kim Yong-chol", "entity")

    press(window, Qt.Key_P)                        # back to the event's arguments
    assert current(window) == ("meet", "arguments")
    press(window, Qt.Key_2)                        # take bob's: Participant and Place
    _, _, arguments = gold(review_project)
    assert arguments == {("Contact:Meet", "Participant", "Mike Pompeo"),
                         ("Contact:Meet", "Place", "New York")}

    assert current(window) == ("Kim Yong-chol", "entity")
    press(window, Qt.Key_D)                        # drop bob's Kim Yong-chol
    spans, dropped, _ = gold(review_project)
    assert ("Kim Yong-chol", "PERSON") in dropped
    assert "Kim Yong-chol" not in {text for text, _, _ in spans}

    assert rows(window) == [("Pompeo", "entity")]
    press(window, Qt.Key_E)                        # edit: the article gets the place ...
    assert window.view.hasFocus() and window.view.selection() == (0, len("Pompeo"))
    QTest.keyClick(window.view, Qt.Key_P)          # ... and the PERSON key labels it in gold
    spans, _, _ = gold(review_project)
    assert ("Pompeo", "PERSON", MANUAL) in spans
    assert rows(window) == []
    assert "all settled" in panel.title.text()


def test_gui_curation_steps_are_undone_one_by_one_and_leave_returns_to_the_annotator(
        qtbot, window, review_project):
    window.features["review"].act_curate.trigger()
    press(window, Qt.Key_Tab)
    assert current(window) == ("meet", "arguments")
    press(window, Qt.Key_Backtab, Qt.ShiftModifier)
    assert current(window) == ("Pompeo", "entity")
    press(window, Qt.Key_Delete)                   # drop alice's headline Pompeo
    press(window, Qt.Key_2)                        # bob's arguments for "meet" ...
    spans, dropped, _ = gold(review_project)
    assert ("Pompeo", "PERSON") in dropped
    # ... bring his New York (LOC) as the Place, which settles the New York difference too
    assert ("New York", "LOC", ADJUDICATED) in spans
    assert rows(window) == [("Kim Yong-chol", "entity")]

    QTest.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert gold(review_project)[2] == {("Contact:Meet", "Participant", "Mike Pompeo")}
    assert len(rows(window)) == 3
    QTest.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert gold(review_project)[1] == set()
    assert len(rows(window)) == 4
    QTest.keyClick(window, Qt.Key_Z, Qt.ControlModifier)   # the merge of what they agree on
    assert gold(review_project) == (set(), set(), set())
    QTest.keyClick(window, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert len(gold(review_project)[0]) == 2

    QTest.keyClick(window, Qt.Key_G, Qt.ControlModifier | Qt.ShiftModifier)
    assert not window.features["review"].curation.panel.active
    assert window.session.annotator == "lead"
    assert not window.features["review"].curation.isVisible()


def test_gui_curation_needs_two_annotators(review_window):
    win = review_window(document="pakistan-army-chief-kabul")
    win.features["review"].act_curate.trigger()
    panel = win.features["review"].curation.panel
    assert rows(win) == [] and "needs two or more annotators" in panel.title.text()
    assert not panel.act_drop.isEnabled()


def test_gui_curated_gold_marked_done_exports_like_a_layer(qtbot, window, review_project,
                                                          tmp_path):
    window.features["review"].act_curate.trigger()
    press(window, Qt.Key_N)
    press(window, Qt.Key_E)                        # the event's arguments, settled by hand
    trigger = window.session.current_event()
    assert trigger.label == "Contact:Meet" and trigger.origin == ADJUDICATED
    assert window.view.hasFocus()
    QTest.keyClick(window, Qt.Key_F6)              # back to the differences
    assert window.features["review"].curation.panel.table.hasFocus()
    assert [kind for _, kind in rows(window)] == ["entity", "entity", "entity"]
    for _ in range(3):
        press(window, Qt.Key_1)                    # alice's Pompeo and New York; nothing
    assert rows(window) == []
    QTest.keyClick(window, Qt.Key_Return, Qt.ControlModifier)   # gold done, next document
    with Store(review_project) as store:
        assert store.status(store.document_by_name(POMPEO).id, GOLD) is Status.DONE

    dialog = exchange_dialogs.export_dialog(window.context)
    assert dialog.chosen_layer() == GOLD
    assert dialog.selected.text() == "1 document will be exported"
    dialog.format.setCurrentIndex(dialog.format.findData("jsonl"))
    dialog.output.setText(str(tmp_path / "gold.jsonl"))
    dialog.accept()
    qtbot.waitUntil(lambda: (tmp_path / "gold.jsonl").exists(), timeout=10000)
    record = json.loads((tmp_path / "gold.jsonl").read_text(encoding="utf-8"))
    spans = {(record["text"][s["start"]:s["end"]], s["label"]) for s in record["spans"]
             if s.get("answer", "accept") == "accept"}
    assert spans == {("Pompeo", "PERSON"), ("Mike Pompeo", "PERSON"), ("New York", "GPE")}
    # the versions not taken go out as Prodigy's rejected spans, not as annotations
    assert {(record["text"][s["start"]:s["end"]], s["label"]) for s in record["spans"]
            if s.get("answer") == "reject"} == {("Kim Yong-chol", "PERSON"), ("New York", "LOC")}
