"""Light and dark themes, and span colours that read on both.

Schema colours are pastel fills meant for a white page; on a dark page the same colour at full
strength glares and hides the text. So fills are drawn with an alpha that depends on the theme,
the text keeps the palette's colour, and label tags carry their own background and dark ink.
Whatever a schema's colours, what is painted meets WCAG 2 contrast on the theme's page: lines
(underlines, borders) 3:1, text (over a fill, on a tag) 4.5:1; a colour that falls short is
darkened (light theme) or lightened (dark theme), a fill made fainter, until it does.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

THEMES = ("system", "light", "dark")

#: fill alpha of accepted spans / suggestions, light and dark
FILL_ALPHA = {False: (120, 45), True: (95, 40)}
TAG_INK = QColor("#1d1d1f")
TAG_INK_LIGHT = QColor("#ffffff")
#: WCAG 2 minimum contrast ratios: graphical marks (1.4.11) and normal text (1.4.3)
MARK_CONTRAST, TEXT_CONTRAST = 3.0, 4.5
#: aimed at when a colour is adjusted, a little above the minimum
MARK_TARGET, TEXT_TARGET = 3.3, 4.8


def luminance(color: QColor) -> float:
    """WCAG 2 relative luminance of an opaque colour."""
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4
    return (0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF())
            + 0.0722 * channel(color.blueF()))


def over(color: QColor, background: QColor) -> QColor:
    """`color` as it shows when painted with its alpha onto an opaque `background`."""
    a = color.alphaF()
    return QColor.fromRgbF(*(c * a + b * (1 - a) for c, b in (
        (color.redF(), background.redF()), (color.greenF(), background.greenF()),
        (color.blueF(), background.blueF()))))


def contrast(foreground: QColor, background: QColor) -> float:
    """WCAG 2 contrast ratio (1 to 21) of `foreground`, alpha included, on `background`."""
    a, b = luminance(over(foreground, background)), luminance(background)
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


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
        p.setColor(group, QPalette.PlaceholderText, QColor("#a0a0a0"))
        p.setColor(group, QPalette.Highlight, QColor("#3d7bd9"))
        p.setColor(group, QPalette.HighlightedText, QColor("#ffffff"))
        p.setColor(group, QPalette.Link, QColor("#7fb0ff"))
        p.setColor(group, QPalette.Mid, QColor("#3a3b40"))
        p.setColor(group, QPalette.Midlight, QColor("#33343a"))
        p.setColor(group, QPalette.Dark, QColor("#111214"))
        p.setColor(group, QPalette.Light, QColor("#3a3b40"))
        p.setColor(group, QPalette.Shadow, QColor("#0b0b0c"))
    _dim_disabled(p, QColor("#9a9a9a"))
    p.setColor(QPalette.Disabled, QPalette.Base, window)
    return p


def _dim_disabled(p: QPalette, ink: QColor) -> None:
    """Disabled widgets look like enabled ones with `ink` for their text: a disabled button or
    header keeps the theme's surfaces (Qt's defaults would paint light ones on a dark page)."""
    for role in (QPalette.Window, QPalette.Base, QPalette.AlternateBase, QPalette.Button,
                 QPalette.Mid, QPalette.Midlight, QPalette.Dark, QPalette.Light, QPalette.Shadow,
                 QPalette.Highlight, QPalette.ToolTipBase, QPalette.ToolTipText):
        p.setColor(QPalette.Disabled, role, p.color(QPalette.Active, role))
    for role in (QPalette.Text, QPalette.WindowText, QPalette.ButtonText, QPalette.PlaceholderText,
                 QPalette.HighlightedText):
        p.setColor(QPalette.Disabled, role, ink)


def light_palette() -> QPalette:
    p = QStyleFactory.create("Fusion").standardPalette()
    p.setColor(QPalette.Window, QColor("#f3f3f5"))
    p.setColor(QPalette.Base, QColor("#ffffff"))
    p.setColor(QPalette.AlternateBase, QColor("#f7f7f9"))
    p.setColor(QPalette.Highlight, QColor("#2f6fd1"))
    for group in (QPalette.Active, QPalette.Inactive):
        p.setColor(group, QPalette.PlaceholderText, QColor("#666666"))
    _dim_disabled(p, QColor("#666666"))
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
    """The label colour as a wash under the text, faint enough that the text stays readable."""
    c = QColor(color)
    base, text = palette.color(QPalette.Base), palette.color(QPalette.Text)
    alpha = FILL_ALPHA[is_dark(palette)][1 if suggestion else 0]
    c.setAlpha(alpha)
    while alpha > 0 and contrast(text, over(c, base)) < TEXT_TARGET:
        alpha = max(0, alpha - 5)
        c.setAlpha(alpha)
    return c


def stroke(color: str, palette: QPalette) -> QColor:
    """The label colour made strong enough for a line on the page background: 3:1 at least,
    so a pale grey (CARDINAL) or yellow (DATE) suggestion's dashes still show."""
    c = QColor(color)
    dark = is_dark(palette)
    if dark:
        c = c.lighter(115)
    else:
        h, s, v, _ = c.getHsv()
        c = QColor.fromHsv(h, min(255, s + 90), max(0, v - 70))
    base = palette.color(QPalette.Base)
    towards = QColor("#ffffff" if dark else "#000000")
    for _ in range(60):  # a twelfth of the way each step: there in well under 60
        if contrast(c, base) >= MARK_TARGET:
            break
        c = _mix(c, towards, 0.12)
    return c


def _mix(c: QColor, other: QColor, share: float) -> QColor:
    return QColor.fromRgbF(*(a + (b - a) * share for a, b in (
        (c.redF(), other.redF()), (c.greenF(), other.greenF()), (c.blueF(), other.blueF()))))


def ink(color: str) -> QColor:
    """Text on a tag filled with `color`: the dark ink, or white on a dark label colour."""
    background = QColor(color)
    for candidate in (TAG_INK, TAG_INK_LIGHT):
        if contrast(candidate, background) >= TEXT_CONTRAST:
            return candidate
    return QColor("#000000")  # a mid grey: only pure black reaches 4.5:1
