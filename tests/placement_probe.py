"""Run by `test_gui_dialog_places` in a child process on a 1920x1200 offscreen screen (the
default offscreen screen is 800x600, where Qt squeezes every dialog to the left edge, so where a
dialog lands beside a wide window cannot be seen in the test process itself).

    python tests/placement_probe.py PROJECT SETTINGS.ini

Opens the main window (1400 px wide, the side pane from x=960), selects a span with Tab, opens
File → Export… and Annotate → Annotate All Occurrences… with their keys, and prints as JSON, per
dialog, whether its frame covers the span table's rows and whether the table scrolled."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

CONFIG = Path(__file__).with_name("fixtures") / "offscreen-wide.json"
os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={CONFIG}"

from PySide6.QtCore import QRect, QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog  # noqa: E402

from annotator.gui.windows import build_window  # noqa: E402
from annotator.store import Store  # noqa: E402


def main(project: Path, settings_path: Path) -> dict:
    app = QApplication([])
    settings = QSettings(str(settings_path), QSettings.IniFormat)
    window = build_window(Store(project), "alice", settings)
    window.move(0, 0)
    window.resize(1400, 900)
    window.show()
    QTest.qWaitForWindowExposed(window)
    window.activateWindow()
    window.open_document(window.session.store.document_by_name(
        "pompeo-to-meet-counterpart-new-york").id)
    window.centralWidget().setSizes([250, 700, 450])
    app.processEvents()
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key_Tab)
    table = window.span_panel
    bar = table.horizontalScrollBar()
    before = bar.value()
    rows = QRect(table.viewport().mapToGlobal(table.viewport().rect().topLeft()),
                 table.viewport().size())
    seen: dict[str, dict] = {}

    def look(name: str) -> None:
        dialog = next(w for w in app.topLevelWidgets()
                      if isinstance(w, QDialog) and w.isVisible())
        seen[name] = {"covers_rows": dialog.frameGeometry().intersects(rows),
                      "scrolled": bar.value() != before, "dialog": dialog.objectName()}
        dialog.reject()

    for name, key in (("export", Qt.Key_E), ("annotate_all", Qt.Key_L)):
        window.activateWindow()
        QTest.qWait(50)
        QTimer.singleShot(200, lambda name=name: look(name))
        QTest.keyClick(window.view, key, Qt.ControlModifier | Qt.ShiftModifier)
        QTest.qWait(400)
    window.close()
    window.session.store.close()
    return seen


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), Path(sys.argv[2]))))
