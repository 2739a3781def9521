"""Light and dark themes, and span colours that read on both.

Schema colours are pastel fills meant for a white page; on a dark page the same colour at full
strength glares and hides the text. So fills are drawn with an alpha that depends on the theme,
the text keeps the palette's colour, and label tags carry their own background and dark ink.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

THEMES = ("system", "light", "dark")

#: fill alpha of accepted spans / suggestions, light and dark
FILL_ALPHA = {False: (120, 45), True: (95, 40)}
TAG_INK = QColor("#1d1d1f")


def dark_palette() -> QPalette:
    p = QPalette()
    window, base, text = QColor("#1f2023"), QColor("#17181a"), QColor("#e6e6e6")
    for group in (QPalette.Active, QPalette.Inactive):
        p.setColor(group, QPalette.Window, window)
        p.setColor(group, QPalette.WindowText, text)
        p.setColor(group, QPalette.Base, base)
        p.setColor(group, QPalette.AlternateBase, QColor("#232427"))
        p.setColor(group, QPalette.Text, text)
        p.setColor(group, QPalette.Button, QColor("#2a2b2f"))
        p.setColor(group, QPalette.ButtonText, text)
        p.setColor(group, QPalette.ToolTipBase, QColor("#2a2b2f"))
        p.setColor(group, QPalette.ToolTipText, text)
        p.setColor(group, QPalette.PlaceholderText, QColor("#8a8a8a"))
        p.setColor(group, QPalette.Highlight, QColor("#3d7bd9"))
        p.setColor(group, QPalette.HighlightedText, QColor("#ffffff"))
        p.setColor(group, QPalette.Link, QColor("#7fb0ff"))
        p.setColor(group, QPalette.Mid, QColor("#3a3b40"))
        p.setColor(group, QPalette.Midlight, QColor("#33343a"))
        p.setColor(group, QPalette.Dark, QColor("#111214"))
    for role in (QPalette.Text, QPalette.WindowText, QPalette.ButtonText):
        p.setColor(QPalette.Disabled, role, QColor("#6d6d6d"))
    p.setColor(QPalette.Disabled, QPalette.Base, window)
    return p


def light_palette() -> QPalette:
    p = QStyleFactory.create("Fusion").standardPalette()
    p.setColor(QPalette.Window, QColor("#f3f3f5"))
    p.setColor(QPalette.Base, QColor("#ffffff"))
    p.setColor(QPalette.AlternateBase, QColor("#f7f7f9"))
    p.setColor(QPalette.Highlight, QColor("#2f6fd1"))
    return p


def system_is_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def apply_theme(app: QApplication, theme: str) -> None:
    """Fusion everywhere, so the app looks the same on every desktop and in screenshots."""
    app.setStyle("Fusion")
    dark = theme == "dark" or (theme == "system" and system_is_dark())
    app.setPalette(dark_palette() if dark else light_palette())


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.Base).lightness() < 128


def fill(color: str, palette: QPalette, *, suggestion: bool = False) -> QColor:
    c = QColor(color)
    c.setAlpha(FILL_ALPHA[is_dark(palette)][1 if suggestion else 0])
    return c


def stroke(color: str, palette: QPalette) -> QColor:
    """The label colour made strong enough for a line on the page background."""
    c = QColor(color)
    if is_dark(palette):
        return c.lighter(115)
    h, s, v, _ = c.getHsv()
    return QColor.fromHsv(h, min(255, s + 90), max(0, v - 70))
