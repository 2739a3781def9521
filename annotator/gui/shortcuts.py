"""Help → Keyboard Shortcuts, generated from the menus, so the sheet can never drift from the
keys that actually work."""

from __future__ import annotations

from html import escape

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QMenu, QMenuBar, QTextBrowser, QVBoxLayout, QWidget


def shortcut_rows(menu: QMenu, path: str = "") -> list[tuple[str, str, str]]:
    """(section, command, keys) for every action with a key, submenus included."""
    rows = []
    section = path or menu.title().replace("&", "")
    for action in menu.actions():
        if action.menu():
            rows += shortcut_rows(action.menu(), f"{section} › {action.menu().title()}"
                                  .replace("&", ""))
            continue
        keys = _keys(action)
        if keys:
            rows.append((section, action.text().replace("&", ""), keys))
    return rows


def _keys(action: QAction) -> str:
    return " or ".join(k.toString(QKeySequence.NativeText) for k in action.shortcuts())


class ShortcutSheet(QDialog):
    def __init__(self, menus: QMenuBar, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Keyboard Shortcuts")
        self.resize(760, 680)
        rows = [row for action in menus.actions() if action.menu()
                for row in shortcut_rows(action.menu())]
        browser = QTextBrowser()
        browser.setObjectName("shortcutSheet")
        browser.setHtml(sheet_html(rows))
        layout = QVBoxLayout(self)
        layout.addWidget(browser)


def sheet_html(rows: list[tuple[str, str, str]]) -> str:
    parts = ["<p>Select text (it snaps to whole words) and press a label key to make a span. "
             "Click a span or press Tab to select it; a label key then relabels it. Keys in "
             "the Annotate menu work while the article has the focus.</p>"]
    section = None
    for name, command, keys in rows:
        if name != section:
            if section is not None:
                parts.append("</table>")
            parts.append(f"<h3>{escape(name)}</h3><table cellspacing='0' cellpadding='3'>")
            section = name
        parts.append(f"<tr><td width='320'>{escape(command)}</td>"
                     f"<td><b><code>{escape(keys)}</code></b></td></tr>")
    if section is not None:
        parts.append("</table>")
    return "".join(parts)
