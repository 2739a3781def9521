"""Every label colour as the article paints it, on both themes' pages (issue 12, item 10): lines
(underlines, trigger borders, a suggestion tag's outline) reach WCAG 3:1 against the page, text
(over a span's fill, on a tag) 4.5:1; and the theme's own hints and disabled controls are text
too. Light theme: CARDINAL suggestions were a pale grey at 2.5:1; dark theme: the event panel's
hint, the argument table's header and disabled buttons were dim or light-on-light."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QBrush, QColor, QFont, QPalette, QPen

from annotator.gui import styles
from annotator.gui.article_view import Look
from annotator.schema import default_schema

#: WCAG 2: graphical objects (1.4.11) and normal text (1.4.3)
MARK_CONTRAST, TEXT_CONTRAST = 3.0, 4.5

THEMES = {"light": styles.light_palette, "dark": styles.dark_palette}
SCHEMA = default_schema()
LABELS = sorted({**SCHEMA.entities, **SCHEMA.events})


def luminance(c: QColor) -> float:
    """WCAG 2 relative luminance (sRGB), written out here as the standard states it."""
    def linear(v: int) -> float:
        v /= 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
    return 0.2126 * linear(c.red()) + 0.7152 * linear(c.green()) + 0.0722 * linear(c.blue())


def over(c: QColor, page: QColor) -> QColor:
    """A translucent colour as it shows on an opaque page."""
    a = c.alpha() / 255
    return QColor(*(round(x * a + y * (1 - a)) for x, y in
                    ((c.red(), page.red()), (c.green(), page.green()), (c.blue(), page.blue()))))


def contrast(ink: QColor, ground: QColor) -> float:
    lighter, darker = sorted((luminance(over(ink, ground)), luminance(ground)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def colour(paint: QPen | QBrush | QColor) -> QColor:
    return paint if isinstance(paint, QColor) else paint.color()


@pytest.fixture(params=list(THEMES))
def palette(request, qapp) -> QPalette:
    return THEMES[request.param]()


@pytest.mark.parametrize("suggestion", [False, True], ids=["accepted", "suggested"])
@pytest.mark.parametrize("trigger", [False, True], ids=["entity", "trigger"])
def test_gui_every_label_colour_as_painted_meets_wcag_contrast(palette, suggestion, trigger):
    page, text = palette.color(QPalette.Base), palette.color(QPalette.Text)
    failures = []
    for label in LABELS:
        if (label in SCHEMA.events) != trigger:
            continue
        look = Look.make(label, SCHEMA.color(label), palette, QFont(), suggestion, trigger)
        marks = {"underline": look.underline}
        if look.border is not None:
            marks["trigger border"] = look.border
        if suggestion:
            marks["tag outline"] = look.chip_pen
        for what, pen in marks.items():
            ratio = contrast(colour(pen), page)
            if ratio < MARK_CONTRAST:
                failures.append(f"{label} {what} {ratio:.2f}")
        under_text = over(look.fill, page)
        ratio = contrast(text, under_text)
        if ratio < TEXT_CONTRAST:
            failures.append(f"{label} text over its fill {ratio:.2f}")
        tag = over(colour(look.chip_brush), page)
        ratio = contrast(look.ink, tag)
        if ratio < TEXT_CONTRAST:
            failures.append(f"{label} tag text {ratio:.2f}")
    assert failures == []


@pytest.mark.parametrize("color", ["#ffffff", "#000000", "#ffff00", "#777777", "#0000ff",
                                   "#d0d0d0", "#1d1d1f"])
def test_gui_any_schema_colour_is_adjusted_to_the_page(palette, color):
    page, text = palette.color(QPalette.Base), palette.color(QPalette.Text)
    assert contrast(styles.stroke(color, palette), page) >= MARK_CONTRAST
    for suggestion in (False, True):
        assert contrast(text, over(styles.fill(color, palette, suggestion=suggestion),
                                   page)) >= TEXT_CONTRAST
    assert contrast(styles.ink(color), QColor(color)) >= TEXT_CONTRAST


@pytest.mark.parametrize(("group", "ink", "ground"), [
    (QPalette.Active, QPalette.PlaceholderText, QPalette.Window),   # the event panel's hint
    (QPalette.Active, QPalette.PlaceholderText, QPalette.Base),     # empty search fields
    (QPalette.Disabled, QPalette.ButtonText, QPalette.Button),      # disabled buttons, headers
    (QPalette.Disabled, QPalette.WindowText, QPalette.Window),
    (QPalette.Disabled, QPalette.Text, QPalette.Base),              # a disabled table
    (QPalette.Active, QPalette.Text, QPalette.Base),
    (QPalette.Active, QPalette.ButtonText, QPalette.Button),
])
def test_gui_theme_text_meets_wcag_contrast(palette, group, ink, ground):
    assert contrast(palette.color(group, ink), palette.color(group, ground)) >= TEXT_CONTRAST


def test_gui_disabled_controls_keep_the_dark_theme_surfaces(qapp):
    """A disabled button or table header on the dark page is dark too, not Qt's light grey."""
    dark = styles.dark_palette()
    for role in (QPalette.Button, QPalette.Window):
        assert dark.color(QPalette.Disabled, role) == dark.color(QPalette.Active, role)
