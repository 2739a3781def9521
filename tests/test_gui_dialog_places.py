"""Where dialogs open and what they leave as they were (issue 12, items 11 and 12): file dialogs
start in the folder the user last chose, else home (not the hidden data folder the sample
project lives in); opening the export or annotate-all dialog leaves the span table's text in
sight; a double click in the agreement window brings the main window to the front."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from annotator.gui import agreement_view
from annotator.gui.exchange_dialogs import ExportDialog, Outcome
from annotator.gui.team_dialogs import SplitDialog

pytest_plugins = ["review_support"]


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    return folder


@pytest.fixture
def window(review_window, home):
    return review_window(annotator="alice")


def shown(window, kind):
    return next(d for d in window.findChildren(kind) if d.isVisible())


def open_export(qtbot, window) -> ExportDialog:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key_E, Qt.ControlModifier | Qt.ShiftModifier)
    return shown(window, ExportDialog)


def test_gui_export_starts_at_home_then_in_the_folder_last_chosen(qtbot, window, home,
                                                                    tmp_path):
    dialog = open_export(qtbot, window)
    assert Path(dialog.output.text()).parent == home
    chosen = tmp_path / "exports"
    chosen.mkdir()
    dialog.format.setCurrentIndex(dialog.format.findData("jsonl"))
    dialog.status.setCurrentIndex(dialog.status.findData("any"))
    dialog.output.selectAll()
    QTest.keyClicks(dialog.output, str(chosen / "mine.jsonl"))
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.Ok), Qt.LeftButton)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(Outcome)),
                    timeout=20000)
    shown(window, Outcome).accept()

    again = open_export(qtbot, window)
    assert Path(again.output.text()).parent == chosen
    again.reject()


def test_gui_report_and_split_dialogs_start_at_home(qtbot, window, home, monkeypatch):
    window.features["team"].act_split.trigger()
    split = shown(window, SplitDialog)
    assert Path(split.output.text()).parent == home
    split.reject()

    asked = []
    monkeypatch.setattr(agreement_view.QFileDialog, "getSaveFileName",
                        lambda *args: asked.append(args[2]) or ("", ""))
    agreement = window.features["review"].show_agreement()
    qtbot.waitUntil(lambda: agreement.report is not None, timeout=10000)
    qtbot.mouseClick(agreement.save_button, Qt.LeftButton)
    assert asked and Path(asked[0]).parent == home
    agreement.close()


def test_gui_export_and_annotate_all_dialogs_leave_the_span_table_in_sight(review_project,
                                                                          tmp_path):
    """Qt centres a dialog on its window; with the side pane from x=960 of a 1400 px window, a
    680 px dialog's frame then ends over the span table and hides the first letters of every
    row, as if the table had scrolled sideways. Run on a wide offscreen screen in a child
    process (see `placement_probe`)."""
    probe = Path(__file__).with_name("placement_probe.py")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    result = subprocess.run([sys.executable, str(probe), str(review_project),
                             str(tmp_path / "probe.ini")], capture_output=True, text=True,
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(seen) == {"export", "annotate_all"}
    for dialog in seen.values():
        assert dialog["covers_rows"] is False and dialog["scrolled"] is False, seen


def test_gui_double_click_in_agreement_brings_the_main_window_to_front(qtbot, review_window):
    window = review_window(document="pakistan-army-chief-kabul")
    agreement = window.features["review"].show_agreement()
    qtbot.waitUntil(lambda: agreement.report is not None, timeout=10000)
    qtbot.waitExposed(agreement)
    # its own window: the window manager does not keep it above the main window
    assert agreement.windowHandle().transientParent() is None
    agreement.tabs.setCurrentIndex(2)
    table = agreement.disagreements
    agreement.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is agreement)

    rect = table.visualItemRect(table.item(0, 3))
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, pos=rect.center())
    assert window.session.view.doc.name.startswith("pompeo")   # shown behind, for browsing
    assert QApplication.activeWindow() is agreement

    rect = table.visualItemRect(table.item(1, 3))
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, pos=rect.center())  # a double click:
    qtbot.mouseDClick(table.viewport(), Qt.LeftButton, pos=rect.center())  # press twice
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    assert window.view.hasFocus()
    agreement.close()
