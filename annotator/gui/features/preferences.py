"""Edit → Settings… (Ctrl+,): the keys of every command, set per user.

Installed after every other feature, so the keymap sees all their commands in the menus; the
user's stored keys are applied to them as the window opens (`keymap.Keymap`).
"""

from __future__ import annotations

from PySide6.QtGui import QAction

from annotator.gui.context import WindowContext
from annotator.gui.keymap import Keymap
from annotator.gui.settings_dialog import SettingsDialog


class Preferences:
    def __init__(self, ctx: WindowContext):
        self.ctx = ctx
        edit = ctx.menus["edit"]
        edit.addSeparator()
        self.act_settings: QAction = ctx.add_action("&Settings…", self.show_settings,
                                                    ("Ctrl+,",), menu="edit")
        self.keymap = Keymap(list(ctx.menus.values()), ctx.settings)
        self.dialog: SettingsDialog | None = None

    def show_settings(self) -> SettingsDialog:
        self.dialog = SettingsDialog(self.keymap, self.ctx.parent)
        self.dialog.open()
        return self.dialog


def install(ctx: WindowContext) -> Preferences:
    return Preferences(ctx)
