"""The article: read-only text with spans, suggestions, triggers and label tags painted on it.

Why a `QTextEdit` with custom painting instead of character formats: formats would make every
edit re-format (and re-layout) text, and cannot show nested spans or tags. Here the text is laid
out once per document (lazily, as Qt lays out only what is shown), the lines are twice the font
height so tags fit beneath the words, and each paint draws only the spans that intersect the
visible text range, found by bisection. An edit therefore costs one small query and one repaint
of the viewport, whatever the article's length.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSizeF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QContextMenuEvent,
    QFont,
    QFontMetricsF,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QTextBlockFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QTextEdit, QWidget

from annotator.gui import styles
from annotator.gui.session import Session
from annotator.model import SUGGESTIONS, Span, SpanKind

ASTRAL = re.compile("[\U00010000-\U0010ffff]")
LINE_HEIGHT_PERCENT = 210
PARAGRAPH_GAP = 6
NO_BRUSH = Qt.BrushStyle.NoBrush  # the short `Qt.NoBrush` is a slow lookup in PySide6


class Offsets:
    """Python code points <-> Qt's UTF-16 positions (they differ after emoji and other astral
    characters)."""

    def __init__(self, text: str):
        self.astral = [m.start() for m in ASTRAL.finditer(text)]
        self.astral_qt = [p + i for i, p in enumerate(self.astral)]

    def to_qt(self, pos: int) -> int:
        return pos + bisect_left(self.astral, pos) if self.astral else pos

    def to_py(self, pos: int) -> int:
        return pos - bisect_left(self.astral_qt, pos) if self.astral else pos


@dataclass
class Look:
    """How one kind of span is drawn: fill, underline, trigger border, and its tag chip."""

    fill: QColor
    underline: QPen
    border: QPen | None
    tag: str
    suggestion: bool
    font: QFont
    metrics: QFontMetricsF
    chip_pen: QPen | Qt.PenStyle
    chip_brush: QBrush | QColor
    ink: QColor

    @classmethod
    def make(cls, label: str, color: str, palette: QPalette, base: QFont, suggestion: bool,
             trigger: bool) -> Look:
        line = styles.stroke(color, palette)
        underline = QPen(line, 2.6 if trigger else 1.6)
        underline.setCapStyle(Qt.FlatCap)
        if suggestion:
            underline.setStyle(Qt.CustomDashLine)
            underline.setDashPattern([2.5, 2])
        border = (QPen(line, 1.2, Qt.DashLine if suggestion else Qt.SolidLine) if trigger
                  else None)
        font = ArticleView._tag_font(base)
        font.setBold(not suggestion)
        font.setItalic(suggestion)
        if suggestion:  # an outlined chip on the page colour: a question, not an answer
            chip_pen: QPen | Qt.PenStyle = QPen(line, 1, Qt.DashLine)
            chip_brush: QBrush | QColor = QBrush(palette.color(QPalette.Base))
            ink = palette.color(QPalette.Text)
        else:
            chip_pen, chip_brush, ink = Qt.NoPen, QColor(color), styles.ink(color)
        return cls(styles.fill(color, palette, suggestion=suggestion), underline, border,
                   label + ("?" if suggestion else ""), suggestion, font, QFontMetricsF(font),
                   chip_pen, chip_brush, ink)


class ArticleView(QTextEdit):
    #: a click on a span (its id) or on plain text (-1)
    spanClicked = Signal(int)
    #: a right click: the span under the mouse (or -1) and the global position
    contextRequested = Signal(int, QPoint)

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self._looks: dict[tuple[str, bool, bool], Look] = {}
        self._chips: dict[tuple[str, bool, float], QPixmap] = {}
        #: where span texts lie in document coordinates, for the layout they were measured on
        self._geometry: dict[tuple[int, int], list[QRectF]] = {}
        self._geometry_for: tuple[float, float] | None = None
        self.session = session
        self.setObjectName("articleView")
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
        self.setFrameShape(QTextEdit.NoFrame)
        self.viewport().setCursor(Qt.IBeamCursor)
        font = QFont(self.font())
        font.setPointSizeF(max(11.5, font.pointSizeF() + 1.5))
        self.setFont(font)
        self.offsets = Offsets("")
        self.find_ranges: list[tuple[int, int]] = []
        self._depth: dict[int, int] = {}
        self._longest = 0
        #: where the last paint put each label tag, in document coordinates (tags are clickable)
        self._tags: list[tuple[QRectF, Span]] = []
        self._press: QPoint | None = None
        session.documentOpened.connect(self._load_document)
        session.annotationsChanged.connect(self._index_spans)
        session.selectionChanged.connect(self.viewport().update)

    # --- document ----------------------------------------------------------------------------
    def _load_document(self) -> None:
        text = self.session.view.doc.text
        self.offsets = Offsets(text)
        doc = QTextDocument(self)
        doc.setUndoRedoEnabled(False)
        doc.setDefaultFont(self.font())
        doc.setDocumentMargin(28)
        cursor = QTextCursor(doc)
        paragraph = QTextBlockFormat()
        paragraph.setLineHeight(LINE_HEIGHT_PERCENT, QTextBlockFormat.ProportionalHeight.value)
        paragraph.setBottomMargin(PARAGRAPH_GAP)
        blank = QTextBlockFormat()  # an empty line between paragraphs needs no room for tags
        # Qt folds "\r\n" into one paragraph break; a space keeps every offset where it was.
        for i, line in enumerate(text.replace("\r", " ").split("\n")):
            if i:
                cursor.insertBlock(paragraph if line else blank)
            else:
                cursor.setBlockFormat(paragraph if line else blank)
            if line:
                cursor.insertText(line)
        self.setDocument(doc)  # the old document, owned by this view, is deleted by Qt
        self._geometry.clear()
        doc.documentLayout().documentSizeChanged.connect(self._geometry.clear)
        self.find_ranges = []
        self.moveCursor(QTextCursor.Start)

    @staticmethod
    def _tag_font(base: QFont) -> QFont:
        font = QFont(base)
        font.setPointSizeF(max(6.5, base.pointSizeF() * 0.62))
        return font

    def zoom(self, steps: int, size: float | None = None) -> None:
        """A bigger or smaller article font (tags and underlines follow: they derive from it)."""
        font = QFont(self.font())
        font.setPointSizeF(min(32.0, max(8.0, size or font.pointSizeF() + steps)))
        self.setFont(font)
        self.document().setDefaultFont(font)

    def _index_spans(self) -> None:
        """Nesting depth of every span: depth n draws its underline and tag n steps lower.

        Spans come sorted by start (longest first); each takes the lowest level whose last
        span has ended, so a level holds at most one open span and is free once it closes."""
        depth: dict[int, int] = {}
        levels: list[int] = []  # per level, where its last span ends
        longest = 0
        for span in self.session.view.spans:
            start, end = span.start, span.end
            for level, busy_until in enumerate(levels):
                if busy_until <= start:
                    levels[level] = end
                    break
            else:
                level = len(levels)
                levels.append(end)
            depth[span.id] = level
            if end - start > longest:
                longest = end - start
        self._depth, self._longest = depth, longest
        self.viewport().update()

    # --- geometry ----------------------------------------------------------------------------
    def selection(self) -> tuple[int, int] | None:
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        return (self.offsets.to_py(cursor.selectionStart()),
                self.offsets.to_py(cursor.selectionEnd()))

    def show_span(self, span: Span) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.offsets.to_qt(span.end))
        self.setTextCursor(cursor)
        cursor.setPosition(self.offsets.to_qt(span.start))
        self.setTextCursor(cursor)
        self.reveal(span.start, span.end)

    def select_text(self, start: int, end: int) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.offsets.to_qt(start))
        cursor.setPosition(self.offsets.to_qt(end), QTextCursor.KeepAnchor)
        self.setTextCursor(cursor)
        self.reveal(start, end)

    def tag_room(self) -> float:
        """How far below a line its deepest label tag reaches (see `_paint_tags`)."""
        return 4.5 + 3 * 3 + QFontMetricsF(self._tag_font(self.font())).height() + 4

    def reveal(self, start: int, end: int) -> None:
        """Scroll so the text [start, end) shows with the tags beneath it: `ensureCursorVisible`
        alone stops at the line, leaving its tags under the find bar or the window's edge."""
        self.ensureCursorVisible()
        rects = self._rects(start, end)
        if not rects:
            return
        bar = self.verticalScrollBar()
        height = self.viewport().height()
        top, bottom = rects[0].top(), rects[-1].bottom() + self.tag_room()
        if bottom - bar.value() > height:
            bar.setValue(int(bottom - height + 1))
        if top < bar.value():
            bar.setValue(int(top))

    def visible_range(self) -> tuple[int, int]:
        vp = self.viewport().rect()
        first = self.cursorForPosition(QPoint(0, 0)).position()
        last = self.cursorForPosition(QPoint(vp.width(), vp.height())).position()
        return self.offsets.to_py(first), self.offsets.to_py(last) + 1

    def _visible_spans(self, first: int, last: int) -> list[Span]:
        view = self.session.view
        lo = bisect_left(view.starts, first - self._longest)
        hi = bisect_right(view.starts, last)
        return [s for s in view.spans[lo:hi] if s.end > first]

    def _scroll_offset(self) -> QPointF:
        """Document -> viewport coordinates; also drops measured geometry once the layout it
        was measured on has changed (width, font). Called once per paint or click."""
        doc = self.document()
        layout_key = (doc.textWidth(), doc.defaultFont().pointSizeF())
        if layout_key != self._geometry_for:
            self._geometry.clear()
            self._geometry_for = layout_key
        return QPointF(-self.horizontalScrollBar().value(), -self.verticalScrollBar().value())

    def _rects(self, start: int, end: int) -> list[QRectF]:
        """One rectangle per line the text [start, end) covers, in document coordinates."""
        rects = self._geometry.get((start, end))
        if rects is None:
            rects = self._geometry[(start, end)] = self._layout_rects(start, end)
        return rects

    def _layout_rects(self, start: int, end: int) -> list[QRectF]:
        """Measured on the text layout: the costly part of painting a span, so `_rects` keeps
        the answer until the layout changes (new document, width, font: `_scroll_offset`)."""
        doc = self.document()
        layout = doc.documentLayout()
        qs, qe = self.offsets.to_qt(start), self.offsets.to_qt(end)
        rects = []
        block = doc.findBlock(qs)
        while block.isValid() and block.position() < qe:
            origin = layout.blockBoundingRect(block).topLeft()
            text_layout = block.layout()
            s, e = qs - block.position(), qe - block.position()
            for i in range(text_layout.lineCount()):
                line = text_layout.lineAt(i)
                ls, le = line.textStart(), line.textStart() + line.textLength()
                if le <= s or ls >= e:
                    continue
                x1 = line.cursorToX(max(s, ls))[0]
                x2 = line.cursorToX(min(e, le))[0]
                rects.append(QRectF(origin.x() + x1, origin.y() + line.y(), max(2.0, x2 - x1),
                                    line.height()))
            block = block.next()
        return rects

    def span_at(self, point: QPoint) -> Span | None:
        """The innermost span under `point`, on its text or on its tag."""
        if self.session.view is None:
            return None
        where = QPointF(point) - self._scroll_offset()  # in document coordinates
        pos = self.offsets.to_py(self.cursorForPosition(point).position())
        hits = [s for s in self._visible_spans(pos - 1, pos + 1) if s.start <= pos <= s.end
                and any(r.contains(where) for r in self._rects(s.start, s.end))]
        hits += [span for rect, span in self._tags if rect.contains(where)
                 and span.id in self.session.view.by_id]
        return min(hits, key=lambda s: (s.end - s.start, -s.start)) if hits else None

    # --- painting ----------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.PaletteChange, QEvent.FontChange):
            self._looks.clear()
            self._chips.clear()
            self._geometry.clear()
        super().changeEvent(event)

    def _look(self, span: Span) -> Look:
        """Pens and brushes for a kind of span, made once per theme (painting is the hot path)."""
        suggestion = span.layer == SUGGESTIONS
        key = (span.label, suggestion, span.kind is SpanKind.TRIGGER)
        look = self._looks.get(key)
        if look is None:
            look = self._looks[key] = Look.make(span.label, self.session.schema.color(span.label),
                                                self.palette(), self.font(), *key[1:])
        return look

    def paintEvent(self, event: QPaintEvent) -> None:
        view = self.session.view
        if view is None:
            super().paintEvent(event)
            return
        offset = self._scroll_offset()
        first, last = self.visible_range()
        shapes = [(s, self._look(s), self._rects(s.start, s.end))
                  for s in self._visible_spans(first, last)]
        painter = QPainter(self.viewport())
        painter.translate(offset)  # the shapes are in document coordinates
        for _span, look, rects in sorted(shapes, key=lambda item: self._depth[item[0].id]):
            for r in rects:
                painter.fillRect(r.adjusted(-1, 0, 1, 1), look.fill)
        self._paint_find(painter, first, last)
        painter.end()

        super().paintEvent(event)

        painter = QPainter(self.viewport())
        painter.translate(offset)
        painter.setRenderHint(QPainter.Antialiasing)
        for span, look, rects in shapes:
            depth = 2 + 3 * min(self._depth[span.id], 3)
            painter.setPen(look.underline)
            for r in rects:
                y = r.bottom() + depth
                painter.drawLine(QPointF(r.left(), y), QPointF(r.right(), y))
            if look.border is not None:
                painter.setPen(look.border)
                painter.setBrush(NO_BRUSH)
                for r in rects:
                    painter.drawRoundedRect(r.adjusted(-1.5, -0.5, 1.5, 0.5), 3, 3)
        roles = self._roles()
        self._paint_frame(painter, shapes, roles)
        self._paint_tags(painter, shapes, roles)
        painter.end()

    def _roles(self) -> dict[int, str]:
        event = self.session.current_event()
        if event is None:
            return {}
        return {span.id: a.role for a, span in self.session.view.arguments_of(event)}

    def _paint_frame(self, painter: QPainter, shapes: list, roles: dict[int, str]) -> None:
        """The selected span, and the current event's trigger and arguments."""
        selected = self.session.selected_id
        event = self.session.current_event()
        if selected is None and event is None:
            return
        selection = QPen(self.palette().color(QPalette.Highlight), 2.2)
        frame = (QPen(styles.stroke(self.session.schema.color(event.label), self.palette()),
                      1.6, Qt.DashLine) if event is not None else None)
        painter.setBrush(Qt.NoBrush)
        for span, _look, rects in shapes:
            if span.id == selected:
                painter.setPen(selection)
            elif span.id in roles or (event is not None and span.id == event.id):
                painter.setPen(frame)
            else:
                continue
            for r in rects:
                painter.drawRoundedRect(r.adjusted(-3, -2, 3, 2), 4, 4)

    def _paint_tags(self, painter: QPainter, shapes: list, roles: dict[int, str]) -> None:
        """Small label chips under the first line of each span, pushed right if they collide."""
        self._tags = []
        ends: dict[int, float] = {}
        placed = sorted(((s, look, rects[0]) for s, look, rects in shapes if rects),
                        key=lambda item: (round(item[2].bottom()), item[2].left()))
        for span, look, rect in placed:
            text = look.tag
            if span.id in roles:
                text = f"{roles[span.id]} · {text}"
            pixmap = self._chip(text, look)
            line = round(rect.bottom())
            x = max(rect.left(), ends.get(line, -1e9) + 3)
            y = rect.bottom() + 4.5 + 3 * min(self._depth[span.id], 3)
            ratio = pixmap.devicePixelRatio()
            chip = QRectF(x, y, pixmap.width() / ratio, pixmap.height() / ratio)
            ends[line] = chip.right()
            painter.drawPixmap(chip.topLeft(), pixmap)
            self._tags.append((chip, span))

    def _chip(self, text: str, look: Look) -> QPixmap:
        """A label tag drawn once per theme and zoom, then copied: an antialiased rounded chip
        with text costs ten times more to paint than to copy, and a page shows a hundred."""
        ratio = self.devicePixelRatioF()  # a window moved to another screen may change it
        pixmap = self._chips.get((text, look.suggestion, ratio))
        if pixmap is not None:
            return pixmap
        size = QSizeF(look.metrics.horizontalAdvance(text) + 8, look.metrics.height() + 1)
        pixmap = QPixmap((size * ratio).toSize())
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setPen(look.chip_pen)
        painter.setBrush(look.chip_brush)
        painter.drawRoundedRect(QRectF(QPointF(0, 0), size).adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)
        painter.setPen(look.ink)
        painter.setFont(look.font)
        painter.drawText(QRectF(QPointF(0, 0), size), Qt.AlignCenter, text)
        painter.end()
        self._chips[(text, look.suggestion, ratio)] = pixmap
        return pixmap

    def _paint_find(self, painter: QPainter, first: int, last: int) -> None:
        if not self.find_ranges:
            return
        starts = [s for s, _ in self.find_ranges]
        lo, hi = bisect_left(starts, first - 200), bisect_right(starts, last)
        painter.setPen(QPen(QColor(230, 160, 0), 1.5))
        painter.setBrush(QColor(255, 200, 0, 70))
        for start, end in self.find_ranges[lo:hi]:
            for r in self._rects(start, end):
                painter.drawRect(r)

    # --- mouse -------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        moved = (self._press is None
                 or (event.position().toPoint() - self._press).manhattanLength() > 3)
        if event.button() == Qt.LeftButton and not moved and not self.textCursor().hasSelection():
            span = self.span_at(event.position().toPoint())
            self.spanClicked.emit(span.id if span else -1)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        span = self.span_at(event.pos())
        self.contextRequested.emit(span.id if span else -1, event.globalPos())
