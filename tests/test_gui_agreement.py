"""Review → Agreement on a review_project whose figures are known by hand: alice and bob share one
finished article (see `review_support`), and a click on a disagreement shows its place."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from review_windows import POMPEO

from annotator.agreement.report import project_agreement
from annotator.model import Status
from annotator.store import Store

pytest_plugins = ["review_support"]


@pytest.fixture
def window(review_window, review_project):
    # carol has started one article and finished none: listed, but not compared by default
    with Store(review_project) as store:
        store.set_status(store.document_ids()[0], "carol", Status.IN_PROGRESS)
    # the lead starts elsewhere, so opening a disagreement has to change the document
    return review_window(document="pakistan-army-chief-kabul")


@pytest.fixture
def dialog(qtbot, window):
    window.features["review"].act_agreement.trigger()
    shown = window.features["review"].agreement
    qtbot.waitUntil(lambda: shown.report is not None, timeout=10000)
    yield shown
    shown.close()


def cells(table, row: int) -> list[str]:
    return [table.item(row, c).text() for c in range(table.columnCount())]


def test_gui_agreement_shows_the_figures_of_the_core(dialog, window):
    # "lead" only browsed the documents: opening one records nothing, so lead is not listed
    assert {n: b.isChecked() for n, b in dialog.choices.items()} == {
        "alice": True, "bob": True, "carol": False}
    assert dialog.report["documents"] == 1
    # by hand: entities 1 of 3 each way match exactly (New York differs in label, so no
    # overlap match either): micro F1 1/3; macro over PERSON 0.5, GPE 0, LOC 0: 1/6; the
    # trigger matches; bob has one argument more than alice: F1 2/3
    assert cells(dialog.pairs, 0)[:6] == ["alice · bob", "1", "0.333", "0.167", "0.333",
                                          "0.167"]
    assert cells(dialog.pairs, 0)[7:] == ["1.000", "0.667", "3"]
    with Store(window.session.store.path) as store:
        expected = project_agreement(store, ["alice", "bob"])
    assert cells(dialog.pairs, 0)[6] == f"{expected['pairs'][0]['cohen_kappa']:.3f}"
    assert dialog.tiles["fleiss_kappa"].value.text() == f"{expected['fleiss_kappa']:.3f}"
    assert dialog.tiles["krippendorff_alpha"].value.text() == \
        f"{expected['krippendorff_alpha']:.3f}"
    labels = {cells(dialog.labels, r)[0]: cells(dialog.labels, r)
              for r in range(dialog.labels.rowCount())}
    assert labels["PERSON"][3:] == ["2", "0.500", "0.500", "0.500", "0.500"]
    assert labels["Contact:Meet"][1] == "event" and labels["Contact:Meet"][6] == "1.000"
    assert cells(dialog.documents, 0)[:2] == [POMPEO, f"{expected['per_document'][0]['tokens']:,}"]
    assert dialog.tabs.tabText(2) == "Disagreements (3)"
    kinds = sorted(cells(dialog.disagreements, r)[3] for r in range(3))
    assert kinds == ["label", "only alice", "only bob"]


def test_gui_agreement_undefined_without_shared_work_and_include_all(qtbot, dialog):
    dialog.choices["alice"].setChecked(False)
    dialog.compute()
    assert "two or more" in dialog.scope.text()
    dialog.choices["alice"].setChecked(True)
    dialog.choices["carol"].setChecked(True)
    dialog.compute()
    qtbot.waitUntil(lambda: dialog.report["annotators"] == ["alice", "bob", "carol"])
    assert dialog.report["documents"] == 0
    assert dialog.tiles["fleiss_kappa"].value.text() == "n/a"
    assert "not defined" in dialog.tiles["fleiss_kappa"].toolTip()
    dialog.include_all.setChecked(True)
    dialog.compute()
    qtbot.waitUntil(lambda: dialog.report["documents"] > 0)


def click_row(qtbot, table, row: int) -> None:
    item = table.item(row, 3)
    table.scrollToItem(item)
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, pos=table.visualItemRect(item).center())


def test_gui_clicking_a_disagreement_opens_the_document_there(qtbot, dialog, window):
    table = dialog.disagreements
    found = {cells(table, r)[3]: r for r in range(table.rowCount())}
    text = window.session.store.document_by_name(POMPEO).text
    york = text.index("New York")

    click_row(qtbot, table, found["label"])            # New York: a suggestion lies there
    assert window.session.view.doc.name == POMPEO
    selected = window.session.selected()
    assert (selected.start, selected.end) == (york, york + len("New York"))

    click_row(qtbot, table, found["only bob"])          # Kim Yong-chol: no span of "lead"
    kim = text.index("Kim Yong-chol")
    assert window.session.selected() is None
    assert window.view.selection() == (kim, kim + len("Kim Yong-chol"))


def test_gui_agreement_confusion_and_html_report(dialog, tmp_path):
    table = dialog.confusion
    labels = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert labels == ["GPE", "LOC", "PERSON", "(none)"]
    cell = {(table.verticalHeaderItem(r).text(), labels[c]): table.item(r, c).text()
            for r in range(table.rowCount()) for c in range(table.columnCount())}
    assert cell["GPE", "LOC"] == "1"                # New York: alice GPE, bob LOC
    assert cell["PERSON", "PERSON"] == "1"          # Mike Pompeo
    assert cell["PERSON", "(none)"] == "1"          # the headline's Pompeo, alice only
    assert cell["(none)", "PERSON"] == "1"          # Kim Yong-chol, bob only
    page = tmp_path / "agreement.html"
    dialog.write_html(page)
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Kim Yong-chol" in html
