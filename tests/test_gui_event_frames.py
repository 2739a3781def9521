"""The event panel shows every event that shares the selected trigger (issue 11, point 1)."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt

from annotator.formats import import_files
from annotator.gui.windows import build_window
from annotator.model import SpanKind
from annotator.store import Store


def test_gui_event_panel_shows_each_event_on_a_shared_trigger(qtbot, tmp_path):
    text = "Binding of TRAF2 to CD40 and CD30 was detected."
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "bind.txt").write_text(text, encoding="utf-8")
    (folder / "bind.ann").write_text(
        "T1\tProtein 11 16\tTRAF2\nT2\tProtein 20 24\tCD40\nT3\tProtein 29 33\tCD30\n"
        "T4\tBinding 0 7\tBinding\nE1\tBinding:T4 Theme:T1 Theme2:T2\n"
        "E2\tBinding:T4 Theme:T1 Theme2:T3\n", encoding="utf-8")
    with Store(tmp_path / "p.db") as store:
        import_files(store, [folder], "brat", annotator="alice")
    store = Store(tmp_path / "p.db")
    window = build_window(store, "alice", QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat))
    qtbot.addWidget(window)
    doc_id = store.document_ids()[0]
    window.open_document(doc_id)
    trigger = [s for s in store.spans(doc_id, "alice") if s.kind is SpanKind.TRIGGER][0]
    window.session.select(trigger.id)
    tree = window.event_panel.tree
    rows = [(tree.topLevelItem(i).text(0).split()[-1], tree.topLevelItem(i).text(1))
            for i in range(tree.topLevelItemCount())]
    assert rows == [("2", ""), ("Theme", "TRAF2  [Protein]"), ("Theme", "CD40  [Protein]"),
                    ("2", ""), ("Theme", "TRAF2  [Protein]"), ("Theme", "CD30  [Protein]")]
    assert tree.topLevelItem(0).text(0) == "Event 1 of 2"
    # the second event's rows name no role to fill (filling goes to the first event)
    assert tree.topLevelItem(4).data(0, Qt.UserRole) is None
    window.close()
    store.close()
