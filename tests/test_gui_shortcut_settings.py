"""Keys are the user's (issue 12, item 14): Edit → Settings… lists every command with its keys,
typed by pressing them; a key two commands would answer to is flagged and cannot be saved;
"Reset All to Defaults" brings the shipped keys back; what is saved is kept per user and used
by every window from then on. The shipped keys leave the desktop's own keys alone."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from annotator.gui.keymap import DESKTOP_KEYS, PORTABLE, conflicts
from annotator.gui.settings_dialog import SettingsDialog
from annotator.gui.shortcuts import shortcut_rows
from annotator.gui.windows import build_window
from annotator.store import Store

pytest_plugins = ["review_support"]
GROW_END = "Annotate › Resize Span › Grow End →"


@pytest.fixture
def settings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "user.ini"), QSettings.IniFormat)


def open_window(qtbot, project, settings, *, activate: bool = True):
    win = build_window(Store(project), "alice", settings)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    if activate:
        win.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    return win


@pytest.fixture
def window(qtbot, review_project, settings):
    win = open_window(qtbot, review_project, settings)
    yield win
    win.close()
    win.session.store.close()


def open_settings(qtbot, window) -> SettingsDialog:
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key_Comma, Qt.ControlModifier)      # Edit → Settings…
    dialog = window.features["preferences"].dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def press_into(qtbot, dialog: SettingsDialog, command: str, key, modifiers) -> None:
    field = dialog.edits[command][0]
    dialog.table.scrollTo(dialog.table.model().index(
        [c.id for c in dialog.keymap.commands].index(command), 1))
    qtbot.mouseClick(field, Qt.LeftButton)
    field.clear()
    QTest.keyClick(field.focusWidget() or field, key, modifiers)
    qtbot.waitUntil(lambda: not field.keySequence().isEmpty())


def test_gui_shipped_keys_clash_neither_with_each_other_nor_with_the_desktop(window):
    keymap = window.features["preferences"].keymap
    assert conflicts(keymap.commands, keymap.current(), keymap.reserved) == {}
    taken = {k.toString(PORTABLE): c.id for c in keymap.commands for k in c.defaults}
    assert not set(taken) & DESKTOP_KEYS, {k: taken[k] for k in set(taken) & DESKTOP_KEYS}
    assert "Alt+Shift+Right" not in taken and "Alt+Shift+Left" not in taken


def test_gui_a_key_set_in_settings_works_is_kept_and_shows_in_the_sheet(qtbot, window, settings,
                                                                        review_project):
    dialog = open_settings(qtbot, window)
    press_into(qtbot, dialog, GROW_END, Qt.Key_G, Qt.AltModifier)
    assert dialog.edits[GROW_END][0].keySequence() == QKeySequence("Alt+G")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.Save), Qt.LeftButton)
    assert not dialog.isVisible()

    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key_Tab)                            # the first span
    span = window.session.selected()
    QTest.keyClick(window.view, Qt.Key_G, Qt.AltModifier)              # Grow End, the new key
    grown = window.session.selected()
    assert grown.start == span.start and grown.end > span.end

    rows = [row for action in window.menuBar().actions() if action.menu()
            for row in shortcut_rows(action.menu())]
    assert ("Annotate › Resize Span", "Grow End →", "Alt+G") in rows   # Help → Shortcuts

    second = open_window(qtbot, review_project, settings, activate=False)  # the next window
    assert second.act_grow_end.shortcuts() == [QKeySequence("Alt+G")]
    second.close()
    second.session.store.close()


def test_gui_settings_flag_a_menu_letter(qtbot, window):
    dialog = open_settings(qtbot, window)
    press_into(qtbot, dialog, GROW_END, Qt.Key_E, Qt.AltModifier)      # Alt+E opens Edit
    assert dialog.clashes() == {GROW_END: ["the Edit menu"]}
    assert not dialog.buttons.button(QDialogButtonBox.Save).isEnabled()
    dialog.reject()


def test_gui_settings_flag_a_shared_key_and_reset_to_defaults(qtbot, window, settings):
    dialog = open_settings(qtbot, window)
    save = dialog.buttons.button(QDialogButtonBox.Save)
    press_into(qtbot, dialog, GROW_END, Qt.Key_Q, Qt.ControlModifier)  # Quit's key
    clashes = dialog.clashes()
    assert "File › Quit" in clashes and GROW_END in clashes
    row = [c.id for c in dialog.keymap.commands].index(GROW_END)
    assert "Quit" in dialog.table.item(row, 3).text()
    assert not save.isEnabled()

    qtbot.mouseClick(dialog.findChild(type(save), "resetShortcuts"), Qt.LeftButton)
    assert dialog.clashes() == {} and save.isEnabled()
    assert dialog.edits[GROW_END][0].keySequence() == QKeySequence("]")
    qtbot.mouseClick(save, Qt.LeftButton)
    assert [k for k in settings.allKeys() if k.startswith("shortcuts/")] == []
    assert window.act_grow_end.shortcuts() == [QKeySequence("]")]
