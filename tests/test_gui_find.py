"""Find in the document, driven by keys (issue 12, item 8): Escape closes the find bar, and each
match it steps to is shown with the label tags beneath it, not cut off by the bar."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

pytest_plugins = ["review_support"]


@pytest.fixture
def window(review_window):
    return review_window(annotator="alice")


def open_find(window, needle: str) -> None:
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key_F, Qt.ControlModifier)
    assert window.find_bar.isVisible() and window.find_bar.edit.hasFocus()
    QTest.keyClicks(window.find_bar.edit, needle)


def test_gui_escape_in_the_find_bar_closes_it(qtbot, window):
    open_find(window, "Pompeo")
    QTest.keyClick(window.find_bar.edit, Qt.Key_Return)
    assert window.view.find_ranges
    QTest.keyClick(window.find_bar.edit, Qt.Key_Escape)
    assert not window.find_bar.isVisible()
    assert window.view.find_ranges == []
    assert window.view.hasFocus()


def test_gui_each_find_match_shows_with_its_tags(qtbot, window):
    """Stepping with Enter through every hit: the hit's own tag chip lies inside the article's
    viewport (the find bar sits below it), so it is painted whole."""
    window.resize(1400, 700)
    open_find(window, "Pompeo")
    hits = list(window.view.find_ranges)
    assert len(hits) >= 4
    view = window.view
    for _ in hits:
        QTest.keyClick(window.find_bar.edit, Qt.Key_Return)
        view.viewport().repaint()
        start, end = view.selection()
        chips = [rect for rect, span in view._tags
                 if span.start <= start and end <= span.end]
        assert chips, f"no tag painted for the hit at {start}"
        offset = QPointF(-view.horizontalScrollBar().value(), -view.verticalScrollBar().value())
        shown = view.viewport().rect()
        for rect in chips:
            on_screen = rect.translated(offset)
            assert shown.contains(on_screen.toAlignedRect()), (start, on_screen, shown)
