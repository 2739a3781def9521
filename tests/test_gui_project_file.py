"""The `.db` alone holds the window's work (issue 10 item 1): checkpointed when the window is
idle, and closed (checkpointed) when the window closes. The proof is a copy of only the `.db`,
as a user mails or backs it up, read without its `-wal`."""

from __future__ import annotations

import shutil
import sqlite3

import test_gui_workbench as workbench
from PySide6.QtCore import Qt
from test_gui_workbench import key, select_words

template, project, window = workbench.template, workbench.project, workbench.window


def spans_in_a_copy_of_the_db_alone(project, tmp_path) -> list[tuple]:
    copy = tmp_path / "mailed" / "project.db"
    copy.parent.mkdir(exist_ok=True)
    shutil.copy(project, copy)  # no -wal, no -shm: just the file
    with sqlite3.connect(copy) as conn:
        return conn.execute("SELECT label, start_char FROM spans WHERE layer = 'alice'"
                            ).fetchall()


def test_gui_idle_window_checkpoints_so_the_db_alone_holds_the_edit(qtbot, window, project,
                                                                    tmp_path):
    window.session.idle.setInterval(50)
    start = select_words(qtbot, window, "Tuesday")
    key(window, Qt.Key_D)
    qtbot.waitUntil(lambda: spans_in_a_copy_of_the_db_alone(project, tmp_path)
                    == [("DATE", start)], timeout=5000)


def test_gui_closing_the_window_leaves_a_self_contained_db(qtbot, window, project, tmp_path):
    window.session.idle.stop()
    window.session.idle.setInterval(10**6)  # only the close may checkpoint here
    start = select_words(qtbot, window, "Tuesday")
    key(window, Qt.Key_D)
    window.close()
    assert spans_in_a_copy_of_the_db_alone(project, tmp_path) == [("DATE", start)]
    assert not window.session.watch.isActive()
