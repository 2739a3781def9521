"""The keys of every command, as the user set them: read from the menus, kept per user.

The menus hold every command (`QAction`), so the commands a user can rebind are the menus'
actions, each named by its menu path ("Annotate › Resize Span › Grow End →"). What the code
gives an action is its default; a user's choice is stored in QSettings under `shortcuts/` (per
user, as all settings), only where it differs from the default, and applied over the defaults
when the window opens. Two commands conflict when they share a key and could both be live at
once: either listens window-wide, or both listen on the same widget (the article's single keys
and the curation panel's are apart, so D can be DATE in one and "drop" in the other).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

GROUP = "shortcuts"
WINDOW = "window"
PORTABLE = QKeySequence.SequenceFormat.PortableText
NATIVE = QKeySequence.SequenceFormat.NativeText
#: keys desktops keep for themselves (GNOME, KDE, Xfce, openbox defaults): switching workspaces,
#: moving windows between them, the window menu; a default must not be one of these
DESKTOP_KEYS = frozenset(
    QKeySequence(k).toString(PORTABLE) for k in (
        *(f"{mods}+{arrow}" for mods in ("Alt+Shift", "Ctrl+Alt", "Ctrl+Alt+Shift", "Meta",
                                         "Meta+Shift", "Ctrl+Meta")
          for arrow in ("Left", "Right", "Up", "Down")),
        *(f"Alt+F{n}" for n in range(1, 13)), *(f"Ctrl+F{n}" for n in range(1, 13)),
        "Alt+Tab", "Alt+Shift+Tab", "Ctrl+Alt+Tab", "Alt+Space", "Alt+Esc", "Ctrl+Esc",
        "Ctrl+Alt+Del", "Ctrl+Alt+T", "Ctrl+Alt+D", "Ctrl+Alt+L", "Print", "Meta",
    ))


def key_text(keys: Iterable[QKeySequence]) -> str:
    return " or ".join(k.toString(NATIVE) for k in keys if not k.isEmpty())


@dataclass
class Command:
    """One rebindable action: where it is in the menus, and the keys the code gave it."""

    id: str
    section: str
    name: str
    action: QAction
    defaults: tuple[QKeySequence, ...]

    @property
    def scope(self) -> object:
        """Where its keys listen: the whole window, or one widget (and its children)."""
        if self.action.shortcutContext() in (Qt.ShortcutContext.WindowShortcut,
                                             Qt.ShortcutContext.ApplicationShortcut):
            return WINDOW
        widgets = [o for o in self.action.associatedObjects()
                   if isinstance(o, QWidget) and not isinstance(o, QMenu)]
        return id(widgets[0]) if widgets else WINDOW


def menu_commands(menus: Sequence[QMenu]) -> list[Command]:
    """Every command in `menus` and their submenus, in menu order, each once."""
    found: dict[int, Command] = {}

    def walk(menu: QMenu, path: str) -> None:
        for action in menu.actions():
            if action.menu() is not None:
                walk(action.menu(), f"{path} › {action.menu().title().replace('&', '')}")
            elif not action.isSeparator() and action.text() and id(action) not in found:
                name = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
                found[id(action)] = Command(f"{path} › {name}", path, name, action,
                                            tuple(action.shortcuts()))

    for menu in menus:
        walk(menu, menu.title().replace("&", ""))
    return list(found.values())


def mnemonics(menus: Sequence[QMenu]) -> dict[str, str]:
    """The menu bar's Alt+letter keys (Alt+E opens Edit): key -> menu title."""
    found = {}
    for menu in menus:
        key = QKeySequence.mnemonic(menu.title())
        if not key.isEmpty():
            found[key.toString(PORTABLE)] = menu.title().replace("&", "")
    return found


def conflicts(commands: Sequence[Command], keys: dict[str, Sequence[QKeySequence]],
              reserved: dict[str, str] | None = None) -> dict[str, list[str]]:
    """For each command id whose keys clash with another's (or with a `reserved` key, such as
    a menu's Alt+letter), the names of the others."""
    clashes: dict[str, list[str]] = {}
    for command in commands:
        for key in keys.get(command.id, ()):
            taken = (reserved or {}).get(key.toString(PORTABLE))
            if taken is not None:
                clashes.setdefault(command.id, []).append(f"the {taken} menu")
    by_key: dict[str, list[Command]] = {}
    for command in commands:
        for key in keys.get(command.id, ()):
            if not key.isEmpty():
                by_key.setdefault(key.toString(PORTABLE), []).append(command)
    for sharing in by_key.values():
        for a in sharing:
            for b in sharing:
                if a is not b and (a.scope == b.scope or WINDOW in (a.scope, b.scope)):
                    clashes.setdefault(a.id, []).append(f"{b.section} › {b.name}")
    return clashes


class Keymap:
    """The window's commands with their defaults and the user's stored keys."""

    def __init__(self, menus: Sequence[QMenu], settings: QSettings):
        self.settings = settings
        self.commands = menu_commands(menus)
        self.reserved = mnemonics(menus)
        self.apply(self.stored())

    def stored(self) -> dict[str, list[QKeySequence]]:
        """The user's keys, for the commands that have some stored."""
        chosen = {}
        for command in self.commands:
            value = self.settings.value(f"{GROUP}/{command.id}")
            if value is not None:
                texts = [t for t in str(value).split("\n") if t]
                chosen[command.id] = [QKeySequence.fromString(t, PORTABLE) for t in texts]
        return chosen

    def current(self) -> dict[str, list[QKeySequence]]:
        return {c.id: list(c.action.shortcuts()) for c in self.commands}

    def defaults(self) -> dict[str, list[QKeySequence]]:
        return {c.id: list(c.defaults) for c in self.commands}

    def apply(self, keys: dict[str, Sequence[QKeySequence]]) -> None:
        for command in self.commands:
            if command.id in keys:
                command.action.setShortcuts([k for k in keys[command.id] if not k.isEmpty()])

    def save(self, keys: dict[str, Sequence[QKeySequence]]) -> None:
        """Store the keys that differ from the defaults (forget the others), and apply all."""
        for command in self.commands:
            chosen = [k for k in keys.get(command.id, command.defaults) if not k.isEmpty()]
            name = f"{GROUP}/{command.id}"
            if [k.toString(PORTABLE) for k in chosen] == [
                    k.toString(PORTABLE) for k in command.defaults]:
                self.settings.remove(name)
            else:
                self.settings.setValue(name, "\n".join(k.toString(PORTABLE) for k in chosen))
        self.apply({c.id: keys.get(c.id, c.defaults) for c in self.commands})
